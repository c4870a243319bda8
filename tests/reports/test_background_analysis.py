"""A deposited report is analysed in the background (issue 15): the request only receives it,
the student is told at once, the page polls a small fragment until the analysis is done."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from milieu import filesafety, storage
from milieu.reports import analysis as analysis_module
from milieu.reports import operations
from milieu.reports.analysis import ReportRejected
from milieu.reports.models import AnalysisState, ReportDeposit, ReportReceipt, ReportRefusal
from milieu.reports.tasks import analyse_report_receipt
from tests.reports.conftest import BEFORE, Candidate, upload

QUEUED = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def queued(settings: Any) -> None:
    """Tasks wait in the database for `milieu db_worker`, as in production."""
    settings.TASKS = QUEUED


@pytest.fixture
def analyser_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each call of the analyser (the real one runs)."""
    calls: list[int] = []
    real = operations.analyse_report

    def spy(data: bytes, **kwargs: Any) -> Any:
        calls.append(len(data))
        return real(data, **kwargs)

    monkeypatch.setattr(operations, "analyse_report", spy)
    return calls


def deposit(client: Client, who: Candidate, pdf: bytes) -> ReportReceipt:
    client.force_login(who.user)
    response = client.post(who.page, {"fichier": upload(pdf)})
    assert response.status_code == 302
    return ReportReceipt.objects.get(student=who.student)


def fragment(client: Client, receipt: ReportReceipt, **headers: Any) -> Any:
    return client.get(
        reverse("reports:analysis", args=[receipt.student_id, receipt.pk]), headers=headers
    )


@time_machine.travel(BEFORE, tick=False)
def test_the_deposit_request_only_receives_the_file(
    client: Client, mm_a: Candidate, mm_pdf: bytes, queued: None, analyser_calls: list[int]
) -> None:
    receipt = deposit(client, mm_a, mm_pdf)
    assert analyser_calls == []  # not analysed inside the request
    assert receipt.state == AnalysisState.PENDING
    assert storage.read(receipt.path) == mm_pdf
    assert not ReportDeposit.objects.exists()
    queued_task = DBTaskResult.objects.get()
    assert queued_task.task_path == "milieu.reports.tasks.analyse_report_receipt"
    assert queued_task.args_kwargs["args"] == [receipt.pk]

    page = client.get(mm_a.page).content.decode()
    assert "Votre rapport est bien reçu ; son analyse est en cours." in page  # the message
    assert 'data-analysis-state="pending"' in page
    assert 'hx-trigger="every 2s"' in page

    # the worker runs the task: the analyser, then the version and its verdict
    analyse_report_receipt.call(receipt.pk)
    assert len(analyser_calls) == 1
    receipt.refresh_from_db()
    made = ReportDeposit.objects.get()
    assert receipt.state == AnalysisState.DONE and receipt.deposit == made
    assert (made.version, made.analysis["pages"], made.path) == (1, 15, receipt.path)
    assert made.uploaded_at == receipt.received_at  # on time is judged at reception
    # run again (a worker retrying): nothing more
    analyse_report_receipt.call(receipt.pk)
    assert len(analyser_calls) == 1 and ReportDeposit.objects.count() == 1


@time_machine.travel(BEFORE, tick=False)
def test_the_fragment_polls_then_shows_the_result(
    client: Client, mm_a: Candidate, mm_pdf: bytes, queued: None
) -> None:
    receipt = deposit(client, mm_a, mm_pdf)
    pending = fragment(client, receipt, HX_Request="true")
    assert pending.status_code == 200
    text = pending.content.decode()
    assert 'hx-trigger="every 2s"' in text and "son analyse est en cours" in text
    assert "HX-Refresh" not in pending

    analyse_report_receipt.call(receipt.pk)
    done = fragment(client, receipt, HX_Request="true")
    text = done.content.decode()
    assert "hx-trigger" not in text  # polling stops
    assert "L’analyse du rapport est terminée" in text and "Version 1 du rapport" in text
    assert done["HX-Refresh"] == "true"  # the page reloads with the new version's conformity
    page = client.get(mm_a.page).content.decode()
    assert 'data-analysis-state="pending"' not in page
    assert 'data-section="legal-analysis" data-found="oui"' in page


@time_machine.travel(BEFORE, tick=False)
def test_a_failed_analysis_shows_a_french_message(
    client: Client, mm_a: Candidate, mm_pdf: bytes, queued: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = deposit(client, mm_a, mm_pdf)

    def refuse(data: bytes, **kwargs: Any) -> Any:
        raise ReportRejected("Le fichier contient une quantité de texte démesurée : il est refusé.")

    monkeypatch.setattr(operations, "analyse_report", refuse)
    analyse_report_receipt.call(receipt.pk)
    receipt.refresh_from_db()
    assert receipt.state == AnalysisState.FAILED
    assert not storage.path_of(receipt.path).exists()  # a refused file is not kept
    assert not ReportDeposit.objects.exists()
    assert ReportRefusal.objects.get().reason == receipt.message
    text = fragment(client, receipt, HX_Request="true").content.decode()
    assert 'data-analysis-state="failed"' in text and "hx-trigger" not in text
    assert "quantité de texte démesurée" in text
    page = client.get(mm_a.page).content.decode()
    assert "Le fichier est refusé" in page and "quantité de texte démesurée" in page


@time_machine.travel(BEFORE, tick=False)
def test_an_unexpected_error_is_told_in_french(
    client: Client, mm_a: Candidate, mm_pdf: bytes, queued: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = deposit(client, mm_a, mm_pdf)

    def crash(data: bytes, **kwargs: Any) -> Any:
        raise MemoryError("out of memory")

    monkeypatch.setattr(operations, "analyse_report", crash)
    analyse_report_receipt.call(receipt.pk)
    page = client.get(mm_a.page).content.decode()
    assert "L&#x27;analyse du rapport n&#x27;a pas pu aboutir" in page
    assert "Traceback" not in page and "MemoryError" not in page


def test_another_school_does_not_see_the_fragment(
    client: Client, mm_a: Candidate, mm_b: Candidate, mm_pdf: bytes, queued: None
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        receipt = deposit(client, mm_a, mm_pdf)
    client.force_login(mm_b.user)
    assert fragment(client, receipt).status_code == 404
    # nor through its own student's address
    url = reverse("reports:analysis", args=[mm_b.student.pk, receipt.pk])
    assert client.get(url).status_code == 404


@time_machine.travel(BEFORE, tick=False)
def test_the_pdf_is_checked_once(
    client: Client, mm_a: Candidate, mm_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared PDF rules run when the file is received; the analysis does not run them a
    second time on the same bytes."""
    checks: list[int] = []
    real = filesafety.check_pdf

    def counted(data: Any, **kwargs: Any) -> int:
        checks.append(len(data))
        return real(data, **kwargs)

    monkeypatch.setattr(filesafety, "check_pdf", counted)
    monkeypatch.setattr(analysis_module, "check_pdf", counted)
    deposit(client, mm_a, mm_pdf)  # tasks inline here: received and analysed
    assert ReportDeposit.objects.count() == 1
    assert checks == [len(mm_pdf)]
