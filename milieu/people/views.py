from __future__ import annotations

from typing import Any

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
from milieu.oidc.providers import enabled_providers
from milieu.oidc.views import provider_logout_url
from milieu.people.dashboard import build_dashboard
from milieu.people.forms import LoginForm
from milieu.people.requests import SignedInRequest


class _LoginView(LoginView):
    template_name = "people/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # the « Se connecter avec ProConnect / ÉduConnect » buttons, for the providers enabled
        return {**super().get_context_data(**kwargs), "oidc_providers": enabled_providers()}

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
    # signed in through ProConnect or ÉduConnect: their session ends too (RP-initiated logout)
    provider_logout = provider_logout_url(request)
    auth_logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect(provider_logout or "home")


@login_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    """Each section shows what the user's memberships open: their establishment, the cohorts they
    teach, their own placements as a student, the establishments of their académie."""
    context = build_dashboard(
        request.user, today=timezone.localdate(), academie_page=request.GET.get("page")
    )
    return render(request, "people/dashboard.html", {"board": context})
