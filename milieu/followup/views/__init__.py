"""Follow-up views, by page: `tutor` (the tutor's public pages, by their link), `school` (the
follow-up of one convention), `evaluation` (the grid for the team), `documents` (bma-bijou's
training contract and bilan). A view reads the form, calls one function of
`milieu.followup.operations`, says the outcome; a refusal no form shows is left to
`milieu.middleware.RefusedMiddleware`."""
