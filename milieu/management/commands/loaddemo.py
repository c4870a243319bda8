from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from milieu.demo import load_demo, story_lines


class Command(BaseCommand):
    help = (
        "Prépare la démonstration (sans effet si elle l’est déjà) et affiche ce qu’elle offre. "
        "Refuse de s’exécuter quand DEBUG est faux, sauf avec --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="S’exécuter même quand DEBUG est faux (jamais en production).",
        )
        parser.add_argument(
            "--url",
            default=None,
            help=(
                "Adresse publique du serveur : affichée, et utilisée dans les liens envoyés par "
                "courriel pendant la préparation (par défaut : SITE_URL)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refus : DEBUG est faux, ce serveur ressemble à une production. "
                "Relancez avec --force si c’est bien une démonstration."
            )
        base_url = str(options["url"] or settings.SITE_URL).rstrip("/")
        # the links e-mailed or printed while the demo is built (tutor links, signing links)
        # point to the server the demo is served on, not to the default port (`make demo`
        # passes the same address to the server through SITE_URL)
        with override_settings(SITE_URL=base_url):
            summary = load_demo()
        write = self.stdout.write
        write(self.style.SUCCESS("Démonstration prête."))
        if summary.counts:
            write(
                "Académie de démonstration : "
                + ", ".join(f"{count} {label}" for label, count in summary.counts.items())
                + "."
            )
        write(f"Page d’accueil : {base_url}/")
        write(f"Vérifier un dossier : {base_url}/dossiers/verifier/")
        write(f"Règles par diplôme : {base_url}/regles/")
        write(f"API (documentation) : {base_url}/api/v1/docs")
        write(f"Exemples de dossiers ({len(summary.samples)}), à charger depuis la page :")
        for sample in summary.samples:
            write(f"  - {sample.title} : {base_url}/dossiers/verifier/?exemple={sample.slug}")
        for line in story_lines(base_url):
            write(line)
        if summary.accounts:
            write(f"Comptes de démonstration (connexion : {base_url}/connexion/) :")
            for account in summary.accounts:
                write(f"  - {account.username} / {account.password} ({account.role})")
        else:
            write(
                "Comptes de démonstration : aucun pour l’instant, la vérification est ouverte à tous."
            )
