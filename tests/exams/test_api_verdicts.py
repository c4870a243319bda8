"""The exam service's API: keys created and revoked by the rectorat (shown once, stored hashed,
journalled), and ``GET /api/v1/verdicts`` scoped to the key's académie, filtered, paginated in
a stable order, with a constant query count and a French 401."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.exams.api_tokens import TokenRefused, create_token, hash_key, revoke_token
from milieu.exams.models import ApiToken, StoredVerdict
from milieu.exams.verdicts import refresh_verdicts
from milieu.factories import StudentFactory
from milieu.students.models import Student
from tests.core.conftest import make_school
from tests.exams.conftest import School, ccst_student, client_for

URL = reverse("api-v1:verdicts")
AFTER = date(2028, 9, 1)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def key(academie: Any, rectorat: Any) -> str:
    return create_token(academie, "Logiciel des examens", by=rectorat)[1]


def ines(response: Any) -> list[str]:
    return [row["ine"] for row in response.json()["results"]]


def test_a_key_is_stored_as_its_sha256_only_and_its_creation_is_journalled(
    academie: Any, rectorat: Any
) -> None:
    token, key = create_token(academie, "  Logiciel   Cyclades ", by=rectorat, ip="10.0.0.1")
    assert token.key_sha256 == hash_key(key) and key not in token.key_sha256
    assert token.label == "Logiciel Cyclades" and key.startswith(token.prefix)
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert entry.actor == rectorat and entry.ip == "10.0.0.1"
    assert entry.object_id == str(token.pk) and key not in str(entry.changes)


def test_a_school_user_or_another_academie_may_not_create_a_key(
    academie: Any, school_a: School, other_rectorat: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (school_a.head, other_rectorat):
        with pytest.raises(PermissionDenied):
            create_token(academie, "Clé", by=user)
    with pytest.raises(TokenRefused, match="libellé"):
        create_token(academie, "   ", by=member_of(academie))


def member_of(academie: Any) -> Any:
    from milieu.factories import member
    from milieu.people.enums import Role

    return member(Role.RECTEUR_DELEGATE, academie=academie)


def test_the_page_shows_a_new_key_once_then_only_its_prefix(academie: Any, rectorat: Any) -> None:
    client = client_for(rectorat)
    page = reverse("exams:api_tokens")
    response = client.post(page, {"label": "Cyclades"})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    token = ApiToken.objects.get()
    text = response.content.decode()
    key = text.split("<code data-key>")[1].split("</code>")[0]
    assert token.key_sha256 == hash_key(key)
    again = client.get(page).content.decode()
    assert key not in again and token.prefix in again and "jamais" in again
    refused = client.post(page, {"label": ""})
    assert refused.status_code == 400 and "Donnez un libellé" in refused.content.decode()


def test_reloading_the_page_that_showed_a_key_creates_no_second_key(
    academie: Any, rectorat: Any
) -> None:
    """Walked in Chromium: a reload after the creation sent the form again and left a second
    active key, the first one lost; the form's one-time value refuses the second sending."""
    client = client_for(rectorat)
    page = reverse("exams:api_tokens")

    def nonce(html: str) -> str:
        return html.split('name="formulaire" value="')[1].split('"')[0]

    form = {"label": "Cyclades", "formulaire": nonce(client.get(page).content.decode())}
    created = client.post(page, form)
    assert created.status_code == 200 and ApiToken.objects.count() == 1
    reloaded = client.post(page, form)  # the browser's « renvoyer le formulaire »
    assert reloaded.status_code == 400 and ApiToken.objects.count() == 1
    text = reloaded.content.decode()
    assert "déjà été envoyé" in text and "<code data-key>" not in text
    # the page's new form still creates the next key
    second = client.post(page, {"label": "Autre logiciel", "formulaire": nonce(text)})
    assert second.status_code == 200 and ApiToken.objects.count() == 2


def test_revoking_asks_for_confirmation_then_refuses_the_key_with_a_french_401(
    academie: Any, rectorat: Any, key: str
) -> None:
    token = ApiToken.objects.get()
    client = client_for(rectorat)
    assert Client().get(URL, headers=bearer(key)).status_code == 200
    confirm = client.get(reverse("exams:api_token_revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "sera refusée dès maintenant" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None
    client.post(reverse("exams:api_token_revoke", args=[token.pk]))
    assert ApiToken.objects.get().revoked_by == rectorat
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1
    response = Client().get(URL, headers=bearer(key))
    assert response.status_code == 401
    assert "révoquée" in response.json()["detail"]
    with pytest.raises(TokenRefused, match="déjà révoquée"):
        revoke_token(ApiToken.objects.get(), by=rectorat)


def test_missing_and_unknown_keys_are_refused_in_french(key: str) -> None:
    for headers in ({}, bearer("milieu_inconnue"), bearer(key + "x"), {"Authorization": key}):
        response = Client().get(URL, headers=headers)
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Clé d’accès absente, inconnue ou révoquée")


def test_a_key_of_academie_a_never_sees_academie_b(
    academie: Any, school_a: School, school_b: School, rectorat: Any, other_rectorat: Any
) -> None:
    elsewhere = make_school(other_rectorat.memberships.get().academie, "C")
    refresh_verdicts(Student.objects.all(), AFTER)
    mine = create_token(academie, "A", by=rectorat)[1]
    theirs = create_token(other_rectorat.memberships.get().academie, "B", by=other_rectorat)[1]
    seen = set(ines(Client().get(URL, headers=bearer(mine))))
    assert {school_a.student.ine, school_b.student.ine} <= seen
    assert elsewhere.student.ine not in seen
    other = (
        Client()
        .get(URL, {"establishment": school_a.establishment.uai}, headers=bearer(theirs))
        .json()
    )
    assert other["count"] == 0 and other["results"] == []


def test_filters_select_by_session_diploma_establishment_and_status(
    school_a: School, school_b: School, key: str
) -> None:
    ccst = ccst_student(school_a)
    refresh_verdicts(Student.objects.all(), AFTER)
    client = Client()

    def get(**params: Any) -> set[str]:
        return set(ines(client.get(URL, {"limit": 500, **params}, headers=bearer(key))))

    everyone = get()
    assert get(diploma="bts-ccst") == {ccst.ine}
    assert school_b.student.ine not in get(establishment=school_a.establishment.uai.lower())
    assert get(session=1999) == set()
    statuses = {v.student.ine: v.status or "error" for v in StoredVerdict.objects.all()}
    for status in ("compliant", "non-compliant", "pending", "error"):
        assert get(status=status) == {i for i, s in statuses.items() if s == status} & everyone
    bad = client.get(URL, {"status": "bof"}, headers=bearer(key))
    assert bad.status_code == 422 and bad.json()["detail"] == (
        "Paramètre invalide : status (voir la documentation de l’API)."
    )
    unknown = client.get(URL, {"diploma": "cap-inconnu"}, headers=bearer(key))
    assert unknown.status_code == 422 and "Diplôme inconnu" in unknown.json()["detail"]


def test_pages_follow_a_stable_order_without_overlap_and_the_size_is_capped(
    school_a: School, key: str
) -> None:
    StudentFactory.create_batch(7, cohort=school_a.cohort)
    refresh_verdicts(Student.objects.all(), AFTER)
    client = Client()
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(URL, {"limit": 3, "offset": offset}, headers=bearer(key)).json()
        seen += [row["ine"] for row in page["results"]]
        offset = page["next_offset"]
    expected = list(
        Student.objects.filter(cohort__establishment=school_a.establishment)
        .order_by("pk")
        .values_list("ine", flat=True)
    )
    assert seen == expected and page["count"] == len(expected)
    assert client.get(URL, {"limit": 501}, headers=bearer(key)).status_code == 422
    row = client.get(URL, {"limit": 1}, headers=bearer(key)).json()["results"][0]
    assert set(row) >= {"ine", "establishment", "diploma", "session", "status", "findings"}


def test_a_page_costs_the_same_queries_whatever_its_size(
    school_a: School, key: str, django_assert_max_num_queries: Any
) -> None:
    StudentFactory.create_batch(30, cohort=school_a.cohort)
    refresh_verdicts(Student.objects.all(), AFTER)
    client = Client()
    client.get(URL, headers=bearer(key))  # the key's last use is written at most once a minute
    with django_assert_max_num_queries(3):
        assert len(client.get(URL, {"limit": 2}, headers=bearer(key)).json()["results"]) == 2
    with django_assert_max_num_queries(3):
        assert len(client.get(URL, {"limit": 30}, headers=bearer(key)).json()["results"]) == 30


def test_the_last_use_is_recorded(key: str) -> None:
    assert ApiToken.objects.get().last_used_at is None
    Client().get(URL, headers=bearer(key))
    assert ApiToken.objects.get().last_used_at is not None


def test_the_openapi_document_describes_the_path_its_filters_and_the_bearer_key() -> None:
    schema = Client().get(reverse("api-v1:openapi-json")).json()
    operation = schema["paths"]["/api/v1/verdicts"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"session", "diploma", "establishment", "status", "limit", "offset"} <= names
    assert {"200", "401"} <= set(operation["responses"])
    assert "AcademieKey" in schema["components"]["securitySchemes"]
    assert schema["components"]["schemas"]["CandidateVerdict"]["properties"]["ine"][
        "description"
    ].startswith("Identifiant national")
