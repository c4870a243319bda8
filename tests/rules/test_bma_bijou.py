"""Brevet des métiers d'art, bijou — seed 004_5ec5dbab818e0c18.txt, rule by rule."""

from tests.rules.builders import (
    BIJOU_EXPERIENCE_REPORT,
    GOOD_REPORTS,
    cites,
    codes,
    dossier,
    finding,
    judge,
    period,
)

BIJOU = "bma-bijou"
GOOD = GOOD_REPORTS[BIJOU]
PERFECTIONNEMENT = {
    "pathway": "formation-continue",
    "continuing_situation": "perfectionnement",
    "periods": [],
}
RECENT_WORK = [{"start": "2027-01-01", "end": "2027-12-31", "full_time": True, "in_sector": True}]


@cites(BIJOU, "duration", "§1")
def test_twelve_weeks_over_two_years_paragraph_1() -> None:
    short = judge(
        dossier(BIJOU, periods=[period("2027-01-04", weeks=6), period("2028-01-03", weeks=5)])
    )
    assert finding(short, "DURATION_BELOW_MINIMUM")["ref"] == "004_5ec5dbab818e0c18.txt §1"
    assert judge(dossier(BIJOU))["weeks_required"] == {"min": 12, "max": 12}


@cites(BIJOU, "overlap", "§1")
def test_overlap_paragraph_1() -> None:
    result = judge(
        dossier(BIJOU, periods=[period("2027-01-04", weeks=6), period("2027-01-11", weeks=6)])
    )
    assert "PERIODS_OVERLAP" in codes(result)


@cites(BIJOU, "convention", "§1")
def test_convention_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[
                period("2027-01-04", weeks=6),
                period("2028-01-03", weeks=6, convention_signed=False),
            ],
        )
    )
    assert finding(result, "CONVENTION_MISSING")["detail"] == [1]


@cites(BIJOU, "training-contract", "§1")
def test_training_contract_before_each_period_paragraph_1() -> None:
    started = judge(
        dossier(
            BIJOU,
            periods=[
                period("2027-01-04", weeks=6, training_contract=False),
                period("2028-01-03", weeks=6),
            ],
        )
    )
    assert finding(started, "TRAINING_CONTRACT_MISSING")["severity"] == "blocking"
    upcoming = judge(
        dossier(
            BIJOU,
            as_of="2027-12-01",
            report=None,
            periods=[
                period("2027-01-04", weeks=6),
                period(
                    "2028-01-03", weeks=6, training_contract=False, certificate=False, bilan=False
                ),
            ],
        )
    )
    assert finding(upcoming, "TRAINING_CONTRACT_MISSING")["severity"] == "warning"
    assert upcoming["status"] == "pending"


@cites(BIJOU, "bilan", "§1")
def test_each_finished_period_is_validated_by_a_bilan_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[period("2027-01-04", weeks=6, bilan=False), period("2028-01-03", weeks=6)],
        )
    )
    assert finding(result, "BILAN_MISSING")["detail"] == [0]
    assert result["status"] == "non-compliant"
    running = judge(
        dossier(
            BIJOU,
            as_of="2028-01-20",
            report=None,
            periods=[
                period("2027-01-04", weeks=6),
                period("2028-01-03", weeks=6, bilan=False, certificate=False),
            ],
        )
    )
    assert "BILAN_MISSING" not in codes(running)


@cites(BIJOU, "certificate", "§1")
def test_attestations_condition_the_e1_part_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[
                period("2027-01-04", weeks=6, certificate=False),
                period("2028-01-03", weeks=6),
            ],
        )
    )
    assert finding(result, "CERTIFICATE_MISSING")["severity"] == "blocking"


@cites(BIJOU, "apprenticeship-evidence", "§2")
def test_apprentices_stage_is_included_in_their_contract_paragraph_2() -> None:
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(
        judge(dossier(BIJOU, pathway="apprentissage", periods=[]))
    )
    apprentice = judge(
        dossier(BIJOU, pathway="apprentissage", periods=[], apprenticeship_evidence=True)
    )
    assert apprentice["status"] == "compliant"
    assert "TRAINING_CONTRACT_MISSING" not in codes(apprentice)


@cites(BIJOU, "work-experience", "§3.b")
def test_perfectionnement_work_certificates_replace_the_stage_paragraph_3b() -> None:
    ok = judge(
        dossier(
            BIJOU, **PERFECTIONNEMENT, work_certificates=RECENT_WORK, report=BIJOU_EXPERIENCE_REPORT
        )
    )
    assert ok["status"] == "compliant"
    # "est remplacé": for this diploma a stage is no alternative
    stage = judge(
        dossier(
            BIJOU,
            **{**PERFECTIONNEMENT, "periods": [period("2027-01-04", weeks=12)]},
            report=BIJOU_EXPERIENCE_REPORT,
        )
    )
    assert "WORK_EXPERIENCE_INSUFFICIENT" in codes(stage)


@cites(BIJOU, "work-certificates", "§4")
def test_professional_experience_paragraph_4() -> None:
    result = judge(
        dossier(
            BIJOU, pathway="experience-professionnelle", periods=[], report=BIJOU_EXPERIENCE_REPORT
        )
    )
    assert "WORK_CERTIFICATES_MISSING" in codes(result)


@cites(BIJOU, "report-deposit", "§1")
def test_dossier_date_set_by_the_recteur_paragraph_1() -> None:
    assert "REPORT_MISSING" in codes(judge(dossier(BIJOU, report=None)))
    assert "REPORT_LATE" in codes(
        judge(dossier(BIJOU, report={**GOOD, "submitted_on": "2028-05-01"}))
    )


@cites(BIJOU, "report-sections-school", "§1")
def test_two_part_dossier_of_school_candidates_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU, report={**GOOD, "sections": ["stage-reports", "objectives", "contents", "steps"]}
        )
    )
    assert finding(result, "REPORT_SECTION_MISSING")["detail"] == ["bilans", "costs"]


@cites(BIJOU, "report-pages-school", "§1")
def test_fifteen_pages_and_ten_pages_of_annexes_paragraph_1() -> None:
    assert finding(judge(dossier(BIJOU, report={**GOOD, "pages": 16})), "REPORT_TOO_LONG")[
        "detail"
    ] == ["pages"]
    assert finding(judge(dossier(BIJOU, report={**GOOD, "annex_pages": 11})), "REPORT_TOO_LONG")[
        "detail"
    ] == ["annex_pages"]


@cites(BIJOU, "report-sections-experience", "§3.b")
def test_activity_report_and_case_study_paragraph_3b() -> None:
    result = judge(
        dossier(
            BIJOU,
            **PERFECTIONNEMENT,
            work_certificates=RECENT_WORK,
            report={**BIJOU_EXPERIENCE_REPORT, "sections": ["activity-report"]},
        )
    )
    assert finding(result, "REPORT_SECTION_MISSING")["detail"] == ["case-study"]


@cites(BIJOU, "report-pages-experience", "§3.b")
def test_fifty_pages_annexes_included_thirty_plus_twenty_paragraph_3b() -> None:
    parts = judge(
        dossier(
            BIJOU,
            **PERFECTIONNEMENT,
            work_certificates=RECENT_WORK,
            report={**BIJOU_EXPERIENCE_REPORT, "parts": {"activity-report": 31, "case-study": 15}},
        )
    )
    assert finding(parts, "REPORT_TOO_LONG")["detail"] == ["activity-report"]
    total = judge(
        dossier(
            BIJOU,
            **PERFECTIONNEMENT,
            work_certificates=RECENT_WORK,
            report={**BIJOU_EXPERIENCE_REPORT, "pages": 46, "annex_pages": 5},
        )
    )
    assert finding(total, "REPORT_TOO_LONG")["detail"] == ["total_pages"]


@cites(BIJOU, "report-format", "§1")
def test_a3_at_most_paragraph_1() -> None:
    assert (
        finding(
            judge(dossier(BIJOU, report={**GOOD, "page_format": "larger"})),
            "REPORT_FORMAT_TOO_LARGE",
        )["severity"]
        == "warning"
    )
    assert "REPORT_FORMAT_TOO_LARGE" not in codes(
        judge(dossier(BIJOU, report={**GOOD, "page_format": "A3"}))
    )


@cites(BIJOU, "reduction", "§1")
def test_reduction_by_the_recteur_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[period("2027-01-04", weeks=8)],
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "positionnement",
                    "decided_by": "recteur",
                    "weeks": 8,
                }
            ],
        )
    )
    assert result["weeks_required"]["min"] == 8 and result["status"] == "compliant"


@cites(BIJOU, "dispense", "§1")
def test_dispense_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[],
            report=None,
            derogations=[{"kind": "dispense", "reason": "vae", "decided_by": "recteur"}],
        )
    )
    assert result["status"] == "compliant"


@cites(BIJOU, "derogation-authority", "§1")
def test_derogation_authority_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "amenagement",
                    "decided_by": "equipe-pedagogique",
                    "weeks": 6,
                }
            ],
        )
    )
    assert "DEROGATION_NOT_BY_RECTEUR" in codes(result)


@cites(BIJOU, "partial", "§1")
def test_partial_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[period("2027-01-04", weeks=6)],
            derogations=[{"kind": "partial", "reason": "force-majeure", "decided_by": "recteur"}],
        )
    )
    assert "PARTIAL_STAGE_AUTHORISED" in codes(result) and result["status"] == "compliant"
