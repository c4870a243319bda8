"""The evidence URLs in the URL matrix (`tests/test_url_matrix.py` loads `ENTRIES`)."""

from __future__ import annotations

from typing import Any

from tests.test_url_matrix import Kwargs, World, row


def _document(w: World, key: str) -> Any:
    """A document of school A's student, deposited by the student and waiting for review, with
    its file stored; one per action so that each row meets a pending document. Made on first
    use (the pending queue's row makes them too, so its page has something to leak)."""
    if "evidence_documents" not in w.objects:
        from milieu import storage
        from milieu.evidence.enums import EvidenceKind
        from milieu.evidence.models import EvidenceDocument, EvidenceTransition

        documents = {}
        for name in ("accept", "refuse", "withdraw", "download"):
            content = f"%PDF-1.4\n{name}\n%%EOF\n".encode()
            stored = storage.store("evidence", content, suffix="pdf")
            document = EvidenceDocument.objects.create(
                student=w.a.student,
                kind=EvidenceKind.APPRENTICESHIP_CONTRACT,
                file_path=stored.path,
                file_size=stored.size,
                file_sha256=stored.sha256,
                file_kind="pdf",
                original_name=f"{name}.pdf",
                deposited_by=w.a.student_user,
            )
            EvidenceTransition.objects.create(
                document=document, to_status="deposited", actor=w.a.student_user
            )
            documents[name] = document
        w.objects["evidence_documents"] = documents
    return w.objects["evidence_documents"][key]


def _pk(key: str) -> Kwargs:
    return lambda w: {"pk": _document(w, key).pk}


def _queue(w: World) -> dict[str, Any]:
    _document(w, "accept")
    return {}


#              an   head ddfpt sec teach oth  stud bhead bddf bteach bstud rect orect
READ = row("302  200  200  200  200  404  200  404  404  404  404  200  404")
QUEUE = row("302  200  200  200  403  403  403  200  200  403  403  403  403")
# an empty POST: the managers are sent back (accepted, or "indiquez le motif")
REVIEW = row("302  302  302  302  403  404  403  404  404  404  404  403  404")
# the depositor (the student) withdraws; the others may not
WITHDRAW = row("302  403  403  403  403  404  302  404  404  404  404  403  404")

ENTRIES: dict[str, tuple[Kwargs, str, dict[str, int]]] = {
    "evidence:student": (lambda w: {"student_pk": w.a.student.pk}, "get", READ),
    "evidence:pending": (_queue, "get", QUEUE),
    "evidence:download": (_pk("download"), "get", READ),
    "evidence:accept": (_pk("accept"), "post", REVIEW),
    "evidence:refuse": (_pk("refuse"), "post", REVIEW),
    "evidence:withdraw": (_pk("withdraw"), "post", WITHDRAW),
}
