"""E-mails of the conventions that several operations send."""

from __future__ import annotations

from django.core.mail import EmailMessage

from milieu.conventions.enums import SignatureState
from milieu.conventions.models import Amendment, Convention, ConventionDocument


def send_sealed_copies(convention_pk: int, amendment_pk: int | None = None) -> int:
    """Send the signed and sealed PDF (convention or avenant) to every party who signed it, as
    the signature page promised; returns how many e-mails were sent. Runs after the commit."""
    convention = Convention.objects.get(pk=convention_pk)
    if amendment_pk is None:
        kind = ConventionDocument.Kind.SEALED
        documents = convention.documents.filter(
            kind=kind, version=convention.version, amendment__isnull=True
        )
        signatories = convention.signatories.filter(
            version=convention.version, amendment__isnull=True
        )
        what = f"la convention de stage n° {convention.pk}"
        filename = f"convention-{convention.pk}-version-{convention.version}-signee.pdf"
    else:
        kind = ConventionDocument.Kind.AMENDMENT_SEALED
        documents = convention.documents.filter(kind=kind, amendment_id=amendment_pk)
        signatories = convention.signatories.filter(amendment_id=amendment_pk)
        number = Amendment.objects.values_list("number", flat=True).get(pk=amendment_pk)
        what = f"l'avenant n° {number} à la convention de stage n° {convention.pk}"
        filename = f"convention-{convention.pk}-avenant-{number}-signe.pdf"
    document = documents.order_by("-pk").first()
    if document is None:
        return 0
    recipients: dict[str, str] = {}
    for signatory in signatories.filter(state=SignatureState.SIGNED).order_by("pk"):
        if signatory.email:
            recipients.setdefault(signatory.email.lower(), signatory.name)
    for email, name in recipients.items():
        message = EmailMessage(
            f"{what[:1].upper()}{what[1:]} est signée et scellée",
            (
                f"Bonjour {name},\n\n"
                f"Toutes les parties ont signé {what}. Vous la trouverez en pièce jointe, "
                "scellée par le cachet électronique de l'établissement (signature PAdES) : "
                "toute modification du fichier l'invalide.\n\n"
                f"Empreinte SHA-256 du document : {document.sha256}\n"
            ),
            to=[email],
        )
        message.attach(filename, bytes(document.content), "application/pdf")
        message.send()
    return len(recipients)
