"""Teachers' visits to the host during a stage.

"Le suivi du stagiaire comprend plusieurs visites" (seed 000) and "chaque professeur doit se
rendre en entreprise" (seed 004): a visit is planned for one period of a convention and one
teacher, on a day of that period; the visiting teacher then writes what they saw, the
difficulties and the actions agreed. Each
operation leaves a `VisitEvent` (who, when, what), written in the same transaction.

A teacher's calendar application reads their visits through a secret address (`CalendarFeed`):
only the HMAC of its token is stored; a new address revokes the previous one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from milieu.audit.models import StateLog
from milieu.visits.enums import TutorAnswer, VisitAction, VisitStatus


class Visit(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name="convention",
    )
    # One of `convention`'s periods (active when the visit was planned; an avenant may replace
    # it later, the visit then stays on the period it was made for). `plan_visit` checks that
    # the period belongs to the convention: the database cannot, a CHECK constraint does not
    # read another table's row and Django has no composite foreign key (period, convention).
    # PROTECT: a period with a visit is never deleted (only a draft's periods are, and visits
    # are planned once the convention is signed).
    period = models.ForeignKey(
        "conventions.ConventionPeriod",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="période de stage",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="enseignant qui se rend en entreprise",
    )
    planned_at = models.DateTimeField("date et heure prévues")
    status = models.CharField(
        "état", max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    seen = models.TextField("ce qui a été observé", blank=True)
    difficulties = models.TextField("difficultés rencontrées", blank=True)
    actions = models.TextField("actions décidées", blank=True)
    reported_at = models.DateTimeField("compte rendu rédigé le", null=True, blank=True)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    # the tutor's answer from their link (seed 004: visits organised « en accord avec le tuteur »)
    tutor_answer = models.CharField(
        "réponse du tuteur", max_length=12, choices=TutorAnswer.choices, blank=True
    )
    tutor_answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    tutor_answer_name = models.CharField("réponse donnée par", max_length=200, blank=True)
    tutor_proposed_at = models.DateTimeField("date proposée par le tuteur", null=True, blank=True)
    tutor_comment = models.TextField("message du tuteur", blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="planifiée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "visite de stage"
        verbose_name_plural = "visites de stage"
        ordering = ["planned_at", "pk"]
        indexes = [models.Index(fields=["teacher", "planned_at"], name="visit_teacher_planned")]
        constraints = [
            models.CheckConstraint(
                name="visit_cancelled_has_reason",
                condition=~Q(status=VisitStatus.CANCELLED) | ~Q(cancel_reason=""),
                violation_error_message="Une visite annulée indique le motif de l'annulation.",
            ),
            models.CheckConstraint(
                name="visit_done_has_report_date",
                condition=~Q(status=VisitStatus.DONE) | Q(reported_at__isnull=False),
                violation_error_message="Une visite effectuée a un compte rendu daté.",
            ),
        ]

    def __str__(self) -> str:
        return f"Visite du {self.planned_at:%d/%m/%Y} — convention n° {self.convention_id}"

    @property
    def confirmed_by_tutor(self) -> bool:
        return self.tutor_answer == TutorAnswer.CONFIRMED

    @property
    def other_date_proposed(self) -> bool:
        return self.tutor_answer == TutorAnswer.OTHER_DATE

    @property
    def tutor_answer_text(self) -> str:
        """The tutor's answer in words, for the teacher's pages ("" before any answer)."""
        if not self.tutor_answer or self.tutor_answered_at is None:
            return ""
        answered = timezone.localtime(self.tutor_answered_at)
        if self.tutor_answer == TutorAnswer.CONFIRMED:
            text = f"Confirmée par le tuteur ({self.tutor_answer_name}) le {answered:%d/%m/%Y}"
        else:
            proposed = (
                timezone.localtime(self.tutor_proposed_at) if self.tutor_proposed_at else None
            )
            text = (
                f"Le tuteur ({self.tutor_answer_name}) propose le {proposed:%d/%m/%Y à %H:%M}"
                if proposed
                else f"Le tuteur ({self.tutor_answer_name}) propose une autre date"
            ) + f" (réponse du {answered:%d/%m/%Y})"
        return text + (f" : « {self.tutor_comment} »" if self.tutor_comment else "") + "."


class VisitEvent(StateLog):
    """One step of a visit's history: planned, reported, cancelled, answered by the tutor… by
    whom, when, from which state to which (`milieu.visits.operations.VISIT_FLOW` writes it)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="events", verbose_name="visite"
    )
    action = models.CharField("action", max_length=16, choices=VisitAction.choices)
    from_status = models.CharField(
        "état de départ", max_length=16, choices=VisitStatus.choices, blank=True
    )
    to_status = models.CharField("état d'arrivée", max_length=16, choices=VisitStatus.choices)
    detail = models.TextField("détail", blank=True)

    class Meta(StateLog.Meta):
        verbose_name = "étape de la visite"
        verbose_name_plural = "étapes des visites"

    def __str__(self) -> str:
        return f"{self.get_action_display()} — visite n° {self.visit_id}"


class CalendarFeed(models.Model):
    """A teacher's secret address of their visits' iCalendar feed (for calendar applications,
    which have no session). The token itself is shown once and never stored."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit_feeds",
        verbose_name="enseignant",
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière lecture", null=True, blank=True)

    class Meta:
        verbose_name = "adresse secrète d'agenda"
        verbose_name_plural = "adresses secrètes d'agenda"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher"],
                condition=Q(revoked_at__isnull=True),
                name="visit_feed_one_active_per_teacher",
                violation_error_message="Un enseignant n'a qu'une adresse d'agenda en vigueur.",
            ),
        ]

    def __str__(self) -> str:
        return f"Adresse d'agenda de {self.teacher} ({'révoquée' if self.revoked_at else 'en vigueur'})"
