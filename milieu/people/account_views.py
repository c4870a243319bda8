"""Account pages: invitations (sent by the managers, accepted by the student), forgotten
password and password change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.http import client_ip
from milieu.people.account_forms import (
    ChoosePasswordForm,
    FrenchPasswordChangeForm,
    FrenchSetPasswordForm,
    ThrottledPasswordResetForm,
)
from milieu.people.invitations import (
    InvitationError,
    accept_invitation,
    invitation_for,
    invite_cohort,
    invite_student,
)
from milieu.people.models import User
from milieu.people.requests import SignedInRequest
from milieu.permissions import Action, get_object_for, student_for, visible_cohorts


@login_required
@require_POST
def invite_one(request: SignedInRequest, pk: int) -> HttpResponse:
    """Send (or send again) one student their invitation; back to the student's page."""
    student = student_for(request.user, pk, Action.STUDENT_INVITE)
    try:
        invitation = invite_student(student, by=request.user, ip=client_ip(request))
    except InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Invitation envoyée à {invitation.email} ; un lien envoyé avant ne sert plus.",
        )
    return redirect("students:detail", pk=student.pk)


@login_required
@require_POST
def invite_all(request: SignedInRequest, pk: int) -> HttpResponse:
    """Invite every student of the cohort without an account who has an e-mail address."""
    cohort = get_object_for(request.user, visible_cohorts(request.user), pk, Action.COHORT_INVITE)
    sent = invite_cohort(cohort, by=request.user, ip=client_ip(request))
    if sent:
        plural = "s" if len(sent) > 1 else ""
        messages.success(request, f"{len(sent)} invitation{plural} envoyée{plural}.")
    else:
        messages.info(
            request,
            "Aucune invitation envoyée : chaque élève a déjà un compte ou n'a pas d'adresse "
            "électronique.",
        )
    target = request.POST.get("retour", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("establishments:cohort_detail", pk=cohort.pk)


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited student chooses their password; their account is created and opened."""
    try:
        invitation = invitation_for(token)
    except InvitationError as error:
        return render(
            request, "people/invitation_refused.html", {"reason": error.message}, status=410
        )
    student = invitation.student
    future = User(
        email=invitation.email, first_name=student.first_name, last_name=student.last_name
    )
    form = ChoosePasswordForm(request.POST or None, future_user=future)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(token, form.cleaned_data["password1"], ip=client_ip(request))
        except InvitationError as error:
            return render(
                request, "people/invitation_refused.html", {"reason": error.message}, status=410
            )
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Bienvenue dans Milieu : votre compte est créé.")
        return redirect("dashboard")
    return render(
        request,
        "people/invitation_accept.html",
        {"form": form, "invitation": invitation, "student": student},
        status=400 if request.method == "POST" else 200,
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "people/password_reset_email.txt"
    subject_template_name = "people/password_reset_subject.txt"
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # the link is built on SITE_URL, the public address, never on the request's Host
        # header (which a client chooses)
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["ip"] = client_ip(self.request)
        return kwargs


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"
    form_class = FrenchSetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(
            AuditAction.PASSWORD_CHANGED,
            actor=form.user,
            ip=client_ip(self.request),
            changes={"motif": "mot de passe oublié"},
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "people/password_change.html"
    form_class = FrenchPasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["ip"] = client_ip(self.request)
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_CHANGED, actor=form.user, ip=client_ip(self.request))
        messages.success(self.request, "Votre mot de passe est changé.")
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="people/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="people/password_reset_complete.html"
)
password_change = PasswordChangeView.as_view()
