"""Reports (rapports de stage) deposited as PDF files: automatic conformity analysis.

Pure Python, importable without Django: `analyse_report` reads the PDF bytes and returns the
fields of the contract's `report` object (`shared/spec/dossier.md`), which
`as_contract_report` turns into the dict that `milieu.rules.evaluate` judges.
"""

from milieu.reports.analysis import (
    DEFAULT_SECTION_KEYWORDS,
    EnglishDocument,
    ReportAnalysis,
    ReportRejected,
    analyse_report,
    as_contract_report,
)

__all__ = [
    "DEFAULT_SECTION_KEYWORDS",
    "EnglishDocument",
    "ReportAnalysis",
    "ReportRejected",
    "analyse_report",
    "as_contract_report",
]
