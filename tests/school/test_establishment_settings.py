"""Issue 13 §17: the head and the DDFPT set whether one person may validate a convention alone
and whether students draft their own conventions; the change is journaled."""

from __future__ import annotations

from django.urls import reverse

from milieu.audit.models import AuditEntry
from tests.school.conftest import School, client_for


def url(school: School) -> str:
    return reverse("establishments:settings", args=[school.establishment.pk])


def test_both_settings_are_off_by_default(school_a: School) -> None:
    assert school_a.establishment.single_person_validation is False
    assert school_a.establishment.students_draft_conventions is False


def test_the_ddfpt_turns_them_on_and_it_is_journaled(school_a: School) -> None:
    response = client_for(school_a.ddfpt).post(
        url(school_a),
        {"single_person_validation": "on", "students_draft_conventions": "on"},
    )

    assert response.status_code == 302
    school_a.establishment.refresh_from_db()
    assert school_a.establishment.single_person_validation is True
    assert school_a.establishment.students_draft_conventions is True
    entry = AuditEntry.objects.get()
    assert entry.changes == {
        "single_person_validation": [False, True],
        "students_draft_conventions": [False, True],
    }
    page = client_for(school_a.head).get(url(school_a)).content.decode()
    assert "principe des quatre yeux" in page


def test_teachers_and_the_secretariat_may_not_change_them(school_a: School) -> None:
    for user in (school_a.teacher, school_a.secretary):
        assert (
            client_for(user).post(url(school_a), {"single_person_validation": "on"}).status_code
            == 403
        )
    school_a.establishment.refresh_from_db()
    assert school_a.establishment.single_person_validation is False


def test_another_schools_head_gets_a_404(school_a: School, school_b: School) -> None:
    assert client_for(school_b.head).get(url(school_a)).status_code == 404


def test_the_dashboard_links_to_the_settings_for_the_head_and_the_ddfpt_only(
    school_a: School,
) -> None:
    dashboard = reverse("dashboard")
    for role, shown in (("head", True), ("ddfpt", True), ("secretary", False)):
        html = client_for(getattr(school_a, role)).get(dashboard).content.decode()
        assert (f'href="{url(school_a)}" data-establishment-settings' in html) is shown, role
