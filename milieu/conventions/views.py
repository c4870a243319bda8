"""Convention views. The signing pages are public: the link's token is the credential."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from milieu.audit.downloads import audit_minor_download
from milieu.conventions.signatures import (
    CodeLimitReached,
    LinkRefused,
    document_to_sign,
    refuse_with_link,
    resolve_link,
    send_code,
    sign_with_link,
)
from milieu.http import client_ip, stored_file_response


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    """Read the convention, receive a one-time code by e-mail, sign or refuse with a reason."""
    try:
        link = resolve_link(token)
    except LinkRefused as refused:
        return render(
            request, "conventions/sign_refused.html", {"message": str(refused)}, status=410
        )
    signatory = link.signatory
    convention = signatory.convention
    context = {
        "signatory": signatory,
        "convention": convention,
        "snapshot": convention.snapshot,
        "token": token,
    }
    status, retry_after = 200, 0
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "code":
                send_code(link)
                context["code_sent"] = True
            elif action == "sign":
                sign_with_link(
                    token,
                    request.POST.get("code", ""),
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
                return render(request, "conventions/sign_done.html", context)
            elif action == "refuse":
                refuse_with_link(token, request.POST.get("reason", ""), ip=client_ip(request))
                return render(request, "conventions/sign_done.html", {**context, "refused": True})
        except LinkRefused as refused:
            context["error"] = str(refused)
            context["code_sent"] = action == "sign"
            context["reason"] = request.POST.get("reason", "")
            if isinstance(refused, CodeLimitReached):
                status, retry_after = 429, refused.retry_after
    response = render(request, "conventions/sign.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def sign_document(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        link = resolve_link(token)
    except LinkRefused as refused:
        return render(
            request, "conventions/sign_refused.html", {"message": str(refused)}, status=410
        )
    document = document_to_sign(link.signatory.convention)
    response = stored_file_response(
        document.content,
        sha256=document.sha256,
        filename=f"convention-{document.convention_id}-v{document.version}.pdf",
    )
    return audit_minor_download(
        request,
        response,
        students=[link.signatory.convention.student],
        document=document,
        actor_label=f"{link.signatory} — lien de signature",
    )
