"""Report pages: the student's deposit page (read-only for the staff and the rectorat), the
cohort's deadline and list, the downloads, and the tutor's visa through their link.

Objects are fetched through `milieu.permissions` (another school's student or cohort is a 404),
then the action is asked (403). The tutor's views take the link's token as their credential and
open the reports of that link's intern only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from milieu import storage
from milieu.audit.downloads import audit_minor_download
from milieu.checker.checking import CheckedDossier
from milieu.exams.assembly import build_dossier
from milieu.exams.queries import session_of_cohort
from milieu.followup.operations import FollowupRefused, resolve_access
from milieu.http import AuthenticatedHttpRequest, client_ip, stored_file_response
from milieu.pagination import paginate
from milieu.permissions import (
    Action,
    can,
    get_object_for,
    require,
    student_for,
    visible_cohorts,
)
from milieu.refusals import Refused
from milieu.reports.analysis import ReportAnalysis, report_profile
from milieu.reports.conformity import conformity, exam_day, report_findings
from milieu.reports.models import AnalysisState, ReportDeadline, ReportDeposit, ReportReceipt
from milieu.reports.operations import (
    ReportRefused,
    correct_report,
    current_figures,
    endorse_report,
    expectation_of,
    receive_report,
    record_refusal,
    set_deadline,
)
from milieu.reports.queries import (
    cohort_report_students,
    cohort_rows,
    deadline_history,
    deadline_state,
    reading_figures,
    today,
)
from milieu.reports.tasks import enqueue_analysis
from milieu.rules import judge
from milieu.students.models import Student

UPLOAD_FIELD = "fichier"


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label="Date limite de dépôt du rapport",
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date limite.",
            "invalid": "Indiquez une date valide (jj/mm/aaaa).",
        },
    )


def report_file_response(deposit: ReportDeposit) -> HttpResponse:
    """The stored file as an attachment, after checking it still matches its SHA-256."""
    content = storage.read(deposit.path)
    if hashlib.sha256(content).hexdigest() != deposit.sha256:
        return HttpResponse(
            "Le fichier conservé ne correspond plus à son empreinte : prévenez l'établissement.",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    return stored_file_response(content, sha256=deposit.sha256, filename=deposit.download_name)


def student_context(student: Student, *, day: date) -> dict[str, Any]:
    """Everything the deposit page shows about one student's report."""
    expect = expectation_of(student)
    deposits = list(
        ReportDeposit.objects.filter(student=student)
        .select_related("endorsement", "uploaded_by", "reading")
        .order_by("-version")
    )
    refusals = list(student.report_refusals.select_related("attempted_by")[:10])
    deadline_row = ReportDeadline.objects.filter(cohort_id=student.cohort_id).first()
    deadline = deadline_row.deadline if deadline_row is not None else None
    effective = deadline or exam_day(int(student.cohort.session))
    session = session_of_cohort(student.cohort)  # the rectorat's date prevails (seed 001 §4)
    if session is not None:
        deadline = effective = session.report_deadline or session.exam_date
    latest = deposits[0] if deposits else None
    # the last file received, while it is analysed or when its analysis refused it
    receipt = student.report_receipts.select_related("deposit").first()
    if receipt is not None and receipt.state == AnalysisState.DONE:
        receipt = None
    context: dict[str, Any] = {
        "receipt": receipt,
        "AnalysisState": AnalysisState,  # `reports/_analysis.html` compares with its members
        "student": student,
        "expect": expect,
        "diploma_title": student.cohort.diploma_title,
        "deposits": deposits,
        "latest": latest,
        "previous": deposits[1:],
        "refusals": refusals,
        "deadline": deadline,
        "deadline_row": deadline_row,
        "exam_session": session,
        "effective_deadline": effective,
        "deadline_state": deadline_state(
            effective, day, latest.submitted_on if latest is not None else None
        ),
        "today": day,
        "max_bytes": storage.max_bytes(),
    }
    if not expect.expected:
        return context
    checked = CheckedDossier(judge(build_dossier(student, as_of=day), today=day))
    findings = None if checked.is_error else report_findings(checked.result)
    context["checked"] = checked
    context["findings"] = [f for f in checked.findings if f.code.startswith("REPORT_")]
    if latest is not None:
        analysis = ReportAnalysis.from_json(latest.analysis)
        figures = reading_figures(latest)
        context["analysis"] = analysis
        context["conformity"] = conformity(analysis, expect, findings, figures)
        context["figures"] = current_figures(latest, expect)
        context["correction_sections"] = _form_rows(context["figures"], expect)
        context["corrections"] = list(
            latest.corrections.select_related("corrected_by").order_by("-corrected_at", "-pk")
        )
    return context


def _form_rows(figures: dict[str, Any], expect: Any) -> list[dict[str, Any]]:
    """One row of the correction form per expected section: key, title, found, pages."""
    profile = expect.profile
    return [
        {
            "key": key,
            "title": profile.title(key) if profile is not None else key,
            "found": bool(figures["sections"].get(key)),
            "pages": figures["section_pages"].get(key),
        }
        for key in expect.required_sections()
    ]


def _posted_figures(data: Any, expect: Any, current: dict[str, Any]) -> dict[str, Any]:
    """The figures of the correction form, in `correct_report`'s form (text kept as typed: the
    operation refuses what is not a number)."""
    figures: dict[str, Any] = {
        "pages": data.get("pages", current["pages"]),
        "annex_pages": data.get("annex_pages", current["annex_pages"]),
        "sections": {key: f"section-{key}" in data for key in expect.required_sections()},
        "section_pages": {
            key: data.get(f"section_pages-{key}") or None for key in expect.required_sections()
        },
    }
    if "english" in current:
        figures["english"] = {
            "technical": data.get("english_technical", current["english"]["technical"]),
            "press": data.get("english_press", current["english"]["press"]),
        }
    return figures


@login_required
@require_POST
def correct(request: AuthenticatedHttpRequest, pk: int, deposit_pk: int) -> HttpResponse:
    """A teacher corrects figures of the latest version, with a reason."""
    student = student_for(request.user, pk, Action.REPORT_CORRECT)
    found = get_object_or_404(
        ReportDeposit.objects.select_related("student", "reading"), pk=deposit_pk
    )
    if found.student_id != student.pk:
        raise Http404("Ce rapport n'est pas celui de cet élève.")
    expect = expectation_of(student)
    posted = _posted_figures(request.POST, expect, current_figures(found, expect))
    reason = str(request.POST.get("reason", ""))
    try:
        rows = correct_report(found, posted, reason=reason, by=request.user, ip=client_ip(request))
    except ReportRefused as refused:
        context = student_context(student, day=today())
        context.update(
            {
                "may_deposit": can(request.user, Action.REPORT_DEPOSIT, student),
                "may_correct": True,
                "upload_field": UPLOAD_FIELD,
                "correction_error": refused.user_message(),
                "figures": posted,
                "correction_sections": _form_rows(posted, expect),
                "correction_reason": reason,
            }
        )
        return render(request, "reports/deposit.html", context, status=400)
    messages.success(
        request,
        f"Correction enregistrée ({len(rows)} chiffre{'s' if len(rows) > 1 else ''}) : "
        "le dossier est jugé sur les chiffres corrigés.",
    )
    return redirect(reverse("reports:deposit", kwargs={"pk": student.pk}) + "#conformite")


class LimitedUploadHandler(FileUploadHandler):
    """Stops receiving a file as soon as it exceeds the limit: the rest of it is read from the
    connection and thrown away, never written to a temporary file."""

    def __init__(self, limit: int, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded: str | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = str(self.file_name or "")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size // 1024} Ko"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"


@csrf_exempt  # the upload handler is set before the body is read; `_deposit` checks CSRF
@login_required
@require_http_methods(["GET", "POST"])
def deposit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The student deposits their report; the staff of the cohort and the rectorat read it."""
    handler = LimitedUploadHandler(storage.max_bytes(), request)
    if request.method == "POST":
        request.upload_handlers.insert(0, handler)
    return _deposit(request, pk, handler)


@csrf_protect
def _deposit(
    request: AuthenticatedHttpRequest, pk: int, handler: LimitedUploadHandler
) -> HttpResponse:
    student = student_for(request.user, pk, Action.REPORT_VIEW)
    error = ""
    if request.method == "POST":
        require(request.user, Action.REPORT_DEPOSIT, student)
        try:
            upload = request.FILES.get(UPLOAD_FIELD)
            if handler.exceeded is not None:
                raise ReportRefused(
                    record_refusal(
                        student,
                        by=request.user,
                        name=handler.exceeded,
                        reason=f"Le fichier dépasse la limite de {_megabytes(handler.limit)}.",
                    )
                )
            receipt = receive_report(student, upload, by=request.user)
        except ReportRefused as refused:
            error = refused.user_message()
        else:
            enqueue_analysis(receipt)  # issue 15: analysed in the background, never here
            messages.success(request, "Votre rapport est bien reçu ; son analyse est en cours.")
            return redirect("reports:deposit", pk=student.pk)
    context = student_context(student, day=today())
    context.update(
        {
            "error": error,
            "may_deposit": can(request.user, Action.REPORT_DEPOSIT, student),
            "may_correct": can(request.user, Action.REPORT_CORRECT, student),
            "upload_field": UPLOAD_FIELD,
        }
    )
    return render(request, "reports/deposit.html", context, status=400 if error else 200)


@login_required
def analysis_state(request: AuthenticatedHttpRequest, pk: int, receipt_pk: int) -> HttpResponse:
    """The state of a received report, polled by its page while the analysis runs; once done,
    the page reloads itself (htmx) to show the new version's conformity."""
    student = student_for(request.user, pk, Action.REPORT_VIEW)
    receipt = get_object_or_404(
        ReportReceipt.objects.select_related("deposit"), pk=receipt_pk, student=student
    )
    response = render(
        request, "reports/_analysis.html", {"receipt": receipt, "AnalysisState": AnalysisState}
    )
    if receipt.state == AnalysisState.DONE and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def download(request: AuthenticatedHttpRequest, pk: int, deposit_pk: int) -> HttpResponse:
    student = student_for(request.user, pk, Action.REPORT_VIEW)
    found = get_object_or_404(ReportDeposit.objects.select_related("student"), pk=deposit_pk)
    if found.student_id != student.pk:
        raise Http404("Ce rapport n'est pas celui de cet élève.")
    return audit_minor_download(
        request, report_file_response(found), students=[student], document=found
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The cohort's report deadline (set by its staff) and each student's latest version."""
    found = get_object_for(
        request.user,
        visible_cohorts(request.user).select_related("report_deadline__set_by", "establishment"),
        pk,
        Action.REPORT_LIST,
    )
    may_set = can(request.user, Action.REPORT_SET_DEADLINE, found)
    current = getattr(found, "report_deadline", None)
    form = DeadlineForm(initial={"deadline": current.deadline} if current else None)
    error = ""
    if request.method == "POST":
        require(request.user, Action.REPORT_SET_DEADLINE, found)
        form = DeadlineForm(request.POST)
        if form.is_valid():
            try:
                set_deadline(
                    found, form.cleaned_data["deadline"], by=request.user, ip=client_ip(request)
                )
            except ReportRefused as refused:  # shown beside the date typed
                error = refused.user_message()
            else:
                messages.success(request, "La date limite de dépôt du rapport est enregistrée.")
                return redirect("reports:cohort", pk=found.pk)
    deadline = current.deadline if current is not None else None
    session = session_of_cohort(found)  # the rectorat's date prevails (seed 001 §4)
    if session is not None:
        deadline = session.report_deadline or session.exam_date
    day = today()
    page = paginate(request, cohort_report_students(found))
    rows = cohort_rows(found, deadline=deadline, today=day, students=page.object_list)
    failed = bool(error) or (request.method == "POST" and not form.is_valid())
    return render(
        request,
        "reports/cohort.html",
        {
            "cohort": found,
            "deadline_row": current,
            "deadline_history": deadline_history(current),
            "exam_session": session,
            "deadline": deadline,
            "effective_deadline": deadline or exam_day(int(found.session)),
            "today": day,
            "rows": rows,
            "page": page,
            "expected": report_profile(str(found.diploma)) is not None,
            "form": form,
            "may_set": may_set,
            "error": error,
        },
        status=400 if failed else 200,
    )


# --- the report through a no-account link: the tutor's here, the maître d'apprentissage's in
# `milieu.apprenticeships.views` (the same views, told by a `ReportLink` what the link is) ------


@dataclass(frozen=True)
class ReportLink:
    """What the report's views need to know of one kind of no-account link."""

    resolve: Callable[[str], Any]  # the usable access behind a token, or raises `refused`
    refused: type[Refused]
    refused_template: str  # the page of a link that is no longer usable (410)
    student_id: Callable[[Any], int]  # the one student whose report the access opens
    endorse: Callable[[Any, ReportDeposit, str, str | None], object]  # access, deposit, name, ip
    name_field: str  # the visa form's field with the typed name
    page: str  # the URL name of the link's page (given the token)
    actor_label: Callable[[Any], str]  # who downloads, for the journal


TUTOR_LINK = ReportLink(
    resolve=resolve_access,
    refused=FollowupRefused,
    refused_template="reports/link_refused.html",
    student_id=lambda access: access.convention.student_id,
    endorse=lambda access, deposit, name, ip: endorse_report(
        access, deposit, tutor_name=name, ip=ip
    ),
    name_field="tutor_name",
    page="followup:tutor",
    actor_label=lambda access: f"{access.convention.tutor or 'Tuteur'} — lien de suivi",
)


def link_access(
    request: HttpRequest, token: str, link: ReportLink
) -> tuple[Any, HttpResponse | None]:
    """The usable access behind `token` and None, or None and the page saying why it is not."""
    try:
        return link.resolve(token), None
    except link.refused as refused:
        message = {"message": str(refused)}
        return None, render(request, link.refused_template, message, status=410)


def _link_deposit(access: Any, deposit_pk: int, link: ReportLink) -> ReportDeposit:
    """A version of the link's own student's report (never another student's: 404)."""
    return get_object_or_404(
        ReportDeposit.objects.select_related("student", "endorsement"),
        pk=deposit_pk,
        student_id=link.student_id(access),
    )


def link_endorse(
    request: HttpRequest, token: str, deposit_pk: int, link: ReportLink
) -> HttpResponse:
    """The link's holder endorses (*vise*) the latest version of their student's report."""
    access, refusal = link_access(request, token, link)
    if refusal is not None:
        return refusal
    found = _link_deposit(access, deposit_pk, link)
    link.endorse(access, found, str(request.POST.get(link.name_field, "")), client_ip(request))
    messages.success(request, f"Version {found.version} du rapport visée. Merci.")
    return redirect(reverse(link.page, kwargs={"token": token}) + "#rapport")


def link_download(
    request: HttpRequest, token: str, deposit_pk: int, link: ReportLink
) -> HttpResponse:
    """A version of the link's own student's report, downloaded by the link's holder."""
    access, refusal = link_access(request, token, link)
    if refusal is not None:
        return refusal
    found = _link_deposit(access, deposit_pk, link)
    return audit_minor_download(
        request,
        report_file_response(found),
        students=[found.student],
        document=found,
        actor_label=link.actor_label(access),
    )


@require_POST
def tutor_endorse(request: HttpRequest, token: str, deposit_pk: int) -> HttpResponse:
    """The tutor endorses (*vise*) the latest version of their intern's report."""
    return link_endorse(request, token, deposit_pk, TUTOR_LINK)


def tutor_download(request: HttpRequest, token: str, deposit_pk: int) -> HttpResponse:
    return link_download(request, token, deposit_pk, TUTOR_LINK)
