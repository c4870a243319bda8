"""Time to render a convention's PDF (WeasyPrint) and to seal it (pyHanko, PAdES).

    .venv/bin/python bench/pdf.py               # 20 runs of each step
    .venv/bin/python bench/pdf.py --runs 50

A throwaway SQLite database (migrated, then deleted) holds one convention built with the
project's factories and operations: a BTS CIEL student, a host, a tutor, two periods, a full
annexe pédagogique and financial annex. Seal certificates go to a temporary directory (a
self-signed one is made before timing). What is measured, each step `--runs` times after one
untimed warm-up (fonts, templates, imports), median, fastest and slowest:

1. the PDF sent for signature (`conventions/pdf/convention.html` from the snapshot);
2. the final PDF with its signature page (four signatories);
3. the seal of that final PDF (loading the key and certificate included, as in production);
4. an avenant's PDF (`conventions/amendments/pdf/amendment.html`).

Figures only, no timed assertion: the goal (≤ 400 ms per render, median of step 1) is said
"atteint" or "non atteint". The load average is printed: compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 400.0


def pages(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def measure(label: str, runs: int, action: Callable[[], bytes]) -> tuple[float, bytes]:
    """Run `action` once untimed, then `runs` times; print and return the median (ms)."""
    first_start = time.perf_counter()
    result = action()
    first = (time.perf_counter() - first_start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(
        f"  {label:<38} médiane {median:7.1f} ms   min {min(times):7.1f}   max {max(times):7.1f}"
        f"   (1er appel {first:7.1f} ms)   {pages(result)} p., {len(result) / 1024:6.1f} Kio",
        flush=True,
    )
    return median, result


def build_convention() -> Any:
    from datetime import date
    from decimal import Decimal

    from django.core.management import call_command

    from milieu.conventions.documents import build_snapshot
    from milieu.conventions.operations import create_convention
    from milieu.factories import (
        AcademieFactory,
        CohortFactory,
        EstablishmentFactory,
        HostFactory,
        HostSiteFactory,
        LegalRepresentativeFactory,
        StudentFactory,
        TutorFactory,
        member,
    )
    from milieu.people.enums import Role

    call_command("migrate", verbosity=0)
    establishment = EstablishmentFactory.create(
        academie=AcademieFactory.create(name="Strasbourg"), name="Lycée du banc d’essai"
    )
    cohort = CohortFactory.create(establishment=establishment, name="BTS CIEL 1re année")
    ddfpt = member(Role.DDFPT, establishment=establishment, email="ddfpt@banc.fr")
    teacher = member(Role.TEACHER, establishment=establishment, email="prof@banc.fr")
    student = StudentFactory.create(cohort=cohort, birth_date=date(2009, 9, 1))
    LegalRepresentativeFactory.create(student=student)
    host = HostFactory.create(headcount=60)
    site = HostSiteFactory.create(host=host, name="Atelier réseaux", city="Illkirch")
    tutor = TutorFactory.create(host=host)
    long_text = "Installation et câblage d’un réseau local ; supervision ; assistance. " * 6
    convention = create_convention(
        student=student,
        host=host,
        periods=[(date(2027, 1, 11), date(2027, 2, 5)), (date(2027, 5, 31), date(2027, 6, 25))],
        by=ddfpt,
        site=site,
        tutor=tutor,
        referent=teacher,
        weekly_hours=Decimal("35"),
        gratification_hourly=Decimal("4.50"),
        objectives=long_text,
        activities=long_text,
        follow_up="Deux visites de l’enseignant référent ; un bilan à mi-parcours.",
        evaluation_terms="Grille d’évaluation du référentiel, remplie avec le tuteur.",
        liability_insurance="MAIF, contrat n° 1234567",
        meals="Restaurant d’entreprise, à la charge de l’organisme.",
        lodging="Sans objet.",
        transport="Remboursement de 50 % de l’abonnement.",
        insurance_costs="Sans objet.",
        host_signatory_name="Claire Dubois",
        host_signatory_position="Gérante",
        host_signatory_email="gerante@entreprise.exemple.fr",
    )
    convention.snapshot = build_snapshot(convention)
    convention.save(update_fields=["snapshot"])
    return convention


def run(runs: int) -> int:
    import django

    django.setup()
    from django.utils import timezone

    from milieu.conventions.amendment_documents import build_amendment_snapshot
    from milieu.conventions.documents import render_pdf
    from milieu.conventions.enums import SignatoryRole, SignatureMethod, SignatureState
    from milieu.conventions.models import Amendment, ConventionDocument, Signatory
    from milieu.conventions.sealing import make_self_signed, seal_pdf

    convention = build_convention()
    snapshot = convention.snapshot
    school = snapshot["establishment"]
    make_self_signed(school["uai"], school["name"])
    now = timezone.now()
    signatories = [
        Signatory(
            convention=convention,
            version=1,
            role=role,
            name=name,
            method=SignatureMethod.ONLINE,
            state=SignatureState.SIGNED,
            signed_at=now,
            signed_ip="192.0.2.10",
            signed_document_sha256="0" * 64,
        )
        for role, name in [
            (SignatoryRole.STUDENT, "Élève"),
            (SignatoryRole.LEGAL_REPRESENTATIVE, "Représentant"),
            (SignatoryRole.HOST, "Claire Dubois"),
            (SignatoryRole.HEAD, "Chef d’établissement"),
        ]
    ]
    amendment = Amendment(
        convention=convention,
        number=1,
        reason="Report de la seconde période d’une semaine à la demande de l’entreprise.",
        new_periods=[
            {"start": "2027-01-11", "end": "2027-02-05"},
            {"start": "2027-06-07", "end": "2027-07-02"},
        ],
        created_by=convention.created_by,
    )

    print(
        f"Convention n° {convention.pk}, {len(snapshot['periods'])} périodes ; {runs} mesures par étape\n"
    )
    medians: dict[str, float] = {}
    medians["signature"], _ = measure(
        "PDF à signer (rendu)",
        runs,
        lambda: render_pdf("conventions/pdf/convention.html", {"s": snapshot, "final": False}),
    )
    medians["final"], final = measure(
        "PDF final avec page des signatures",
        runs,
        lambda: render_pdf(
            "conventions/pdf/convention.html",
            {
                "s": snapshot,
                "final": True,
                "signatories": signatories,
                "signed_sha256": ConventionDocument.digest(b"bench"),
            },
        ),
    )
    medians["seal"], _ = measure(
        "cachet PAdES du PDF final",
        runs,
        lambda: seal_pdf(
            final,
            uai=school["uai"],
            name=school["name"],
            reason=f"Convention de stage n° {convention.pk}, version 1",
            location=school["city"] or school["name"],
        ),
    )
    avenant = build_amendment_snapshot(amendment, convention)
    medians["amendment"], _ = measure(
        "PDF d’un avenant (rendu)",
        runs,
        lambda: render_pdf(
            "conventions/amendments/pdf/amendment.html", {"a": avenant, "final": False}
        ),
    )
    total = medians["final"] + medians["seal"]
    print(f"\n  signature complète (rendu final + cachet) : {total:.0f} ms (médianes additionnées)")
    load = os.getloadavg()
    print(
        f"  machine : {os.cpu_count()} processeurs, charge {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    verdict = "atteint" if medians["signature"] <= GOAL_MS else "non atteint"
    print(
        f"\nObjectif : ≤ {GOAL_MS:.0f} ms par rendu (médiane du PDF à signer) — {verdict} "
        f"({medians['signature']:.0f} ms)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="mesures par étape (20)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs vaut au moins 1")

    directory = tempfile.mkdtemp(prefix="milieu-bench-pdf-")
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "milieu.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["SEAL_DIRECTORY"] = f"{directory}/seals"
    os.environ["DEBUG"] = "false"  # no query log; the seal certificate is made explicitly
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["LOG_LEVEL"] = "WARNING"
    print(f"Banc d’essai des PDF — SQLite et cachets dans {directory} (supprimé à la fin)")
    try:
        return run(args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
