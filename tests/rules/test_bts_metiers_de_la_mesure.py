"""BTS Métiers de la Mesure — seed 001_28b7b0ff3390b6a1.txt, rule by rule."""

from typing import Any

from tests.rules.builders import (
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

MM = "bts-metiers-de-la-mesure"
GOOD = GOOD_REPORTS[MM]


@cites(MM, "duration", "§3")
def test_twelve_weeks_minimum_and_no_maximum_paragraph_3() -> None:
    short = judge(dossier(MM, periods=[period("2027-05-03", weeks=11)]))
    below = finding(short, "DURATION_BELOW_MINIMUM")
    assert below["severity"] == "blocking" and below["ref"] == "001_28b7b0ff3390b6a1.txt §3"
    assert (
        "11 semaines effectuées sur 12 requises (annexe BTS Métiers de la Mesure, §3)"
        in below["message"]
    )
    long = judge(dossier(MM, periods=[period("2027-04-05", weeks=16)]))
    assert long["status"] == "compliant" and long["weeks_required"] == {"min": 12, "max": None}


def test_figures_in_the_message_use_a_french_decimal_comma() -> None:
    # 11 weeks and 2 days = 11,4 weeks
    result = judge(dossier(MM, periods=[period("2027-05-03", "2027-07-20")]))
    assert (
        "11,4 semaines effectuées sur 12 requises"
        in finding(result, "DURATION_BELOW_MINIMUM")["message"]
    )
    assert result["weeks_completed"] == 11.4


@cites(MM, "overlap", "§3")
def test_overlap_is_reported_and_counted_once_paragraph_3() -> None:
    result = judge(
        dossier(MM, periods=[period("2027-05-03", weeks=12), period("2027-05-10", weeks=1)])
    )
    assert "PERIODS_OVERLAP" in codes(result)
    assert result["weeks_completed"] == 12.0


@cites(MM, "convention", "§2.1.1")
def test_each_period_has_a_convention_paragraph_2_1_1() -> None:
    result = judge(dossier(MM, periods=[period("2027-05-03", weeks=12, convention_signed=False)]))
    assert finding(result, "CONVENTION_MISSING")["severity"] == "blocking"
    distance = judge(
        dossier(
            MM, distance=True, periods=[period("2027-05-03", weeks=12, convention_signed=False)]
        )
    )
    assert "CONVENTION_MISSING" in codes(distance)  # §2.4: distance learners follow their pathway


@cites(MM, "certificate", "§2.1.2")
def test_certificate_is_required_for_e61_paragraph_2_1_2() -> None:
    result = judge(dossier(MM, periods=[period("2027-05-03", weeks=12, certificate=False)]))
    assert finding(result, "CERTIFICATE_MISSING")["severity"] == "blocking"
    assert result["status"] == "non-compliant"


@cites(MM, "evaluation", "§2.1.4")
def test_evaluation_grid_paragraph_2_1_4() -> None:
    assert (
        finding(judge(dossier(MM, evaluation=False)), "EVALUATION_MISSING")["severity"]
        == "blocking"
    )
    apprentice = judge(
        dossier(
            MM, pathway="apprentissage", periods=[], apprenticeship_evidence=True, evaluation=False
        )
    )
    assert "EVALUATION_MISSING" in codes(apprentice)  # §2.2: same supports as scolaire


@cites(MM, "apprenticeship-evidence", "§2.2")
def test_apprentice_contract_copy_or_employer_attestation_paragraph_2_2() -> None:
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(
        judge(dossier(MM, pathway="apprentissage", periods=[]))
    )


@cites(MM, "work-experience", "§2.3.2")
def test_perfectionnement_work_certificates_paragraph_2_3_2() -> None:
    certificates = [
        {"start": "2026-01-01", "end": "2027-12-31", "full_time": False, "in_sector": True}
    ]
    ok = judge(
        dossier(
            MM,
            pathway="formation-continue",
            continuing_situation="perfectionnement",
            periods=[],
            work_certificates=certificates,
        )
    )
    assert ok["status"] == "compliant"
    old = [{"start": "2020-01-01", "end": "2025-12-31", "full_time": True, "in_sector": True}]
    result = judge(
        dossier(
            MM,
            pathway="formation-continue",
            continuing_situation="perfectionnement",
            periods=[],
            work_certificates=old,
        )
    )
    assert (
        finding(result, "WORK_EXPERIENCE_INSUFFICIENT")["ref"] == "001_28b7b0ff3390b6a1.txt §2.3.2"
    )


def test_first_training_and_retraining_do_the_twelve_week_stage_paragraph_2_3_1() -> None:
    for situation in ("premiere-formation", "reconversion"):
        result = judge(
            dossier(
                MM,
                pathway="formation-continue",
                continuing_situation=situation,
                periods=[period("2027-05-03", weeks=8)],
            )
        )
        assert result["weeks_required"]["min"] == 12
        assert "DURATION_BELOW_MINIMUM" in codes(result)


@cites(MM, "work-certificates", "§2.5")
def test_professional_experience_pathway_paragraph_2_5() -> None:
    assert "WORK_CERTIFICATES_MISSING" in codes(
        judge(dossier(MM, pathway="experience-professionnelle", periods=[]))
    )


@cites(MM, "report-deposit", "§4")
def test_missing_or_late_report_is_non_conformity_paragraph_4() -> None:
    assert (
        finding(judge(dossier(MM, report=None)), "REPORT_MISSING")["ref"]
        == "001_28b7b0ff3390b6a1.txt §4"
    )
    late = judge(
        dossier(MM, report={**GOOD, "submitted_on": "2028-04-20", "deadline": "2028-04-14"})
    )
    assert finding(late, "REPORT_LATE")["severity"] == "blocking"
    assert late["status"] == "non-compliant"


@cites(MM, "report-pages", "§2.1.3")
def test_fifty_pages_at_most_annexes_excluded_paragraph_2_1_3() -> None:
    assert (
        finding(judge(dossier(MM, report={**GOOD, "pages": 51})), "REPORT_TOO_LONG")["severity"]
        == "blocking"
    )
    assert "REPORT_TOO_LONG" not in codes(
        judge(dossier(MM, report={**GOOD, "pages": 50, "annex_pages": 40}))
    )


@cites(MM, "report-sections", "§2.1.3")
def test_mandatory_parts_of_the_report_paragraph_2_1_3() -> None:
    sections = [s for s in GOOD["sections"] if s not in ("english-summary", "qsse-example")]
    result = judge(dossier(MM, report={**GOOD, "sections": sections}))
    missing = finding(result, "REPORT_SECTION_MISSING")
    assert (
        missing["detail"] == ["english-summary", "qsse-example"]
        and missing["severity"] == "blocking"
    )


@cites(MM, "report-legal-analysis-length", "§2.1.3")
def test_legal_analysis_between_two_and_four_pages_paragraph_2_1_3() -> None:
    for pages, expected in ((1, True), (2, False), (4, False), (5, True)):
        result = judge(
            dossier(
                MM, report={**GOOD, "section_pages": {"legal-analysis": pages, "qsse-example": 2}}
            )
        )
        assert ("REPORT_SECTION_LENGTH" in codes(result)) is expected, pages


@cites(MM, "report-qsse-length", "§2.1.3")
def test_qsse_example_four_pages_at_most_paragraph_2_1_3() -> None:
    result = judge(
        dossier(MM, report={**GOOD, "section_pages": {"legal-analysis": 3, "qsse-example": 5}})
    )
    assert finding(result, "REPORT_SECTION_LENGTH")["detail"] == ["qsse-example"]


@cites(MM, "report-endorsement", "§2.1.3")
def test_report_endorsed_by_the_host_paragraph_2_1_3() -> None:
    assert (
        finding(
            judge(dossier(MM, report={**GOOD, "endorsed_by_host": False})), "REPORT_NOT_ENDORSED"
        )["severity"]
        == "blocking"
    )
    unendorsed = {**GOOD, "endorsed_by_host": False}
    # where there is a host: the apprentice's employer, the continuing-education stage's host
    hosted: list[dict[str, Any]] = [
        {"pathway": "apprentissage", "periods": [], "apprenticeship_evidence": True},
        {**continuing("premiere-formation")},
        {**continuing("reconversion")},
    ]
    for fields in hosted:
        result = judge(dossier(MM, **fields, report=unendorsed))
        assert "REPORT_NOT_ENDORSED" in codes(result), fields
    # issue 11: no host structure, no visa (perfectionnement, professional experience)
    work = [{"start": "2026-01-01", "end": "2027-12-31", "full_time": True, "in_sector": True}]
    hostless: list[dict[str, Any]] = [
        {**continuing("perfectionnement"), "periods": [], "work_certificates": work},
        {"pathway": "experience-professionnelle", "periods": [], "work_certificates": work},
    ]
    for fields in hostless:
        result = judge(dossier(MM, **fields, report=unendorsed))
        assert result["status"] == "compliant" and codes(result) == set(), fields


@cites(MM, "reduction", "§3")
def test_reduction_floor_eight_weeks_paragraph_3() -> None:
    result = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=8)],
            derogations=[
                {"kind": "reduction", "reason": "amenagement", "decided_by": "recteur", "weeks": 6}
            ],
        )
    )
    assert "REDUCTION_BELOW_FLOOR" in codes(result)
    assert result["weeks_required"]["min"] == 8 and result["status"] == "compliant"


@cites(MM, "dispense", "§3")
def test_vae_dispense_paragraph_3() -> None:
    result = judge(
        dossier(
            MM,
            periods=[],
            report=None,
            derogations=[{"kind": "dispense", "reason": "vae", "decided_by": "recteur"}],
        )
    )
    assert result["status"] == "compliant" and "STAGE_DISPENSED" in codes(result)


@cites(MM, "derogation-authority", "§3")
def test_reduction_by_the_school_is_ignored_paragraph_3() -> None:
    result = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=9)],
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "amenagement",
                    "decided_by": "equipe-pedagogique",
                    "weeks": 9,
                }
            ],
        )
    )
    assert "DEROGATION_NOT_BY_RECTEUR" in codes(result)
    assert result["weeks_required"]["min"] == 12 and result["status"] == "non-compliant"


@cites(MM, "partial", "§2.1.2")
def test_force_majeure_partial_stage_paragraph_2_1_2() -> None:
    result = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=6)],
            derogations=[{"kind": "partial", "reason": "force-majeure", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "warning"
    assert result["status"] == "compliant"
    not_recteur = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=6)],
            derogations=[
                {"kind": "partial", "reason": "force-majeure", "decided_by": "chef-etablissement"}
            ],
        )
    )
    assert finding(not_recteur, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"


@cites(MM, "repeater", "§5")
def test_repeater_may_present_the_previous_report_paragraph_5() -> None:
    reuse = judge(dossier(MM, periods=[], repeater={"previous_session": 2027, "report": "reuse"}))
    assert reuse["status"] == "compliant"
    new = judge(dossier(MM, periods=[], repeater={"previous_session": 2027, "report": "new"}))
    assert "DURATION_BELOW_MINIMUM" in codes(new)


# --- contract v1.1 -----------------------------------------------------------------------------


@cites(MM, "special-contract", "§2.3.1")
def test_the_stage_is_included_in_a_special_contract_whose_activities_fit_paragraph_2_3_1() -> None:
    counted = judge(
        dossier(
            MM,
            **continuing("premiere-formation"),
            periods=[special_contract("2027-03-01", weeks=12)],
        )
    )
    assert counted["status"] == "compliant" and counted["weeks_completed"] == 12.0
    unconfirmed = judge(
        dossier(
            MM,
            **continuing("premiere-formation"),
            periods=[special_contract("2027-03-01", weeks=12, activities_fit=False)],
        )
    )
    assert finding(unconfirmed, "SPECIAL_CONTRACT_NOT_CONFIRMED")["ref"].endswith("§2.3.1")
    assert unconfirmed["weeks_completed"] == 0.0 and unconfirmed["status"] == "non-compliant"


@cites(MM, "evidenced-periods", "§2.3.2")
def test_perfectionnement_periods_count_only_with_convention_and_certificate_paragraph_2_3_2() -> (
    None
):
    old = [{"start": "2020-01-01", "end": "2025-12-31", "full_time": True, "in_sector": True}]
    bare = period("2027-05-03", weeks=12, convention_signed=False, certificate=False)
    result = judge(
        dossier(MM, **continuing("perfectionnement"), periods=[bare], work_certificates=old)
    )
    assert result["weeks_completed"] == 0.0 and result["status"] == "non-compliant"
    assert codes(result) == {"WORK_EXPERIENCE_INSUFFICIENT"}
    stage = judge(
        dossier(
            MM,
            **continuing("perfectionnement"),
            periods=[period("2027-05-03", weeks=12)],
            work_certificates=old,
        )
    )
    assert stage["weeks_completed"] == 12.0 and stage["status"] == "compliant"


@cites(MM, "convention-timing", "§2.1.1")
def test_a_convention_signed_after_the_period_began_paragraph_2_1_1() -> None:
    result = judge(
        dossier(MM, periods=[period("2027-05-03", weeks=12, convention_signed_on="2027-05-04")])
    )
    late = finding(result, "CONVENTION_SIGNED_LATE")
    assert late["severity"] == "warning" and late["ref"] == "001_28b7b0ff3390b6a1.txt §2.1.1"
    assert result["status"] == "compliant"


@cites(MM, "partial-reason", "§2.1.2")
def test_partial_stage_only_for_force_majeure_paragraph_2_1_2() -> None:
    result = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=6)],
            derogations=[{"kind": "partial", "reason": "amenagement", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DEROGATION_REASON_NOT_APPLICABLE")["ref"].endswith("§2.1.2")
    assert "PARTIAL_STAGE_AUTHORISED" not in codes(result)
    assert result["status"] == "non-compliant"


@cites(MM, "reduction-reason", "§3")
def test_reduction_only_for_the_three_reasons_of_paragraph_3() -> None:
    result = judge(
        dossier(
            MM,
            periods=[period("2027-05-03", weeks=9)],
            derogations=[
                {"kind": "reduction", "reason": "vae", "decided_by": "recteur", "weeks": 9}
            ],
        )
    )
    unfit = finding(result, "DEROGATION_REASON_NOT_APPLICABLE")
    assert unfit["ref"] == "001_28b7b0ff3390b6a1.txt §3" and "« VAE »" in unfit["message"]
    assert result["weeks_required"]["min"] == 12 and result["status"] == "non-compliant"


@cites(MM, "repeater-evaluation", "§5")
def test_the_previous_grid_goes_with_the_previous_report_paragraph_5() -> None:
    for pathway in ("scolaire", "apprentissage"):
        result = judge(
            dossier(
                MM,
                pathway=pathway,
                apprenticeship_evidence=True,
                evaluation=False,
                repeater={
                    "previous_session": 2027,
                    "report": "modified",
                    "previous_evaluation": True,
                    "contract": "extended",
                },
            )
        )
        assert "EVALUATION_MISSING" not in codes(result), pathway
        assert result["status"] == "compliant"


@cites(MM, "repeater-contract", "§5")
def test_apprentice_repeaters_present_an_extended_or_new_contract_paragraph_5() -> None:
    base = {"pathway": "apprentissage", "periods": [], "apprenticeship_evidence": True}
    result = judge(dossier(MM, **base, repeater={"previous_session": 2027, "report": "new"}))
    assert finding(result, "APPRENTICESHIP_EVIDENCE_MISSING")["ref"].endswith("§5")
    new_employer = judge(
        dossier(
            MM,
            **base,
            repeater={"previous_session": 2027, "report": "new", "contract": "new-employer"},
        )
    )
    assert new_employer["status"] == "compliant"
