"""Background tasks of the reports (Django tasks API; a worker runs `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from milieu.reports.operations import analyse_receipt


@task()
def analyse_report_receipt(receipt_id: int) -> str:
    """Analyse a received report (0.5–2 s, outside the request); returns its state."""
    receipt = analyse_receipt(receipt_id)
    return receipt.state if receipt is not None else ""
