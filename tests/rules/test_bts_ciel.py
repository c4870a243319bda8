"""BTS CIEL — seed 003_f06874f93b6cc55f.txt, rule by rule."""

from tests.rules.builders import (
    GOOD_REPORTS,
    cites,
    codes,
    dossier,
    finding,
    judge,
    period,
    report,
)

CIEL = "bts-ciel"


@cites(CIEL, "duration", "§1")
def test_six_to_eight_weeks_are_required_by_paragraph_1() -> None:
    short = judge(dossier(CIEL, periods=[period("2027-05-31", weeks=5)]))
    assert short["status"] == "non-compliant"
    below = finding(short, "DURATION_BELOW_MINIMUM")
    assert below["severity"] == "blocking"
    assert below["ref"] == "003_f06874f93b6cc55f.txt §1"
    assert "5 semaines effectuées sur 6 requises" in below["message"]
    assert "annexe BTS CIEL, §1" in below["message"]

    exact = judge(dossier(CIEL, periods=[period("2027-05-31", weeks=6)]))
    assert exact["status"] == "compliant" and exact["weeks_completed"] == 6.0
    assert exact["weeks_required"] == {"min": 6, "max": 8}

    long = judge(dossier(CIEL, periods=[period("2027-05-03", weeks=9)]))
    above = finding(long, "DURATION_ABOVE_MAXIMUM")
    assert above["severity"] == "warning"
    assert long["status"] == "compliant"


@cites(CIEL, "overlap", "§1")
def test_overlapping_periods_count_their_shared_days_once_paragraph_1() -> None:
    result = judge(
        dossier(CIEL, periods=[period("2027-05-31", weeks=4), period("2027-06-21", weeks=4)])
    )
    assert finding(result, "PERIODS_OVERLAP")["severity"] == "warning"
    assert finding(result, "PERIODS_OVERLAP")["detail"] == [[0, 1]]
    assert result["weeks_completed"] == 7.0  # 31 May – 16 July, not 8


@cites(CIEL, "convention", "§2.1.1")
def test_each_period_needs_a_signed_convention_paragraph_2_1_1() -> None:
    result = judge(dossier(CIEL, periods=[period("2027-05-31", weeks=7, convention_signed=False)]))
    missing = finding(result, "CONVENTION_MISSING")
    assert missing["severity"] == "blocking" and missing["detail"] == [0]
    assert result["status"] == "non-compliant"

    planned = judge(
        dossier(
            CIEL,
            as_of="2027-05-01",
            report=None,
            periods=[period("2027-05-31", weeks=7, convention_signed=False, certificate=False)],
        )
    )
    assert finding(planned, "CONVENTION_MISSING")["severity"] == "warning"
    assert planned["status"] == "pending"


@cites(CIEL, "certificate", "§2.1.2")
def test_no_certificate_no_exam_paragraph_2_1_2() -> None:
    result = judge(dossier(CIEL, periods=[period("2027-05-31", weeks=7, certificate=False)]))
    assert finding(result, "CERTIFICATE_MISSING")["severity"] == "blocking"
    assert result["weeks_completed"] == 0.0  # an unattested period does not count
    assert "DURATION_BELOW_MINIMUM" in codes(result)


@cites(CIEL, "evaluation", "§2.1.4")
def test_fiche_d_appreciation_is_required_once_the_stage_is_over_paragraph_2_1_4() -> None:
    result = judge(dossier(CIEL, evaluation=False))
    assert finding(result, "EVALUATION_MISSING")["severity"] == "blocking"
    during = judge(dossier(CIEL, evaluation=False, as_of="2027-06-15", report=None))
    assert "EVALUATION_MISSING" not in codes(during)
    assert during["status"] == "pending"


@cites(CIEL, "apprenticeship-evidence", "§2.2")
def test_apprentices_replace_the_certificate_by_their_contract_paragraph_2_2() -> None:
    without = judge(dossier(CIEL, pathway="apprentissage", periods=[]))
    assert finding(without, "APPRENTICESHIP_EVIDENCE_MISSING")["severity"] == "blocking"
    with_contract = judge(
        dossier(CIEL, pathway="apprentissage", periods=[], apprenticeship_evidence=True)
    )
    assert with_contract["status"] == "compliant"
    assert with_contract["weeks_required"] == {"min": 0, "max": None}
    assert "CERTIFICATE_MISSING" not in codes(with_contract)


@cites(CIEL, "work-experience", "§2.3.2")
def test_perfectionnement_six_months_full_time_or_one_year_part_time_paragraph_2_3_2() -> None:
    base = {
        "pathway": "formation-continue",
        "continuing_situation": "perfectionnement",
        "periods": [],
    }
    six_months = [
        {"start": "2027-06-01", "end": "2027-11-30", "full_time": True, "in_sector": True}
    ]
    assert judge(dossier(CIEL, **base, work_certificates=six_months))["status"] == "compliant"

    five_months = [
        {"start": "2027-06-01", "end": "2027-10-31", "full_time": True, "in_sector": True}
    ]
    short = judge(dossier(CIEL, **base, work_certificates=five_months))
    assert finding(short, "WORK_EXPERIENCE_INSUFFICIENT")["severity"] == "blocking"

    part_time_year = [
        {"start": "2026-07-01", "end": "2027-06-30", "full_time": False, "in_sector": True}
    ]
    assert judge(dossier(CIEL, **base, work_certificates=part_time_year))["status"] == "compliant"

    out_of_sector = [
        {"start": "2027-06-01", "end": "2028-05-31", "full_time": True, "in_sector": False}
    ]
    assert "WORK_EXPERIENCE_INSUFFICIENT" in codes(
        judge(dossier(CIEL, **base, work_certificates=out_of_sector))
    )

    # "peut être remplacé": a full, attested stage remains acceptable
    stage = judge(dossier(CIEL, **{**base, "periods": [period("2027-05-31", weeks=7)]}))
    assert "WORK_EXPERIENCE_INSUFFICIENT" not in codes(stage)


@cites(CIEL, "work-certificates", "§2.5")
def test_professional_experience_needs_work_certificates_paragraph_2_5() -> None:
    without = judge(dossier(CIEL, pathway="experience-professionnelle", periods=[]))
    assert finding(without, "WORK_CERTIFICATES_MISSING")["severity"] == "blocking"
    certificates = [
        {"start": "2020-01-01", "end": "2024-12-31", "full_time": True, "in_sector": True}
    ]
    assert (
        judge(
            dossier(
                CIEL,
                pathway="experience-professionnelle",
                periods=[],
                work_certificates=certificates,
            )
        )["status"]
        == "compliant"
    )


@cites(CIEL, "report-deposit", "§2.1.3")
def test_report_deposit_and_deadline_paragraph_2_1_3() -> None:
    missing = judge(dossier(CIEL, report=None))
    assert finding(missing, "REPORT_MISSING")["severity"] == "blocking"
    not_due = judge(dossier(CIEL, report=None, as_of="2028-04-01"))
    assert not_due["status"] == "pending" and "REPORT_MISSING" not in codes(not_due)
    on_deadline_day = judge(dossier(CIEL, report=None, as_of="2028-06-01"))
    assert on_deadline_day["status"] == "pending"  # the exam date is the default deadline
    late = judge(dossier(CIEL, report={**GOOD_REPORTS[CIEL], "submitted_on": "2028-04-08"}))
    assert finding(late, "REPORT_LATE")["severity"] == "blocking"
    undeposited = judge(dossier(CIEL, report={**GOOD_REPORTS[CIEL], "submitted_on": None}))
    assert "REPORT_MISSING" in codes(undeposited)


@cites(CIEL, "report-pages", "§2.1.3")
def test_report_limited_to_thirty_pages_paragraph_2_1_3() -> None:
    result = judge(dossier(CIEL, report={**GOOD_REPORTS[CIEL], "pages": 31}))
    too_long = finding(result, "REPORT_TOO_LONG")
    assert too_long["severity"] == "warning" and too_long["detail"] == ["pages"]
    assert result["status"] == "compliant"


@cites(CIEL, "report-sections", "§2.1.3")
def test_report_presents_company_activities_conclusion_paragraph_2_1_3() -> None:
    result = judge(
        dossier(CIEL, report={**GOOD_REPORTS[CIEL], "sections": ["presentation", "activities"]})
    )
    assert finding(result, "REPORT_SECTION_MISSING")["detail"] == ["conclusion"]


@cites(CIEL, "report-english-documents", "§2.1.3")
def test_one_technical_and_two_press_documents_in_english_paragraph_2_1_3() -> None:
    two = [{"kind": "technical"}, {"kind": "press"}]
    result = judge(dossier(CIEL, report={**GOOD_REPORTS[CIEL], "english_documents": two}))
    assert finding(result, "REPORT_ENGLISH_DOCUMENTS")["detail"] == {"technical": 1, "press": 1}
    wrong_mix = [{"kind": "technical"}, {"kind": "technical"}, {"kind": "press"}]
    assert "REPORT_ENGLISH_DOCUMENTS" in codes(
        judge(
            dossier(CIEL, report=report(**{**GOOD_REPORTS[CIEL], "english_documents": wrong_mix}))
        )
    )


@cites(CIEL, "reduction", "§3")
def test_reduction_cannot_go_below_four_weeks_paragraph_3() -> None:
    reduced = judge(
        dossier(
            CIEL,
            periods=[period("2027-05-31", weeks=5)],
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "positionnement",
                    "decided_by": "recteur",
                    "weeks": 5,
                }
            ],
        )
    )
    assert reduced["weeks_required"]["min"] == 5 and reduced["status"] == "compliant"
    floor = judge(
        dossier(
            CIEL,
            periods=[period("2027-05-31", weeks=3)],
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "force-majeure",
                    "decided_by": "recteur",
                    "weeks": 2,
                }
            ],
        )
    )
    assert finding(floor, "REDUCTION_BELOW_FLOOR")["severity"] == "warning"
    assert floor["weeks_required"]["min"] == 4
    assert "DURATION_BELOW_MINIMUM" in codes(floor)


@cites(CIEL, "dispense", "§3")
def test_a_dispense_removes_the_stage_paragraph_3() -> None:
    result = judge(
        dossier(
            CIEL,
            periods=[],
            report=None,
            evaluation=False,
            derogations=[{"kind": "dispense", "reason": "vae", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "STAGE_DISPENSED")["severity"] == "info"
    assert result["weeks_required"] == {"min": 0, "max": None}
    assert result["status"] == "compliant"


@cites(CIEL, "derogation-authority", "§3")
def test_only_the_recteur_validates_derogations_paragraph_3() -> None:
    result = judge(
        dossier(
            CIEL,
            periods=[],
            derogations=[{"kind": "dispense", "reason": "vae", "decided_by": "chef-etablissement"}],
        )
    )
    assert finding(result, "DEROGATION_NOT_BY_RECTEUR")["severity"] == "warning"
    assert "STAGE_DISPENSED" not in codes(result)
    assert "DURATION_BELOW_MINIMUM" in codes(result)  # the dispense is ignored


@cites(CIEL, "partial", "§3")
def test_partial_stage_authorised_by_the_recteur_paragraph_3() -> None:
    result = judge(
        dossier(
            CIEL,
            periods=[period("2027-05-31", weeks=3)],
            derogations=[{"kind": "partial", "reason": "force-majeure", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "warning"
    assert finding(result, "PARTIAL_STAGE_AUTHORISED")["severity"] == "info"
    assert result["status"] == "compliant"


@cites(CIEL, "repeater", "§4")
def test_repeater_presenting_the_previous_report_is_not_rejudged_on_duration_paragraph_4() -> None:
    reuse = judge(
        dossier(CIEL, periods=[], repeater={"previous_session": 2027, "report": "modified"})
    )
    assert "DURATION_BELOW_MINIMUM" not in codes(reuse)
    new = judge(dossier(CIEL, periods=[], repeater={"previous_session": 2027, "report": "new"}))
    assert "DURATION_BELOW_MINIMUM" in codes(new)
