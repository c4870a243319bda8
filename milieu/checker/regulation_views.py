"""The regulation as the engine reads it: one page per diploma, one section per rule."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from milieu.rules import get_catalogue
from milieu.rules.references import cited_paragraphs


def diploma_list(request: HttpRequest) -> HttpResponse:
    diplomas = sorted(get_catalogue().diplomas.values(), key=lambda diploma: diploma.id)
    return render(request, "regulation/diploma_list.html", {"diplomas": diplomas})


def diploma_detail(request: HttpRequest, diploma_id: str) -> HttpResponse:
    diploma = get_catalogue().diplomas.get(diploma_id)
    if diploma is None:
        raise Http404("Aucun diplôme ne porte cet identifiant.")
    context = {"diploma": diploma, "paragraphs": cited_paragraphs(diploma.id)}
    return render(request, "regulation/diploma_detail.html", context)
