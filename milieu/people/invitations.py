"""Invitations: a manager of the establishment invites students without an account to join Milieu.

Each invitation is a single-use link (its secret is only stored as a keyed hash) that expires
after ``INVITATION_LIFETIME_DAYS``; inviting the student again revokes the live link. Accepting
creates the account (the student's e-mail address), links it to the student with the student
role in their establishment, and sets the password through Django's validators.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from milieu.audit.enums import AuditAction
from milieu.audit.journal import record
from milieu.establishments.models import Cohort
from milieu.people.enums import Role
from milieu.people.models import Invitation, Membership, User
from milieu.permissions import Action, require
from milieu.refusals import Refused
from milieu.students.models import Student
from milieu.tokens import hash_token


class InvitationError(Refused):
    """An invitation that cannot be sent or accepted; the message is for the user (French)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def invitable_students(cohort: Any) -> Any:
    """The cohort's students who have no account but an e-mail address."""
    return Student.objects.filter(cohort=cohort, user__isnull=True).exclude(email="")


@dataclass(frozen=True)
class JoinedCount:
    joined: int
    total: int

    @property
    def sentence(self) -> str:
        noun = "élève" if self.joined <= 1 else "élèves"
        verb = "a rejoint" if self.joined <= 1 else "ont rejoint"
        return f"{self.joined} {noun} sur {self.total} {verb} Milieu"


def joined_count(cohort: Any) -> JoinedCount:
    students = Student.objects.filter(cohort=cohort)
    return JoinedCount(joined=students.filter(user__isnull=False).count(), total=students.count())


def _link(token: str) -> str:
    return settings.SITE_URL + reverse("accept_invitation", kwargs={"token": token})


def _mail(student: Student, email: str, token: str, expires_at: Any) -> None:
    establishment = student.cohort.establishment
    until = timezone.localtime(expires_at).strftime("%d/%m/%Y")
    body = (
        f"Bonjour {student.first_name},\n\n"
        f"{establishment.name} vous invite à rejoindre Milieu, l'application qui suit vos "
        "périodes de formation en milieu professionnel (conventions, attestations, rapport).\n\n"
        "Ouvrez ce lien personnel pour choisir votre mot de passe :\n"
        f"{_link(token)}\n\n"
        f"Ce lien ne sert qu'une fois et reste valable jusqu'au {until}. Votre identifiant sera "
        f"votre adresse électronique : {email}.\n"
        "Si vous n'êtes pas concerné, ignorez ce message.\n"
    )
    send_mail("Votre invitation à rejoindre Milieu", body, None, [email])


def invite_student(student: Student, *, by: User, ip: str | None = None) -> Invitation:
    """Send (or send again) the student their invitation; the live ones are revoked."""
    require(by, Action.STUDENT_INVITE, student)
    if student.user_id is not None:
        raise InvitationError(f"{student.full_name} a déjà un compte.")
    email = student.email.strip().lower()
    if not email:
        raise InvitationError(
            f"{student.full_name} n'a pas d'adresse électronique : renseignez-la d'abord."
        )
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationError(
            f"L'adresse de {student.full_name} n'est pas une adresse électronique valide : "
            "corrigez-la d'abord."
        ) from None
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(
            f"L'adresse {email} est déjà celle d'un autre compte : corrigez celle de l'élève."
        )
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoked = Invitation.objects.filter(
            student=student, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            student=student,
            email=email,
            token_hash=hash_token(token),
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_LIFETIME_DAYS),
        )
        record(
            AuditAction.STUDENT_INVITED,
            actor=by,
            obj=student,
            establishment=student.cohort.establishment,
            ip=ip,
            changes={"adresse": email, "liens révoqués": revoked},
        )
        expires_at = invitation.expires_at
        transaction.on_commit(lambda: _mail(student, email, token, expires_at))
    return invitation


def invite_cohort(cohort: Cohort, *, by: User, ip: str | None = None) -> list[Invitation]:
    """Invite every student of the cohort without an account who has an e-mail address."""
    require(by, Action.COHORT_INVITE, cohort)
    sent = []
    with transaction.atomic():
        for student in invitable_students(cohort).select_related("cohort__establishment"):
            if User.objects.filter(email__iexact=student.email.strip()).exists():
                continue  # shown on the student's page when invited alone
            try:
                sent.append(invite_student(student, by=by, ip=ip))
            except InvitationError:
                continue  # an address that is not one: shown on the student's page
    return sent


def invitation_for(token: str) -> Invitation:
    """The live invitation of the link, else an `InvitationError` saying why (in French)."""
    found = (
        Invitation.objects.select_related("student", "student__cohort__establishment")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if found is None:
        raise InvitationError("Ce lien d'invitation n'existe pas. Vérifiez l'adresse reçue.")
    if found.used_at is not None:
        raise InvitationError(
            "Ce lien d'invitation a déjà servi : connectez-vous avec votre adresse et votre "
            "mot de passe, ou demandez un nouveau mot de passe."
        )
    if found.revoked_at is not None:
        raise InvitationError(
            "Ce lien d'invitation a été remplacé par un plus récent : utilisez le dernier "
            "message reçu."
        )
    if found.expires_at <= timezone.now():
        raise InvitationError(
            "Ce lien d'invitation a expiré. Demandez à votre établissement de vous en envoyer "
            "un nouveau."
        )
    if found.student.user_id is not None:
        raise InvitationError("Vous avez déjà un compte : connectez-vous.")
    return found


def accept_invitation(token: str, password: str, *, ip: str | None = None) -> User:
    """Create the student's account with `password` (already validated by the form)."""
    with transaction.atomic():
        invitation = invitation_for(token)
        # lock the row: two submissions of the same link create one account
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise InvitationError("Ce lien d'invitation a déjà servi.")
        student = invitation.student
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                "Un compte existe déjà avec cette adresse : connectez-vous, ou demandez un "
                "nouveau mot de passe."
            )
        validate_password(password)
        user = User.objects.create_user(
            invitation.email,
            password,
            first_name=student.first_name,
            last_name=student.last_name,
        )
        Membership.objects.create(
            user=user, role=Role.STUDENT, establishment=student.cohort.establishment
        )
        student.user = user
        student.save(update_fields=["user"])
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        record(
            AuditAction.INVITATION_ACCEPTED,
            actor=user,
            obj=student,
            establishment=student.cohort.establishment,
            ip=ip,
            changes={"adresse": invitation.email},
        )
    return user
