from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from milieu.checker.checking import check_dossiers
from milieu.checker.forms import CheckForm
from milieu.checker.limits import Refusal, body_too_large, check_request
from milieu.checker.samples import all_samples, get_sample
from milieu.http import HtmxHttpRequest


# The CSRF check reads the body (its token is a form field): it runs in `_check`, once the
# request has been counted and its size accepted, so that no oversized body is ever parsed.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def check(request: HtmxHttpRequest) -> HttpResponse:
    """Vérifier un dossier: paste or upload dossiers, see each verdict. Nothing is stored."""
    if request.method == "POST":
        refusal = check_request(request)
        if refusal is not None:
            return _refused(request, refusal)
    return _check(request)


@csrf_protect
def _check(request: HtmxHttpRequest) -> HttpResponse:
    results = None
    if request.method == "POST":
        form = CheckForm(request.POST, request.FILES)
        if form.is_valid():
            results = check_dossiers(form.cleaned_data["dossiers"])
    else:
        form = CheckForm()
        sample = get_sample(request.GET.get("exemple", ""))
        if sample is not None:
            form.submitted_text = sample.text
    return _render(request, {"form": form, "results": results})


def _refused(request: HtmxHttpRequest, refusal: Refusal) -> HttpResponse:
    """The page (or the htmx fragment) with the refusal in French; a pasted text within the size
    limit is kept in the form, ready to be sent again."""
    form = CheckForm()
    if refusal.status != 413 and body_too_large(request) is None:
        form.submitted_text = str(request.POST.get("dossier", ""))
    response = _render(request, {"form": form, "results": None, "refusal": refusal})
    response.status_code = refusal.status
    if refusal.retry_after is not None:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _render(request: HtmxHttpRequest, context: dict[str, object]) -> HttpResponse:
    context["samples"] = all_samples()
    if request.htmx:
        return render(request, "checker/_checker.html", context)
    return render(request, "checker/check.html", context)
