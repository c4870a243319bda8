"""The e-mail the cohort's teachers receive when a report is deposited (issue 13 §18)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from milieu.reports.models import ReportDeposit


def mail_teachers(deposit: ReportDeposit) -> int:
    """One e-mail to each teacher in charge of the student's cohort; returns how many."""
    deposit = ReportDeposit.objects.select_related("student__cohort").get(pk=deposit.pk)
    student = deposit.student
    recipients = sorted(
        {str(email) for email in student.cohort.teachers.values_list("email", flat=True) if email}
    )
    if not recipients:
        return 0
    url = settings.SITE_URL + reverse("reports:deposit", args=[student.pk])
    pages = deposit.analysis.get("total_pages") if isinstance(deposit.analysis, dict) else None
    size = f" ({pages} page{'s' if pages and pages > 1 else ''})" if pages else ""
    body = (
        "Bonjour,\n\n"
        f"{student.full_name} ({student.cohort.name}) a déposé son rapport de stage : "
        f"version {deposit.version}, « {deposit.original_name} »{size}.\n\n"
        "Lisez-le et consultez son analyse (plan, pages, conformité) sur cette page :\n"
        f"{url}\n"
    )
    subject = f"Rapport de stage déposé — {student.full_name}"
    for address in recipients:
        send_mail(subject, body, None, [address])
    return len(recipients)
