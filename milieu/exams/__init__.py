"""The rectorat's side of the exam: exam sessions, the recteur's derogations, and the candidate's
dossier (`milieu.exams.assembly.build_dossier`), which reads every other app and so sits above
them: `exams` imports the other apps; they do not import `exams` (their views may)."""
