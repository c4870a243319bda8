"""Background tasks of the reports (Django tasks API; a worker runs `manage.py db_worker`)."""

from __future__ import annotations

import logging

from django_tasks import task

from milieu.reports.models import ReportReceipt
from milieu.reports.operations import analyse_receipt

logger = logging.getLogger(__name__)


@task()
def analyse_report_receipt(receipt_id: int) -> str:
    """Analyse a received report (0.5–2 s, outside the request); returns its state."""
    receipt = analyse_receipt(receipt_id)
    return receipt.state if receipt is not None else ""


def enqueue_analysis(receipt: ReportReceipt) -> None:
    """Hand the analysis to the task backend (`milieu db_worker`); if it cannot take it, the
    analysis is done at once rather than lost."""
    try:
        analyse_report_receipt.enqueue(receipt.pk)
    except Exception:
        logger.exception("report receipt %s: could not enqueue its analysis", receipt.pk)
        analyse_receipt(receipt.pk)
