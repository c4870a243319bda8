from django.db import models


class Role(models.TextChoices):
    HEAD = "chef-etablissement", "Chef d'établissement"
    DDFPT = "ddfpt", "DDFPT"
    TEACHER = "enseignant", "Enseignant"
    SECRETARY = "secretariat", "Secrétariat"
    STUDENT = "eleve", "Élève ou étudiant"
    EXAM_SERVICE = "service-examens", "Service des examens (rectorat)"
    RECTEUR_DELEGATE = "delegue-recteur", "Délégué du recteur"


SCHOOL_ROLES = frozenset({Role.HEAD, Role.DDFPT, Role.TEACHER, Role.SECRETARY, Role.STUDENT})
STAFF_ROLES = frozenset({Role.HEAD, Role.DDFPT, Role.TEACHER, Role.SECRETARY})
MANAGER_ROLES = frozenset({Role.HEAD, Role.DDFPT, Role.SECRETARY})
RECTORAT_ROLES = frozenset({Role.EXAM_SERVICE, Role.RECTEUR_DELEGATE})
