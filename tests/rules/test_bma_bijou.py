"""Brevet des métiers d'art, bijou — seed 004_5ec5dbab818e0c18.txt, rule by rule."""

from tests.rules.builders import (
    BIJOU_EXPERIENCE_REPORT,
    GOOD_REPORTS,
    cites,
    codes,
    continuing,
    dossier,
    finding,
    judge,
    period,
    special_contract,
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


# --- contract v1.1 -----------------------------------------------------------------------------


@cites(BIJOU, "spread", "§préambule")
def test_the_stage_is_spread_over_the_two_years_paragraph_preambule() -> None:
    year_one = [period("2027-01-04", weeks=6), period("2027-05-03", weeks=6)]
    result = judge(dossier(BIJOU, periods=year_one))
    spread = finding(result, "PERIODS_NOT_SPREAD")
    assert (
        spread["severity"] == "warning" and spread["ref"] == "004_5ec5dbab818e0c18.txt §préambule"
    )
    assert "première année" in spread["message"]
    assert result["status"] == "compliant" and result["weeks_completed"] == 12.0

    year_two = [period("2027-09-13", weeks=6), period("2028-01-03", weeks=6)]
    assert "PERIODS_NOT_SPREAD" in codes(judge(dossier(BIJOU, periods=year_two)))
    # one period a year, or none at all: nothing to say
    assert "PERIODS_NOT_SPREAD" not in codes(judge(dossier(BIJOU)))
    assert "PERIODS_NOT_SPREAD" not in codes(
        judge(dossier(BIJOU, pathway="apprentissage", periods=[], apprenticeship_evidence=True))
    )
    # year 1 is the twelve months from training start: 6 September 2027 is still year 1
    edge = [period("2027-01-04", weeks=6), period("2027-09-06", weeks=6)]
    assert "PERIODS_NOT_SPREAD" in codes(judge(dossier(BIJOU, periods=edge)))
    edge = [period("2027-01-04", weeks=6), period("2027-09-07", "2027-10-15")]
    assert "PERIODS_NOT_SPREAD" not in codes(judge(dossier(BIJOU, periods=edge)))


def test_while_year_one_runs_the_warning_says_a_second_year_period_is_to_plan() -> None:
    result = judge(
        dossier(BIJOU, as_of="2027-03-01", report=None, periods=[period("2027-01-04", weeks=6)])
    )
    assert "seconde année reste à prévoir" in finding(result, "PERIODS_NOT_SPREAD")["message"]


@cites(BIJOU, "convention-timing", "§1")
def test_a_convention_signed_after_the_first_day_paragraph_1() -> None:
    periods = [
        period("2027-01-04", weeks=6, convention_signed_on="2027-01-05"),
        period("2028-01-03", weeks=6),
    ]
    result = judge(dossier(BIJOU, periods=periods))
    assert finding(result, "CONVENTION_SIGNED_LATE")["ref"] == "004_5ec5dbab818e0c18.txt §1"
    assert result["status"] == "compliant"


@cites(BIJOU, "special-contract", "§3.a")
def test_a_special_contract_includes_the_stage_when_activities_fit_paragraph_3a() -> None:
    contracts = [special_contract("2027-01-04", weeks=6), special_contract("2028-01-03", weeks=6)]
    counted = judge(dossier(BIJOU, **continuing("premiere-formation"), periods=contracts))
    assert counted["status"] == "compliant" and counted["weeks_completed"] == 12.0
    # the school candidates' dossier: each period keeps its training contract and bilan
    without_bilan = [contracts[0], {**contracts[1], "bilan": False}]
    result = judge(dossier(BIJOU, **continuing("premiere-formation"), periods=without_bilan))
    assert finding(result, "BILAN_MISSING")["detail"] == [1]
    unconfirmed = judge(
        dossier(
            BIJOU,
            **continuing("premiere-formation"),
            periods=[contracts[0], {**contracts[1], "activities_fit": False}],
        )
    )
    assert finding(unconfirmed, "SPECIAL_CONTRACT_NOT_CONFIRMED")["detail"] == [1]
    assert unconfirmed["weeks_completed"] == 6.0
    # the period left out does not spread the stage either
    assert "PERIODS_NOT_SPREAD" in codes(unconfirmed)


@cites(BIJOU, "evidenced-periods", "§3.b")
def test_perfectionnement_periods_count_only_with_convention_and_attestation_paragraph_3b() -> None:
    periods = [
        period("2027-01-04", weeks=6),
        period("2028-01-03", weeks=6, certificate=False, convention_signed=False),
    ]
    result = judge(
        dossier(
            BIJOU,
            **PERFECTIONNEMENT,
            work_certificates=RECENT_WORK,
            report=BIJOU_EXPERIENCE_REPORT,
        )
        | {"periods": periods}
    )
    assert result["weeks_completed"] == 6.0
    # the unevidenced period raises nothing; the one left is in year 1 only
    assert codes(result) == {"PERIODS_NOT_SPREAD"} and result["status"] == "compliant"


@cites(BIJOU, "partial-reason", "§1")
def test_partial_training_only_for_force_majeure_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[period("2027-01-04", weeks=6), period("2028-01-03", weeks=2)],
            derogations=[{"kind": "partial", "reason": "other", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DEROGATION_REASON_NOT_APPLICABLE")["ref"].endswith("§1")
    assert result["status"] == "non-compliant"


@cites(BIJOU, "reduction-reason", "§1")
def test_reduction_only_for_force_majeure_amenagement_or_positionnement_paragraph_1() -> None:
    result = judge(
        dossier(
            BIJOU,
            periods=[period("2027-01-04", weeks=4), period("2028-01-03", weeks=4)],
            derogations=[
                {"kind": "reduction", "reason": "vae", "decided_by": "recteur", "weeks": 8}
            ],
        )
    )
    assert "DEROGATION_REASON_NOT_APPLICABLE" in codes(result)
    assert result["weeks_required"]["min"] == 12 and result["status"] == "non-compliant"


@cites(BIJOU, "repeater-contract", "§2")
def test_apprentice_repeater_contract_paragraph_2() -> None:
    base = {"pathway": "apprentissage", "periods": [], "apprenticeship_evidence": True}
    missing = judge(dossier(BIJOU, **base, repeater={"previous_session": 2027, "report": "new"}))
    assert finding(missing, "APPRENTICESHIP_EVIDENCE_MISSING")["ref"].endswith("§2")
    extended = judge(
        dossier(
            BIJOU,
            **base,
            repeater={"previous_session": 2027, "report": "new", "contract": "extended"},
        )
    )
    assert extended["status"] == "compliant"
