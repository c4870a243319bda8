from django.db import models


class HolidayZone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"


class EstablishmentKind(models.TextChoices):
    LYCEE_PRO = "lycee-professionnel", "Lycée professionnel"
    LYCEE = "lycee", "Lycée général et technologique"
    CFA = "cfa", "Centre de formation d'apprentis"
    GRETA = "greta", "GRETA (formation continue)"
