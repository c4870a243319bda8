"""Every edit of a record people rely on is in the audit journal and on the record's page: the
« Historique » of the student, the cohort (its teachers, who gain access to its students, and
its PFMP windows) and the host (its sites and tutors), for the managers of its establishment,
with a link to the whole journal for the head."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.history import HISTORY_LIMIT, describe, object_key
from milieu.audit.journal import record
from milieu.audit.models import AuditEntry
from milieu.factories import HostFactory, TutorFactory
from milieu.hosts.models import HostSite, Tutor
from tests.school.conftest import School, client_for


def history_html(html: str) -> str:
    """The « Historique » section of a page ('' when the page has none)."""
    start = html.find("data-history")
    if start == -1:
        return ""
    return html[start : html.index("</section>", start)]


def page(user: Any, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return history_html(response.content.decode())


# --- the student --------------------------------------------------------------------------


def student_form(student: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "last_name": student.last_name,
        "first_name": student.first_name,
        "ine": student.ine,
        "birth_date": student.birth_date.isoformat(),
        "division": student.division,
        "email": student.email,
        "pathway": "scolaire",
        "representants-TOTAL_FORMS": "0",
        "representants-INITIAL_FORMS": "0",
        "representants-MIN_NUM_FORMS": "0",
        "representants-MAX_NUM_FORMS": "4",
        "version": str(student.version),
    }
    data.update(changes)
    return data


def test_a_student_edit_is_in_the_journal_and_on_the_students_page(school_a: School) -> None:
    student = school_a.student
    response = client_for(school_a.secretary).post(
        reverse("students:edit", args=[student.pk]), student_form(student, division="1 CIEL Z")
    )
    assert response.status_code == 302

    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_EDITED)
    assert (entry.actor, entry.establishment) == (school_a.secretary, school_a.establishment)
    section = page(school_a.head, reverse("students:detail", args=[student.pk]))
    assert "Historique" in section and "élève modifié" in section and "1 CIEL Z" in section
    journal = reverse("audit:journal", args=[school_a.establishment.pk])
    assert f"{journal}?objet=students.student%3A{student.pk}" in section


def test_the_students_history_is_for_the_managers_only(school_a: School) -> None:
    record(
        AuditAction.STUDENT_EDITED,
        actor=school_a.ddfpt,
        obj=school_a.student,
        establishment=school_a.establishment,
        changes={"division": ["1 CIEL A", "1 CIEL B"]},
    )
    url = reverse("students:detail", args=[school_a.student.pk])

    assert "1 CIEL B" in page(school_a.ddfpt, url)
    assert "data-history-journal" not in page(school_a.ddfpt, url)  # the journal: the head's
    assert page(school_a.teacher, url) == ""
    assert page(school_a.student_user, url) == ""


def test_the_history_shows_the_latest_rows_and_links_to_the_rest(school_a: School) -> None:
    for n in range(HISTORY_LIMIT + 3):
        record(
            AuditAction.STUDENT_EDITED,
            actor=school_a.ddfpt,
            obj=school_a.student,
            establishment=school_a.establishment,
            changes={"division": [f"avant {n}", f"après {n}"]},
        )
    section = page(school_a.head, reverse("students:detail", args=[school_a.student.pk]))

    assert section.count("data-history-entry") == HISTORY_LIMIT
    assert f"après {HISTORY_LIMIT + 2}" in section and "après 2 " not in section
    assert f"Les {HISTORY_LIMIT} modifications les plus récentes" in section
    assert "data-history-journal" in section


def test_the_journal_lists_one_records_rows(school_a: School) -> None:
    for obj in (school_a.student, school_a.cohort):
        record(
            AuditAction.OTHER,
            actor=school_a.head,
            obj=obj,
            establishment=school_a.establishment,
            changes={"quoi": str(obj)},
        )
    response = client_for(school_a.head).get(
        reverse("audit:journal", args=[school_a.establishment.pk]),
        {"objet": object_key(school_a.student)},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"quoi : {school_a.student}" in html and f"quoi : {school_a.cohort}" not in html


@pytest.mark.parametrize(
    "objet",
    [
        "",
        ":",
        "students.student",
        "students.student:",
        "nope.nothing:1",
        "students.student:abc",
        "students.student:1' OR '1'='1",
        "x" * 5000,
        "students.student:1\x00",
        "<script>alert(1)</script>:1",
    ],
)
def test_a_hostile_journal_filter_is_an_empty_list_never_a_500(
    school_a: School, objet: str
) -> None:
    record(
        AuditAction.OTHER,
        actor=school_a.head,
        obj=school_a.student,
        establishment=school_a.establishment,
        changes={"quoi": "visible"},
    )
    response = client_for(school_a.head).get(
        reverse("audit:journal", args=[school_a.establishment.pk]), {"objet": objet}
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


# --- the cohort ---------------------------------------------------------------------------


def cohort_form(cohort: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": cohort.name,
        "diploma": cohort.diploma,
        "school_year": str(cohort.school_year),
        "session": str(cohort.session),
        "training_start": cohort.training_start.isoformat(),
        "teachers": [t.pk for t in cohort.teachers.all()],
        "version": str(cohort.version),
    }
    data.update(changes)
    return data


def test_a_teacher_gaining_access_is_on_the_cohorts_page(school_a: School) -> None:
    cohort = school_a.cohort
    response = client_for(school_a.ddfpt).post(
        reverse("establishments:cohort_edit", args=[cohort.pk]),
        cohort_form(cohort, teachers=[school_a.teacher.pk, school_a.other_teacher.pk]),
    )
    assert response.status_code == 302

    assert AuditEntry.objects.filter(action=AuditAction.COHORT_TEACHERS_CHANGED).count() == 1
    section = page(school_a.head, reverse("establishments:cohort_detail", args=[cohort.pk]))
    assert "enseignants de la promotion modifiés" in section
    assert school_a.other_teacher.email in section
    assert "promotion modifiée" in section
    assert page(school_a.teacher, reverse("establishments:cohort_detail", args=[cohort.pk])) == ""


def test_a_pfmp_window_added_or_moved_is_recorded_and_shown(school_a: School) -> None:
    cohort = school_a.cohort
    client = client_for(school_a.ddfpt)
    client.post(
        reverse("establishments:period_create", args=[cohort.pk]),
        {"label": "PFMP 9", "start": "2028-01-10", "end": "2028-02-04"},
    )
    period = cohort.periods.get(label="PFMP 9")
    client.post(
        reverse("establishments:period_edit", args=[cohort.pk, period.pk]),
        {"label": "PFMP 9", "start": "2028-01-17", "end": "2028-02-04"},
    )

    rows = AuditEntry.objects.filter(action=AuditAction.PERIOD_EDITED).order_by("pk")
    assert [(row.actor, row.establishment) for row in rows] == [
        (school_a.ddfpt, school_a.establishment)
    ] * 2
    assert rows[1].changes == {"start": ["2028-01-10", "2028-01-17"]}
    section = page(school_a.head, reverse("establishments:cohort_detail", args=[cohort.pk]))
    assert "début : 10/01/2028 → 17/01/2028" in section  # the field by its French name


def test_saving_a_window_unchanged_writes_nothing(school_a: School) -> None:
    period = school_a.period
    client_for(school_a.ddfpt).post(
        reverse("establishments:period_edit", args=[school_a.cohort.pk, period.pk]),
        {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
    )

    assert not AuditEntry.objects.filter(action=AuditAction.PERIOD_EDITED).exists()


# --- the host, its sites and tutors -------------------------------------------------------


def test_host_site_and_tutor_edits_are_on_the_hosts_page_once(
    school_a: School, school_b: School
) -> None:
    host = HostFactory.create(created_in=school_a.establishment, name="Atelier Vauban")
    tutor = TutorFactory.create(host=host, created_in=school_a.establishment)
    client = client_for(school_a.ddfpt)
    client.post(
        reverse("hosts:edit", args=[host.pk]),
        {
            "country": "FR",
            "siret": host.siret,
            "name": "Atelier Vauban SA",
            "naf_version": host.naf_version,
        },
    )
    client.post(reverse("hosts:site_create", args=[host.pk]), {"name": "Agence de Colmar"})
    client.post(
        reverse("hosts:tutor_edit", args=[tutor.pk]),
        {"last_name": tutor.last_name, "first_name": tutor.first_name, "position": "Cheffe"},
    )
    assert HostSite.objects.filter(host=host).exists()
    assert Tutor.objects.get(pk=tutor.pk).position == "Cheffe"

    section = page(school_a.head, reverse("hosts:detail", args=[host.pk]))
    assert section.count("organisme modifié") == 1 and "Atelier Vauban SA" in section
    assert "lieu d&#x27;accueil modifié" in section or "lieu d'accueil modifié" in section
    assert "tuteur modifié" in section and "Cheffe" in section
    # another school reads the directory, not the rows written for school A
    assert "Atelier Vauban SA" not in page(school_b.head, reverse("hosts:detail", args=[host.pk]))
    assert page(school_a.teacher, reverse("hosts:detail", args=[host.pk])) == ""


def test_a_change_reads_in_french_without_the_bookkeeping_fields() -> None:
    lines = describe(
        {"name": ["BTS A", "BTS B"], "version": [1, 2], "distance": [False, True]},
        "establishments.cohort",
    )
    assert lines[0].endswith(": BTS A → BTS B") and not lines[0].startswith("name")
    assert not any(line.startswith("version") for line in lines)
    assert describe({"start": ["2028-01-10", None]}, "establishments.cohortperiod") == [
        "début : 10/01/2028 → ∅"
    ]
