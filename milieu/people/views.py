from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.http import client_ip
from milieu.people.dashboard import build_dashboard
from milieu.people.forms import LoginForm


class _LoginView(LoginView):
    template_name = "people/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        record(AuditAction.LOGIN, actor=form.get_user(), ip=client_ip(self.request))
        messages.success(self.request, "Vous êtes connecté.")
        return response


login = _LoginView.as_view()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(AuditAction.LOGOUT, actor=request.user, ip=client_ip(request))
    auth_logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("home")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each section shows what the user's memberships open: their establishment, the cohorts they
    teach, their own placements as a student, the establishments of their académie."""
    context = build_dashboard(request.user, today=timezone.localdate())
    return render(request, "people/dashboard.html", {"board": context})
