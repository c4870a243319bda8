"""Importing hosts: SIRET checked, deduplicated and updated by SIRET."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from milieu.audit.enums import AuditAction
from milieu.audit.models import AuditEntry
from milieu.factories import HostFactory, luhn_complete
from milieu.hosts.models import Host
from milieu.imports.enums import ImportStatus
from milieu.imports.models import ImportJob
from milieu.imports.samples import get_sample
from tests.imports.conftest import School
from tests.imports.files import csv_bytes, upload_hosts, xlsx_bytes

HEADER = [
    "SIRET",
    "Raison sociale",
    "Enseigne",
    "Code NAF",
    "Adresse",
    "Code postal",
    "Commune",
    "Effectif",
]


def siret(n: int, establishment: int = 1) -> str:
    return luhn_complete(f"{luhn_complete(f'{82_000_000 + n * 1_111:08d}')}{establishment:04d}")


def row(n: int, **changes: str) -> list[str]:
    values = {
        "siret": siret(n),
        "name": f"Entreprise {n}",
        "trade_name": "",
        "naf": "62.02a",
        "address": "1 rue du Rhin",
        "postal_code": "67000",
        "city": "Strasbourg",
        "headcount": "12",
    }
    values.update(changes)
    return list(values.values())


def confirm(client: Client, job: ImportJob, mode: str) -> Any:
    return client.post(reverse("imports:confirm", args=[job.pk]), {"mode": mode}, follow=True)


def latest() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_the_sample_creates_five_hosts_then_updates_them(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    sample = get_sample("organismes-exemple.csv")
    assert sample is not None
    client = client_for(school_a.secretary)

    upload_hosts(client, school_a, sample.read_bytes())
    confirm(client, latest(), "tout-ou-rien")
    upload_hosts(client, school_a, sample.read_bytes())
    confirm(client, latest(), "tout-ou-rien")

    assert Host.objects.count() == 5
    assert (latest().created_count, latest().updated_count) == (0, 5)
    kuhn = Host.objects.get(trade_name="Maison Kuhn")
    assert (kuhn.naf_code, kuhn.postal_code, kuhn.headcount) == ("32.12Z", "67000", 6)
    assert kuhn.created_by == school_a.secretary


def test_a_bad_siret_is_shown_with_its_line(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    bad = siret(2)[:-1] + str((int(siret(2)[-1]) + 1) % 10)

    response = upload_hosts(
        client, school_a, csv_bytes([row(1), row(2, siret=bad), row(3, siret="123")], header=HEADER)
    )
    preview = client.get(response["Location"]).content.decode()

    assert 'data-line="3" data-row-status="error"' in preview
    assert f"SIRET « {bad} » : Ce SIRET n&#x27;est pas valide (clé de contrôle erronée)." in preview
    assert "SIRET « 123 » : Le SIRET compte 14 chiffres." in preview

    confirm(client, latest(), "lignes-valides")

    assert list(Host.objects.values_list("siret", flat=True)) == [siret(1)]


def test_an_existing_host_is_updated_and_blank_cells_erase_nothing(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(
        siret=siret(1),
        name="Ancien nom",
        headcount=99,
        address="Gardée",
        created_in=school_a.establishment,
    )
    client = client_for(school_a.secretary)

    response = upload_hosts(
        client, school_a, csv_bytes([row(1, address="", headcount="")], header=HEADER)
    )
    preview = client.get(response["Location"], {"lignes": "toutes"}).content.decode()
    confirm(client, latest(), "tout-ou-rien")

    assert "Modifie : raison sociale" in preview
    host.refresh_from_db()
    assert (host.name, host.address, host.headcount) == ("Entreprise 1", "Gardée", 99)
    assert Host.objects.count() == 1


def test_other_cells_are_checked(school_a: School, client_for: Callable[[Any], Client]) -> None:
    client = client_for(school_a.secretary)

    response = upload_hosts(
        client,
        school_a,
        csv_bytes(
            [
                row(1, naf="6202"),
                row(2, postal_code="ABCDE"),
                row(3, headcount="beaucoup"),
                row(4, name=""),
                row(5, siret=siret(1)),
                row(6, headcount="1 200", postal_code="1000"),
            ],
            header=HEADER,
        ),
    )
    preview = client.get(response["Location"]).content.decode()

    assert "Code NAF « 6202 » : il compte 4 chiffres et une lettre" in preview
    assert "Code postal « ABCDE » : il compte 5 chiffres." in preview
    assert "Effectif « beaucoup » : indiquez un nombre entier de salariés." in preview
    assert "Raison sociale manquante." in preview
    assert f"SIRET « {siret(1)} » en double" in preview
    confirm(client, latest(), "lignes-valides")
    assert Host.objects.get().headcount == 1200
    assert Host.objects.get().postal_code == "01000"


def test_an_xlsx_siret_stored_as_a_number_gets_its_leading_zero_back(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    leading_zero = luhn_complete(luhn_complete("01234567") + "0001")
    assert leading_zero.startswith("0")
    client = client_for(school_a.secretary)
    data = xlsx_bytes(
        [[int(leading_zero), "Zéro devant", None, "62.02A", None, 1000, "Bourg", 3]], header=HEADER
    )

    upload_hosts(client, school_a, data, name="organismes.xlsx")
    confirm(client, latest(), "tout-ou-rien")

    host = Host.objects.get()
    assert (host.siret, host.postal_code, host.headcount) == (leading_zero, "01000", 3)


def test_missing_columns_are_named(school_a: School, client_for: Callable[[Any], Client]) -> None:
    client = client_for(school_a.secretary)

    response = upload_hosts(client, school_a, csv_bytes([["A"]], header=["Entreprise"]))

    job = latest()
    assert job.status == ImportStatus.FAILED  # read by the task, not by the request
    page = client.get(response["Location"]).content.decode()
    assert "Colonne obligatoire absente : « SIRET »." in page
    assert not Host.objects.exists()


def test_a_teacher_may_not_import_hosts(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    response = upload_hosts(
        client_for(school_a.teacher), school_a, csv_bytes([row(1)], header=HEADER)
    )

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_the_host_import_page_has_no_cohort(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    html = (
        client_for(school_a.secretary)
        .get(reverse("imports:hosts", args=[school_a.establishment.pk]))
        .content.decode()
    )

    assert "Importer des organismes d’accueil" in html
    assert 'name="cohort"' not in html
    assert "organismes-exemple.csv" in html


def test_the_host_list_links_to_the_import_for_managers(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    link = reverse("imports:hosts", args=[school_a.establishment.pk])

    assert link in client_for(school_a.secretary).get(reverse("hosts:list")).content.decode()
    assert link not in client_for(school_a.teacher).get(reverse("hosts:list")).content.decode()


def test_a_done_host_import_reports_it(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    client = client_for(school_a.secretary)
    upload_hosts(client, school_a, csv_bytes([row(1), row(2)], header=HEADER))

    done = confirm(client, latest(), "tout-ou-rien").content.decode()

    assert latest().status == ImportStatus.DONE
    assert "2 organismes créés, 0 mis à jour." in done


def test_an_import_does_not_change_a_host_another_school_works_with(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    """Issue 9 §1: the shared directory is edited only by the schools that work with a host,
    through its page or through an import."""
    from milieu.factories import EstablishmentFactory

    elsewhere = EstablishmentFactory.create()
    host = HostFactory.create(siret=siret(1), name="Nom gardé", created_in=elsewhere)
    client = client_for(school_a.secretary)

    response = upload_hosts(client, school_a, csv_bytes([row(1), row(2)], header=HEADER))
    preview = client.get(response["Location"], {"lignes": "toutes"}).content.decode()
    confirm(client, latest(), "lignes-valides")

    assert "votre établissement ne travaille pas avec cet organisme" in preview
    host.refresh_from_db()
    assert host.name == "Nom gardé"
    created = Host.objects.get(siret=siret(2))
    assert created.created_in == school_a.establishment


def test_a_host_an_import_changes_keeps_its_audit_row_and_shows_it(
    school_a: School, client_for: Callable[[Any], Client]
) -> None:
    host = HostFactory.create(siret=siret(1), name="Ancien nom", created_in=school_a.establishment)
    client = client_for(school_a.secretary)
    upload_hosts(client, school_a, csv_bytes([row(1, address="", headcount="")], header=HEADER))
    confirm(client, latest(), "tout-ou-rien")

    entry = AuditEntry.objects.get(action=AuditAction.HOST_EDITED)
    assert (entry.object_id, entry.actor, entry.establishment) == (
        str(host.pk),
        school_a.secretary,
        school_a.establishment,
    )
    assert entry.changes["name"] == ["Ancien nom", "Entreprise 1"]
    assert entry.changes["import"] == latest().pk
    page = client_for(school_a.head).get(reverse("hosts:detail", args=[host.pk]))
    assert "Ancien nom → Entreprise 1" in page.content.decode()
