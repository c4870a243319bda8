"""The recteur's decision: a PDF rendered once when the request is granted, stored with its
SHA-256, sent back as stored and never rendered again."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pypdf
import pytest
from django.urls import reverse

from milieu.exams.models import DerogationDecision
from milieu.exams.operations import ExamsRefused, grant_request, submit_request
from tests.exams.conftest import School, client_for, draft_request


def granted(school: School, delegate: Any) -> Any:
    request = draft_request(school)
    submit_request(request, by=school.ddfpt)
    return grant_request(request, by=delegate, comment="Vu le certificat médical.")


def test_the_decision_is_a_pdf_saying_what_the_recteur_decides(
    school_a: School, delegate: Any
) -> None:
    request = granted(school_a, delegate)
    decision = DerogationDecision.objects.get(request=request)
    content = bytes(decision.content)
    assert content.startswith(b"%PDF")
    assert decision.sha256 == hashlib.sha256(content).hexdigest()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert "Décision du recteur" in text
    assert school_a.student.ine in text
    assert "réduite à 5 semaines" in text
    assert "§3" in text  # the paragraph of seed 003 that allows the reduction
    assert "Pour le recteur et par délégation" in text


def test_the_stored_decision_is_sent_back_with_its_hash_and_never_regenerated(
    school_a: School, delegate: Any
) -> None:
    request = granted(school_a, delegate)
    decision = DerogationDecision.objects.get(request=request)
    url = reverse("exams:decision_download", args=[request.pk])

    first = client_for(school_a.ddfpt).get(url)
    second = client_for(delegate).get(url)

    assert first.status_code == second.status_code == 200
    assert first["X-Content-SHA256"] == decision.sha256
    assert first.content == second.content == bytes(decision.content)
    assert hashlib.sha256(first.content).hexdigest() == decision.sha256
    # the row is frozen, and granting again is refused: there is one decision, ever
    with pytest.raises(ValueError, match="figée"):
        decision.save()
    with pytest.raises(ExamsRefused):
        grant_request(request, by=delegate)
    assert DerogationDecision.objects.filter(request=request).count() == 1
    assert DerogationDecision.objects.get(request=request).sha256 == decision.sha256


def test_no_decision_before_a_grant(school_a: School, delegate: Any) -> None:
    request = draft_request(school_a)
    submit_request(request, by=school_a.ddfpt)
    response = client_for(school_a.ddfpt).get(reverse("exams:decision_download", args=[request.pk]))
    assert response.status_code == 404
    assert not DerogationDecision.objects.exists()
