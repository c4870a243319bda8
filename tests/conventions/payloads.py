"""What the convention form posts, and small helpers shared by the view tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def timetable(
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri"),
    spans: tuple[tuple[str, str], ...] = (("08:30", "12:00"), ("13:30", "17:00")),
) -> dict[str, str]:
    data = {}
    for day in DAYS:
        for index, span in enumerate(spans, start=1):
            data[f"{day}_{index}_debut"] = span[0] if day in days else ""
            data[f"{day}_{index}_fin"] = span[1] if day in days else ""
    return data


def periods(*spans: tuple[str, str], initial: int = 0) -> dict[str, str]:
    data = {
        "periodes-TOTAL_FORMS": str(len(spans)),
        "periodes-INITIAL_FORMS": str(initial),
        "periodes-MIN_NUM_FORMS": "0",
        "periodes-MAX_NUM_FORMS": "6",
    }
    for index, (start, end) in enumerate(spans):
        data[f"periodes-{index}-start"] = start
        data[f"periodes-{index}-end"] = end
    return data


def form_data(
    host: Any, tutor: Any = None, referent: Any = None, **overrides: Any
) -> dict[str, Any]:
    """A complete, valid draft: one period of six weeks, 35 hours from Monday to Friday."""
    data: dict[str, Any] = {
        "host": str(host.pk),
        "site": "",
        "tutor": str(tutor.pk) if tutor else "",
        "referent": str(referent.pk) if referent else "",
        "host_signatory_name": "Claire Dubois",
        "host_signatory_position": "Gérante",
        "host_signatory_email": "gerante@entreprise.exemple.fr",
        "tutor_signs": "on",
        "work_days": ["mon", "tue", "wed", "thu", "fri"],
        "weekly_hours": "35",
        "gratification_hourly": "",
        "objectives": "Installer et maintenir un réseau.",
        "activities": "Câblage, supervision, tickets d'incident.",
        "follow_up": "Une visite et deux appels.",
        "evaluation_terms": "Grille d'appréciation remplie avec le tuteur.",
        "accident_insurance": "",
        "liability_insurance": "MAIF, contrat 1234",
        "foreign_law_adaptations": "",
        "meals": "Cantine de l'entreprise",
        "lodging": "",
        "transport": "Abonnement de bus remboursé",
        "insurance_costs": "",
        **timetable(),
        **periods(("2027-05-31", "2027-07-09")),
    }
    data.update(overrides)
    return data
