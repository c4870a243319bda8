"""The report: deposit and deadline, pages, sections, English documents, format, endorsement."""

from __future__ import annotations

from milieu.rules.catalogue import Rule
from milieu.rules.judgement import Judgement
from milieu.rules.output import fr_date

FORMAT_RANK = {"A4": 0, "A3": 1, "larger": 2}


def report_deadline(j: Judgement) -> int:
    report = j.d.report
    if report is not None and report.deadline is not None:
        return report.deadline
    return j.d.exam_date


def judge_report(j: Judgement) -> None:
    deposit = j.firsts.get("report-deposit")
    if deposit is None:
        return
    d = j.d
    report = d.report
    deadline = report_deadline(j)
    if report is None or report.submitted_on is None:
        if d.as_of > deadline:
            j.add(
                "REPORT_MISSING",
                deposit,
                f"Aucun rapport déposé ; la date limite du {fr_date(deadline)} est passée",
            )
        else:
            j.pending = True
        return
    if report.submitted_on > deadline:
        j.add(
            "REPORT_LATE",
            deposit,
            f"Rapport déposé le {fr_date(report.submitted_on)}, après la date limite du {fr_date(deadline)}",
        )
    for rule in j.plan.get("report-pages", ()):
        judge_report_pages(j, rule)
    for rule in j.plan.get("report-sections", ()):
        missing = [key for key in rule.params["sections"] if key not in report.sections]
        if missing:
            j.add(
                "REPORT_SECTION_MISSING",
                rule,
                "Partie(s) absente(s) du rapport : " + ", ".join(missing),
                detail=missing,
            )
    for rule in j.plan.get("report-section-length", ()):
        key = rule.params["section"]
        pages = report.section_pages.get(key)
        if pages is None:
            continue
        low = rule.params.get("min")
        high = rule.params.get("max")
        if (low is not None and pages < low) or (high is not None and pages > high):
            bounds = (
                f"entre {low} et {high}"
                if low is not None and high is not None
                else (f"au plus {high}" if high is not None else f"au moins {low}")
            )
            j.add(
                "REPORT_SECTION_LENGTH",
                rule,
                f"Partie « {key} » : {pages} page{'s' if pages > 1 else ''}, attendu {bounds}",
                detail=[key],
            )
    english = j.firsts.get("report-english-documents")
    if english is not None:
        technical = report.english_documents.count("technical")
        press = report.english_documents.count("press")
        want_t, want_p = english.params["technical"], english.params["press"]
        if (technical, press) != (want_t, want_p):
            j.add(
                "REPORT_ENGLISH_DOCUMENTS",
                english,
                f"Documents en anglais : {technical} technique(s) et {press} de presse, attendu {want_t} technique et {want_p} de presse",
                detail={"technical": technical, "press": press},
            )
    page_format = j.firsts.get("report-format")
    if (
        page_format is not None
        and FORMAT_RANK[report.page_format] > FORMAT_RANK[page_format.params["max_format"]]
    ):
        j.add(
            "REPORT_FORMAT_TOO_LARGE",
            page_format,
            f"Format des pages plus grand que {page_format.params['max_format']}",
        )
    endorsement = j.firsts.get("report-endorsement")
    if endorsement is not None and not report.endorsed_by_host:
        j.add(
            "REPORT_NOT_ENDORSED",
            endorsement,
            "Le rapport n'est pas visé par la structure d'accueil",
        )


def judge_report_pages(j: Judgement, rule: Rule) -> None:
    report = j.d.report
    assert report is not None
    p = rule.params
    over = []
    items = []
    if "max_pages" in p and report.pages > p["max_pages"]:
        over.append(f"{report.pages} pages hors annexes pour {p['max_pages']} au plus")
        items.append("pages")
    if "max_annex_pages" in p and report.annex_pages > p["max_annex_pages"]:
        over.append(f"{report.annex_pages} pages d'annexes pour {p['max_annex_pages']} au plus")
        items.append("annex_pages")
    if "max_total_pages" in p and report.pages + report.annex_pages > p["max_total_pages"]:
        over.append(
            f"{report.pages + report.annex_pages} pages annexes comprises pour {p['max_total_pages']} au plus"
        )
        items.append("total_pages")
    for part, limit in p.get("max_parts", {}).items():
        count = report.parts.get(part)
        if count is not None and count > limit:
            over.append(f"partie « {part} » : {count} pages pour {limit} au plus")
            items.append(part)
    if over:
        j.add("REPORT_TOO_LONG", rule, "Rapport trop long : " + " ; ".join(over), detail=items)
