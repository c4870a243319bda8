"""The evaluation grid / fiche d'appréciation (seeds 001 and 003 §2.1.4): filled by the tutor
through their link, adjusted and co-signed by the pedagogical team at the end of the stage, then
frozen with its PDF; the dossier's `evaluation` follows."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from milieu.conventions.models import Convention
from milieu.conventions.operations import cancel_convention
from milieu.exams.assembly import build_dossier
from milieu.followup.models import (
    Evaluation,
    EvaluationStatus,
    FollowupAction,
    FollowupEvent,
    TutorAccess,
)
from milieu.followup.operations import (
    EVALUATION_TRANSITIONS,
    FollowupRefused,
    adjust_evaluation,
    cosign_evaluation,
    fill_evaluation,
)
from milieu.rules import evaluate
from milieu.rules.catalogue import get_catalogue
from tests.conventions.conftest import draft
from tests.core.conftest import School
from tests.followup.conftest import Bijou, codes, link, on, pdf_of, signed

LAST_DAY = date(2027, 7, 9)  # the conventions' period: 31/05/2027 – 09/07/2027
AFTER = date(2027, 9, 1)


def grid_for(convention: Convention) -> dict[str, Any]:
    diploma = get_catalogue().get(convention.student.cohort.diploma)
    assert diploma is not None
    grid = diploma.extra["evaluation_grid"]
    assert isinstance(grid, dict)
    return grid


def all_levels(convention: Convention, level: int = 2) -> dict[str, int]:
    return {item["code"]: level for item in grid_for(convention)["items"]}


def filled(access: TutorAccess, **fields: Any) -> Evaluation:
    values: dict[str, Any] = {
        "levels": all_levels(access.convention),
        "comments": {},
        "appreciation": "Stagiaire impliqué, résultats conformes aux objectifs.",
        "tutor_name": "Jean Tuteur",
    }
    values.update(fields)
    return fill_evaluation(access, **values)


@pytest.fixture
def access(school_a: School, convention_a: Convention) -> TutorAccess:
    return link(convention_a, school_a.teacher)[1]


def test_the_transitions_table_is_explicit() -> None:
    assert {name: (set(t.sources), t.target) for name, t in EVALUATION_TRANSITIONS.items()} == {
        "draft": ({"draft"}, "draft"),
        "fill": ({"draft", "filled"}, "filled"),
        "adjust": ({"filled"}, "filled"),
        "cosign": ({"filled"}, "cosigned"),
    }
    assert EvaluationStatus.COSIGNED.label == "Arrêtée conjointement"


def test_the_tutor_fills_the_grid_then_the_team_cosigns_it_and_it_is_frozen(
    school_a: School, access: TutorAccess
) -> None:
    first_code = grid_for(access.convention)["items"][0]["code"]
    evaluation = filled(access, comments={first_code: "Très investi."})
    assert evaluation.status == EvaluationStatus.FILLED
    assert evaluation.levels == all_levels(access.convention)
    assert evaluation.comments == {first_code: "Très investi."}
    assert evaluation.grid == grid_for(access.convention)

    with on(LAST_DAY, hour=18):
        cosigned = cosign_evaluation(access.convention, by=school_a.teacher, ip="10.0.0.7")

    assert cosigned.status == EvaluationStatus.COSIGNED
    assert cosigned.cosigned_by == school_a.teacher
    stored = Evaluation.objects.get(pk=evaluation.pk)
    content = pdf_of(stored)
    assert content.startswith(b"%PDF")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    event = FollowupEvent.objects.filter(action=FollowupAction.EVALUATION_COSIGNED).get()
    assert (event.actor, event.ip) == (school_a.teacher, "10.0.0.7")
    assert stored.sha256 in event.detail

    with pytest.raises(ValueError, match="figée"):
        stored.save()
    with pytest.raises(FollowupRefused, match="figée"):
        filled(access, appreciation="Autre chose.")
    with pytest.raises(FollowupRefused, match="figée"):
        adjust_evaluation(
            access.convention,
            by=school_a.teacher,
            levels=all_levels(access.convention, 1),
            comments={},
            appreciation="Autre.",
        )
    with on(AFTER), pytest.raises(FollowupRefused, match="figée"):
        cosign_evaluation(access.convention, by=school_a.ddfpt)
    assert Evaluation.objects.count() == 1
    assert pdf_of(Evaluation.objects.get()) == content


def test_cosigning_waits_for_the_end_of_the_last_period(school_a: School) -> None:
    convention = signed(
        school_a,
        periods=[(date(2027, 1, 4), date(2027, 2, 12)), (date(2027, 5, 31), date(2027, 7, 9))],
    )
    _, access = link(convention, school_a.ddfpt)
    filled(access)

    with on(date(2027, 3, 1)), pytest.raises(FollowupRefused) as refused:
        cosign_evaluation(convention, by=school_a.teacher)

    assert str(refused.value) == (
        "La grille s'arrête au terme du stage : la dernière période se termine le 09/07/2027."
    )
    assert Evaluation.objects.get().status == EvaluationStatus.FILLED
    assert not FollowupEvent.objects.filter(action=FollowupAction.EVALUATION_COSIGNED).exists()
    with on(date(2027, 7, 10)):
        assert cosign_evaluation(convention, by=school_a.teacher).status == "cosigned"


def test_a_draft_may_be_partial_but_sending_needs_every_level_and_the_appreciation(
    school_a: School, access: TutorAccess
) -> None:
    codes_ = [item["code"] for item in grid_for(access.convention)["items"]]
    draft_ = filled(access, levels={codes_[0]: 3}, appreciation="", submit=False)
    assert draft_.status == EvaluationStatus.DRAFT
    with on(AFTER), pytest.raises(FollowupRefused, match="pas encore transmis"):
        cosign_evaluation(access.convention, by=school_a.teacher)

    with pytest.raises(FollowupRefused) as refused:
        filled(access, levels={codes_[0]: 3}, appreciation="")
    assert f"manque : {', '.join(codes_[1:])}" in str(refused.value)
    assert "rédigez l'appréciation proposée" in str(refused.value)
    with pytest.raises(FollowupRefused, match="Niveau inconnu"):
        filled(access, levels={**all_levels(access.convention), codes_[0]: 9})
    assert Evaluation.objects.get().status == EvaluationStatus.DRAFT


def test_the_team_adjusts_levels_before_cosigning_and_the_history_says_who_changed_what(
    school_a: School, access: TutorAccess
) -> None:
    grid = grid_for(access.convention)
    code = grid["items"][1]["code"]
    filled(access)
    levels = {**all_levels(access.convention), code: 1}

    adjusted = adjust_evaluation(
        access.convention,
        by=school_a.ddfpt,
        levels=levels,
        comments={code: "Résultats à consolider."},
        appreciation="Stagiaire impliqué, résultats conformes aux objectifs.",
        ip="10.0.0.9",
    )

    assert adjusted.levels[code] == 1
    event = FollowupEvent.objects.filter(action=FollowupAction.EVALUATION_CHANGED).get()
    assert event.actor == school_a.ddfpt
    assert event.ip == "10.0.0.9"
    scale = grid["scale"]
    assert f"{code} : « {scale[2]} » → « {scale[1]} »" in event.detail
    assert f"commentaire {code} modifié" in event.detail
    with pytest.raises(FollowupRefused, match="Aucune modification"):
        adjust_evaluation(
            access.convention,
            by=school_a.ddfpt,
            levels=levels,
            comments={code: "Résultats à consolider."},
            appreciation="Stagiaire impliqué, résultats conformes aux objectifs.",
        )


def _grid_updates(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "followup_evaluation"')
    ]


def test_the_grid_text_is_saved_with_its_state_in_one_save(
    school_a: School, access: TutorAccess
) -> None:
    """The text (levels, comments, appreciation) is written by the transition's own save, with
    the status: no save of its own before it."""
    filled(access, submit=False)  # the draft makes the row
    with CaptureQueriesContext(connection) as queries:
        evaluation = filled(access)
    (update,) = _grid_updates(queries)
    assert '"status"' in update and '"levels"' in update and '"appreciation"' in update
    assert evaluation.status == EvaluationStatus.FILLED and evaluation.filled_at is not None
    code = grid_for(access.convention)["items"][0]["code"]
    with CaptureQueriesContext(connection) as queries:
        adjusted = adjust_evaluation(
            access.convention,
            by=school_a.ddfpt,
            levels={**all_levels(access.convention), code: 0},
            comments={},
            appreciation="Ajustée.",
        )
    (update,) = _grid_updates(queries)
    assert '"status"' in update and '"levels"' in update
    assert (adjusted.levels[code], adjusted.appreciation) == (0, "Ajustée.")
    with on(LAST_DAY, hour=18), CaptureQueriesContext(connection) as queries:
        cosigned = cosign_evaluation(access.convention, by=school_a.teacher)
    (update,) = _grid_updates(queries)
    assert '"status"' in update and '"sha256"' in update
    assert cosigned.sha256 == hashlib.sha256(pdf_of(cosigned)).hexdigest()


def test_the_follow_up_page_shows_the_grids_states_addresses_and_comments(
    school_a: School, access: TutorAccess
) -> None:
    filled(access, submit=False, ip="192.0.2.5")
    filled(access, ip="192.0.2.6")
    code = grid_for(access.convention)["items"][0]["code"]
    adjust_evaluation(
        access.convention,
        by=school_a.ddfpt,
        levels={**all_levels(access.convention), code: 0},
        comments={},
        appreciation="Ajustée.",
        ip="10.0.0.9",
    )
    client = Client()
    client.force_login(school_a.teacher)

    page = client.get(reverse("followup:convention", kwargs={"pk": access.convention.pk}))

    html = re.sub(r"\s+", " ", page.content.decode())
    assert "États de la grille d'évaluation" in html
    table = html[html.index("data-grid-steps") :]
    rows = re.findall(r'<tr data-grid-step="(\w+)">(.*?)</tr>', table)
    assert [status for status, _ in rows] == ["filled", "filled", "draft"]  # newest first
    adjusted, sent, drafted = (cells for _, cells in rows)
    assert "Remplie par le tuteur (inchangé)" in adjusted
    assert school_a.ddfpt.get_full_name() in adjusted and ">10.0.0.9<" in adjusted
    assert escape("Ajustée par l'équipe pédagogique : ") in adjusted  # the comment
    assert "Brouillon → Remplie par le tuteur" in sent and ">192.0.2.6<" in sent
    assert "Jean Tuteur (tuteur, par son lien)" in sent
    assert escape("Grille transmise à l'équipe pédagogique") in sent
    assert "Brouillon (inchangé)" in drafted and ">192.0.2.5<" in drafted


@pytest.mark.parametrize("who", ["secretary", "student_user", "other_teacher"])
def test_only_the_pedagogical_team_adjusts_and_cosigns(
    school_a: School, access: TutorAccess, who: str
) -> None:
    filled(access)
    user = getattr(school_a, who)
    with on(AFTER), pytest.raises(PermissionDenied):
        cosign_evaluation(access.convention, by=user)
    with pytest.raises(PermissionDenied):
        adjust_evaluation(
            access.convention,
            by=user,
            levels=all_levels(access.convention, 3),
            comments={},
            appreciation="x",
        )
    assert Evaluation.objects.get().status == EvaluationStatus.FILLED


def test_the_dossier_says_evaluation_once_cosigned_and_the_finding_goes(
    school_a: School, access: TutorAccess
) -> None:
    before = build_dossier(school_a.student, as_of=AFTER)
    assert before["evaluation"] is False
    assert "EVALUATION_MISSING" in codes(evaluate(before, today=AFTER))

    filled(access)
    assert build_dossier(school_a.student, as_of=AFTER)["evaluation"] is False  # not co-signed
    with on(AFTER):
        cosign_evaluation(access.convention, by=school_a.teacher)

    after = build_dossier(school_a.student, as_of=AFTER)
    assert after["evaluation"] is True
    assert "EVALUATION_MISSING" not in codes(evaluate(after, today=AFTER))


def test_a_cosigned_grid_of_a_cancelled_convention_does_not_count(
    school_a: School, access: TutorAccess
) -> None:
    filled(access)
    with on(AFTER):
        cosign_evaluation(access.convention, by=school_a.teacher)
    cancel_convention(access.convention, by=school_a.head, comment="Entreprise fermée.")

    assert build_dossier(school_a.student, as_of=AFTER)["evaluation"] is False


# --- the pages ------------------------------------------------------------------------------


def evaluation_post(convention: Convention, *, level: int = 2, **extra: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"evaluation-level_{code}": str(lvl) for code, lvl in all_levels(convention, level).items()
    }
    data.update(
        {
            "action": "evaluation",
            "evaluation-appreciation": "Très bon stage.",
            "evaluation-tutor_name": "Jean Tuteur",
            "submit": "fill",
        }
    )
    data.update(extra)
    return data


@pytest.mark.parametrize("diploma", ["bts-ciel", "bts-metiers-de-la-mesure"])
def test_the_tutor_page_shows_the_grid_of_the_diploma_and_sends_it(
    client: Client, school_a: School, diploma: str
) -> None:
    school_a.cohort.diploma = diploma
    school_a.cohort.save()
    convention = signed(school_a)
    token, _ = link(convention, school_a.teacher)
    url = reverse("followup:tutor", kwargs={"token": token})

    page = client.get(url).content.decode()
    grid = grid_for(convention)
    assert escape(grid["title"]) in page
    for item in grid["items"]:
        assert escape(item["label"]) in page
    for level in grid["scale"]:
        assert escape(level) in page

    response = client.post(url, evaluation_post(convention, level=3), REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(convention=convention)
    assert evaluation.status == EvaluationStatus.FILLED
    assert set(evaluation.levels.values()) == {3}
    event = FollowupEvent.objects.filter(action=FollowupAction.EVALUATION_FILLED).get()
    assert (event.actor, event.actor_label, event.ip) == (None, "Jean Tuteur", "10.1.1.1")


def test_a_diploma_without_a_grid_shows_nothing(
    client: Client, school_a: School, bijou_a: Bijou
) -> None:
    token, access = link(bijou_a.convention, school_a.teacher)

    page = client.get(reverse("followup:tutor", kwargs={"token": token})).content.decode()
    assert "data-evaluation" not in page
    with pytest.raises(FollowupRefused, match="ne prévoit pas de grille"):
        fill_evaluation(
            access, levels={}, comments={}, appreciation="x", tutor_name="J", submit=False
        )
    client.force_login(school_a.head)
    staff = client.get(reverse("followup:convention", kwargs={"pk": bijou_a.convention.pk}))
    assert "data-evaluation" not in staff.content.decode()
    grid_page = reverse("followup:evaluation", kwargs={"pk": bijou_a.convention.pk})
    assert client.get(grid_page).status_code == 404


def test_the_team_reviews_adjusts_and_cosigns_on_its_page(
    client: Client, school_a: School, access: TutorAccess
) -> None:
    filled(access)
    client.force_login(school_a.teacher)
    page_url = reverse("followup:evaluation", kwargs={"pk": access.convention.pk})
    cosign_url = reverse("followup:evaluation_cosign", kwargs={"pk": access.convention.pk})
    assert "Remplie par le tuteur" in client.get(page_url).content.decode()

    data = {
        f"grid-level_{code}": str(level) for code, level in all_levels(access.convention, 1).items()
    }
    data["grid-appreciation"] = "Appréciation revue par l'équipe."
    assert client.post(page_url, data).status_code == 302
    assert set(Evaluation.objects.get().levels.values()) == {1}

    early = client.post(cosign_url, follow=True, HTTP_REFERER=page_url)  # as a browser does
    assert escape("La grille s'arrête au terme du stage") in early.content.decode()
    assert Evaluation.objects.get().status == EvaluationStatus.FILLED

    with on(AFTER):
        client.force_login(school_a.teacher)
        assert client.post(cosign_url).status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.status == EvaluationStatus.COSIGNED
    pdf = client.get(reverse("followup:evaluation_pdf", kwargs={"pk": access.convention.pk}))
    assert pdf.status_code == 200
    assert pdf["X-Content-SHA256"] == evaluation.sha256
    assert pdf.content.startswith(b"%PDF")

    history = client.get(reverse("followup:convention", kwargs={"pk": access.convention.pk}))
    text = history.content.decode()
    assert text.index('data-event="evaluation-cosigned"') < text.index(
        'data-event="evaluation-changed"'
    )
    assert text.index('data-event="evaluation-changed"') < text.index(
        'data-event="evaluation-filled"'
    )


def test_the_secretariat_reads_the_grid_but_may_not_cosign(
    client: Client, school_a: School, access: TutorAccess
) -> None:
    filled(access)
    client.force_login(school_a.secretary)
    pk = access.convention.pk
    assert client.get(reverse("followup:evaluation", kwargs={"pk": pk})).status_code == 200
    with on(AFTER):
        client.force_login(school_a.secretary)
        cosign = client.post(reverse("followup:evaluation_cosign", kwargs={"pk": pk}))
    assert cosign.status_code == 403
    assert Evaluation.objects.get().status == EvaluationStatus.FILLED


def test_the_link_of_intern_x_never_opens_intern_y_grid(
    client: Client,
    school_a: School,
    school_b: School,
    convention_a: Convention,
    convention_b: Convention,
) -> None:
    token_a, _ = link(convention_a, school_a.teacher)
    _, access_b = link(convention_b, school_b.teacher)
    filled(access_b, appreciation="Appréciation secrète de B.")
    with on(AFTER):
        cosign_evaluation(convention_b, by=school_b.teacher)

    page = client.get(reverse("followup:tutor", kwargs={"token": token_a})).content.decode()
    assert "Appréciation secrète de B." not in page
    pdf = client.get(reverse("followup:tutor_evaluation", kwargs={"token": token_a}))
    assert pdf.status_code == 404  # A's grid is not co-signed; B's is never reachable

    client.post(reverse("followup:tutor", kwargs={"token": token_a}), evaluation_post(convention_a))
    assert Evaluation.objects.get(convention=convention_b).appreciation == (
        "Appréciation secrète de B."
    )
    assert Evaluation.objects.get(convention=convention_a).appreciation == "Très bon stage."


def test_another_school_gets_a_404(client: Client, school_b: School, access: TutorAccess) -> None:
    filled(access)
    client.force_login(school_b.head)
    pk = access.convention.pk
    for name in ("followup:evaluation", "followup:evaluation_pdf"):
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404
    assert client.post(reverse("followup:evaluation_cosign", kwargs={"pk": pk})).status_code == 404


def test_a_draft_convention_has_no_grid_page_for_its_tutor(school_a: School) -> None:
    convention = draft(school_a)
    with pytest.raises(FollowupRefused, match="doit être signée"):
        link(convention, school_a.teacher)
