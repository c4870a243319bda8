"""Background tasks of the exam side (Django tasks API; a worker runs `manage.py db_worker`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from milieu.exams.verdicts import refresh_verdicts
from milieu.students.models import Student


@task()
def refresh_all_verdicts(
    as_of: str | None = None, session: int | None = None, establishment: str | None = None
) -> int:
    """What ``milieu eligibility refresh`` does, from the web: every candidate's stored verdict
    (of a session, of an establishment by UAI) as on `as_of` (ISO date; today by default);
    returns how many were refreshed."""
    students = Student.objects.all()
    if session is not None:
        students = students.filter(cohort__session=session)
    if establishment:
        students = students.filter(cohort__establishment__uai=establishment)
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return refresh_verdicts(students, day)
