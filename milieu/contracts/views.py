"""The *contrats de travail de type particulier* of a candidate: list, record, confirm the fit.

The student is fetched through `get_object_for` over `visible_students` (another establishment's
is a 404, a refused action a 403; a refused operation is shown by `RefusedMiddleware`): the candidate's viewers read, the establishment's managers
record a contract and the team's statement.
"""

from __future__ import annotations

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
from milieu.permissions import Action, can, get_object_for, require, visible_students
from milieu.students.models import Student


def _student(request: AuthenticatedHttpRequest, pk: int, action: Action) -> Student:
    return get_object_for(
        request.user,
        visible_students(request.user).select_related("cohort", "cohort__establishment"),
        pk,
        action,
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def student(request: AuthenticatedHttpRequest, student_pk: int) -> HttpResponse:
    if request.method != "POST":
        return _page(request, _student(request, student_pk, Action.EVIDENCE_VIEW), None)
    found = _student(request, student_pk, Action.EVIDENCE_REVIEW)
    form = SpecialContractForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_special_contract(
                found,
                ContractData(
                    kind=data["kind"],
                    employer=data["employer"],
                    siret=data["siret"],
                    start=data["start"],
                    end=data["end"],
                ),
                by=request.user,
                ip=client_ip(request),
            )
        except ContractRefused as refused:
            for name, message in refused.errors.items():
                form.add_error(name if name in form.fields else None, message)
            if not refused.errors:
                form.add_error(None, str(refused))
        else:
            messages.success(request, "Contrat de travail de type particulier enregistré.")
            return redirect("contracts:student", student_pk=found.pk)
    return _page(request, found, form, status=400)


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
