"""The host chosen for a student's PFMP period, in one place: its workflow and operations
(`operations`: proposed → validated by the pedagogical team → *arrêté* by the chef
d'établissement, seed 001 §2.1.2), the cohort's placement board (`board`), and the pages that
propose, decide and follow the choices (`views`, `forms`).

The records stay in their apps (`milieu.hosts.models.Placement` and its `PlacementTransition`
log, the cohort's periods in `milieu.establishments`); the URLs stay under the student and the
cohort they concern (`students:propose`, `students:decide`, `establishments:placement_board`);
the templates are `placements/*.html`, among the hosts app's templates (this package is not an
app).
"""
