from django.db import models


class AuditAction(models.TextChoices):
    """What an audit row records. Workflow transitions keep their own logs (convention
    transitions, visit events…); this journal holds what those logs do not: sign-ins, edits of
    records people rely on, paper signatures, downloads of a minor's documents."""

    LOGIN = "login", "connexion"
    LOGIN_FAILED = "login_failed", "échec de connexion"
    LOGOUT = "logout", "déconnexion"
    STUDENT_EDITED = "student_edited", "élève modifié"
    COHORT_EDITED = "cohort_edited", "promotion modifiée"
    COHORT_TEACHERS_CHANGED = "cohort_teachers", "enseignants de la promotion modifiés"
    HOST_CREATED = "host_created", "organisme créé"
    HOST_EDITED = "host_edited", "organisme modifié"
    SITE_EDITED = "site_edited", "lieu d'accueil modifié"
    TUTOR_CREATED = "tutor_created", "tuteur créé"
    TUTOR_EDITED = "tutor_edited", "tuteur modifié"
    PAPER_SIGNATURE = "paper_signature", "signature papier enregistrée"
    MINOR_DOCUMENT_DOWNLOADED = "minor_download", "document d'un mineur téléchargé"
    BACKUP = "backup", "sauvegarde"
    RESTORE = "restore", "restauration"
    PURGE = "purge", "purge des données échues"
    OTHER = "other", "autre"
    REPORT_CORRECTED = "report_corrected", "chiffres d'un rapport corrigés"
    SPECIAL_CONTRACT_RECORDED = "special_contract", "contrat de type particulier enregistré"
    SPECIAL_CONTRACT_FIT = "special_contract_fit", "conformité des activités d'un contrat constatée"
    PAPER_CERTIFICATE = "paper_certificate", "attestation de stage papier enregistrée"
    STUDENT_INVITED = "student_invited", "élève invité à rejoindre Milieu"
    INVITATION_ACCEPTED = "invitation_accepted", "invitation acceptée : compte créé"
    PASSWORD_CHANGED = "password_changed", "mot de passe changé"
    API_TOKEN_CREATED = "api_token_created", "clé d'accès à l'API créée"
    API_TOKEN_REVOKED = "api_token_revoked", "clé d'accès à l'API révoquée"
    REPORT_CONFORMITY = "report_conformity", "conformité d'un rapport prononcée"
    # --- reports (work-docs): each change of a cohort's report deadline, old → new date
    REPORT_DEADLINE_CHANGED = "report_deadline", "date limite de dépôt du rapport changée"
    PERIOD_EDITED = "period_edited", "période de PFMP ajoutée ou modifiée"
