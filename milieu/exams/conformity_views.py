"""The exam service's page to pronounce the reports' conformity (`milieu.exams.conformity`):
the candidates of a diploma whose conformity it pronounces, read from the stored verdicts as the
académie board reads them (`milieu.exams.board`), rows to select, the decision, a confirmation
step, then the operation for all the selected candidates at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from milieu.checker.enums import STATUS_BADGES
from milieu.exams.board import (
    PAGE_SIZE,
    UNJUDGED,
    BoardFilters,
    board_academies,
    board_establishments,
    board_sessions,
    board_verdicts,
)
from milieu.exams.board_views import STATUS_CHOICES
from milieu.exams.conformity import (
    REPORT_CODES,
    ConformityRefused,
    Ground,
    Pronouncement,
    required_sections,
)
from milieu.exams.models import ReportConformity
from milieu.exams.pronouncing import pronounce
from milieu.exams.views import acting
from milieu.http import client_ip, parse_id
from milieu.permissions import Action, require, visible_students
from milieu.rules import get_catalogue
from milieu.rules.references import CONFORMITY_PRONOUNCED, FINDING_LABELS

DECISION_FIELDS = (
    "decision",
    "ground",
    "received_on",
    "missing_sections",
    "not_endorsed",
    "reason",
)


def _latest(student_ids: list[int]) -> dict[int, ReportConformity]:
    latest: dict[int, ReportConformity] = {}
    for row in (
        ReportConformity.objects.filter(student_id__in=student_ids)
        .select_related("decided_by")
        .order_by("student_id", "-decided_at", "-pk")
    ):
        latest.setdefault(row.student_id, row)
    return latest


def _pronouncement(data: Any) -> tuple[Pronouncement | None, str]:
    decision = data.get("decision", "")
    if decision not in ("conforme", "non-conforme"):
        return None, "Choisissez « conforme » ou « non conforme »."
    received: date | None = None
    if data.get("received_on"):
        try:
            received = date.fromisoformat(str(data.get("received_on")))
        except ValueError:
            return None, "La date de réception n’est pas une date (jj/mm/aaaa)."
    return (
        Pronouncement(
            conforming=decision == "conforme",
            reason=str(data.get("reason", "")),
            ground=str(data.get("ground", "")) if decision == "non-conforme" else "",
            received_on=received,
            missing_sections=tuple(str(k) for k in data.getlist("missing_sections")),
            not_endorsed=bool(data.get("not_endorsed")),
        ),
        "",
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_conformity(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.REPORT_CONFORMITY_LIST)
    academies = board_academies(request.user)
    establishments = board_establishments(academies)
    sessions = board_sessions(academies)
    diploma = sorted(CONFORMITY_PRONOUNCED)[0]
    # the list's filters: the URL's, kept in the selection form as `query` when it is sent
    source = QueryDict(request.POST.get("query", "")) if request.method == "POST" else request.GET
    f = BoardFilters.read(source, establishments, sessions)
    f.diploma = diploma if f.diploma not in CONFORMITY_PRONOUNCED else f.diploma
    error = ""
    chosen: list[Any] = []
    if request.method == "POST":
        ids = [i for i in map(parse_id, request.POST.getlist("student")) if i is not None]
        chosen = list(
            visible_students(request.user)
            .filter(pk__in=ids, cohort__diploma__in=sorted(CONFORMITY_PRONOUNCED))
            .select_related("cohort", "cohort__establishment")
            .order_by("last_name", "first_name", "pk")
        )
        p, error = _pronouncement(request.POST)
        if not chosen:
            error = "Choisissez au moins un candidat."
        if p is not None and not error:
            if request.POST.get("step") == "commit":
                try:
                    made = pronounce(chosen, p, by=acting(request), ip=client_ip(request))
                except ConformityRefused as refusal:
                    error = str(refusal)
                else:
                    verdict = (
                        "conforme" if p.conforming else "non conforme (mention « non validé »)"
                    )
                    plural = "s" if len(made) > 1 else ""
                    messages.success(
                        request,
                        f"Rapport{plural} de {len(made)} candidat{plural} : {verdict}.",
                    )
                    return redirect(f"{request.path}?{request.POST.get('query', '')}")
            else:
                return render(
                    request,
                    "exams/report_conformity_confirm.html",
                    {
                        "chosen": chosen,
                        "p": p,
                        "ground_label": dict(Ground.choices).get(p.ground, ""),
                        "post": request.POST,
                        "missing": request.POST.getlist("missing_sections"),
                        "query": request.POST.get("query", ""),
                    },
                )
    page = Paginator(board_verdicts(academies, f), PAGE_SIZE).get_page(source.get("page"))
    verdicts = list(page.object_list)
    latest = _latest([v.student_id for v in verdicts])
    rows: list[dict[str, Any]] = [
        {
            "verdict": v,
            "student": v.student,
            "status_label": dict(STATUS_CHOICES).get(v.status or UNJUDGED, v.status),
            "badge": STATUS_BADGES.get(v.status, "fr-badge--warning"),
            "codes": [
                (c, FINDING_LABELS.get(c, c)) for c in v.finding_codes.split() if c in REPORT_CODES
            ],
            "pronounced": latest.get(v.student_id),
        }
        for v in verdicts
    ]
    catalogue = get_catalogue()
    sections = required_sections(diploma, "scolaire")
    labels = dict(catalogue.diplomas[diploma].extra.get("report_sections") or {})
    return render(
        request,
        "exams/report_conformity.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "establishments": establishments,
            "sessions": sessions,
            "diploma_title": catalogue.diplomas[diploma].title,
            "grounds": Ground.choices,
            "sections": [(key, _section_label(labels, key)) for key in sections],
            "error": error,
            "post": request.POST if request.method == "POST" else {},
            "checked": {str(s.pk) for s in chosen},
            "missing": request.POST.getlist("missing_sections") if request.method == "POST" else [],
            "query": source.urlencode(),
        },
        status=400 if error else 200,
    )


def _section_label(labels: dict[str, Any], key: str) -> str:
    entry = labels.get(key)
    return str(entry.get("title") or key) if isinstance(entry, dict) else key
