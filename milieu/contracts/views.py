"""The *contrats de travail de type particulier* of a candidate: list, record, confirm the fit.

The student is fetched through `get_object_for` over `visible_students` (another establishment's
is a 404, a refused action a 403; a refused operation is shown by `RefusedMiddleware`): the
candidate's viewers read, the establishment's managers record a contract and the team's
statement. The apprenticeship's page records its contracts through the same view function
(`record_on_student_page`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from milieu.contracts.forms import SpecialContractForm
from milieu.contracts.models import SpecialContract
from milieu.contracts.operations import (
    ContractData,
    ContractRefused,
    confirm_activities_fit,
    record_special_contract,
    takes_special_contracts,
)
from milieu.http import AuthenticatedHttpRequest, client_ip
from milieu.permissions import Action, can, require, student_for, visible_students
from milieu.students.models import Student


def _page(
    request: AuthenticatedHttpRequest,
    student: Student,
    form: SpecialContractForm | None,
    status: int = 200,
) -> HttpResponse:
    may_record = can(request.user, Action.EVIDENCE_REVIEW, student)
    eligible = takes_special_contracts(student)
    contracts = SpecialContract.objects.filter(student=student).select_related(
        "recorded_by", "activities_fit_by"
    )
    if form is None and may_record and eligible:
        form = SpecialContractForm()
    return render(
        request,
        "contracts/student.html",
        {
            "student": student,
            "contracts": list(contracts),
            "eligible": eligible,
            "may_record": may_record,
            "form": form if may_record and eligible else None,
        },
        status=status,
    )


@dataclass(frozen=True)
class RecordingPage:
    """A candidate's page that lists their contracts of one kind and records a new one (the
    special contracts here, the apprenticeships in `milieu.apprenticeships.views`)."""

    actions: tuple[Action, Action]  # to see the page, to record a contract
    form_class: type[forms.Form]
    data_class: Callable[..., Any]  # the operation's data, from the form's fields (same names)
    record: Callable[..., object]  # the operation: (student, data, by=, ip=)
    render: Callable[[AuthenticatedHttpRequest, Student, Any, int], HttpResponse]
    success: str
    url_name: str


def record_on_student_page(
    request: AuthenticatedHttpRequest, student_pk: int, page: RecordingPage
) -> HttpResponse:
    """The page shown; or a posted form recorded, then back to the page with `success`, or the
    page again (400) with the refusal: each field's message beside its field (at the top when the
    form has no such field), or else the refusal's message."""
    view, manage = page.actions
    if request.method != "POST":
        return page.render(request, student_for(request.user, student_pk, view), None, 200)
    found = student_for(request.user, student_pk, manage)
    form = page.form_class(request.POST)
    if form.is_valid():
        try:
            data = page.data_class(**form.cleaned_data)
            page.record(found, data, by=request.user, ip=client_ip(request))
        except ContractRefused as refused:
            for name, error in refused.errors.items():
                form.add_error(name if name in form.fields else None, error)
            if not refused.errors:
                form.add_error(None, str(refused))
        else:
            messages.success(request, page.success)
            return redirect(page.url_name, student_pk=found.pk)
    return page.render(request, found, form, 400)


CONTRACTS_PAGE = RecordingPage(
    actions=(Action.EVIDENCE_VIEW, Action.EVIDENCE_REVIEW),
    form_class=SpecialContractForm,
    data_class=ContractData,
    record=record_special_contract,
    render=_page,
    success="Contrat de travail de type particulier enregistré.",
    url_name="contracts:student",
)


@login_required
@require_http_methods(["GET", "POST"])
def student(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    return record_on_student_page(request, student_pk, CONTRACTS_PAGE)


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract: SpecialContract = get_object_or_404(
        SpecialContract.objects.filter(
            student__in=visible_students(request.user).values("pk")
        ).select_related("student", "student__cohort", "student__cohort__establishment"),
        pk=pk,
    )
    require(request.user, Action.EVIDENCE_REVIEW, contract.student)
    confirm_activities_fit(contract, by=request.user, ip=client_ip(request))
    messages.success(
        request, "La conformité des activités au référentiel du diplôme est constatée."
    )
    return redirect("contracts:student", student_pk=contract.student_id)
