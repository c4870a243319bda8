"""Reports (rapports de stage) deposited as PDF files: automatic conformity analysis.

`analysis` is pure Python, importable without Django: `analyse_report` reads the PDF bytes and
returns the fields of the contract's `report` object (`shared/spec/dossier.md`), which
`as_contract_report` turns into the dict that `milieu.rules.evaluate` judges; what each diploma's
report is made of comes from its catalogue file (`report_profile`). The Django side (models,
views, `queries.contract_report`) keeps the deposits, the deadlines and the host's visa.
"""

from milieu.reports.analysis import (
    EnglishDocument,
    ReportAnalysis,
    ReportProfile,
    ReportRejected,
    ReportSection,
    analyse_report,
    as_contract_report,
    report_profile,
)

__all__ = [
    "EnglishDocument",
    "ReportAnalysis",
    "ReportProfile",
    "ReportRejected",
    "ReportSection",
    "analyse_report",
    "as_contract_report",
    "report_profile",
]
