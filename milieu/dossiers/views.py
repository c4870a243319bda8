from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from milieu.dossiers.checking import check_dossiers
from milieu.dossiers.forms import CheckForm
from milieu.dossiers.samples import all_samples, get_sample
from milieu.http import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
def check(request: HtmxHttpRequest) -> HttpResponse:
    """Vérifier un dossier: paste or upload dossiers, see each verdict. Nothing is stored."""
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

    context = {"form": form, "results": results, "samples": all_samples()}
    if request.htmx:
        return render(request, "dossiers/_checker.html", context)
    return render(request, "dossiers/check.html", context)
