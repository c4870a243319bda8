"""BTS CIEL — seed 003_f06874f93b6cc55f.txt, rule by rule."""

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
    report,
    special_contract,
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


# --- contract v1.1 -----------------------------------------------------------------------------

RECENT_WORK = [{"start": "2027-06-01", "end": "2027-11-30", "full_time": True, "in_sector": True}]


@cites(CIEL, "special-contract", "§2.3.1")
def test_a_special_contract_period_is_the_stage_when_its_activities_fit_paragraph_2_3_1() -> None:
    for situation in ("premiere-formation", "reconversion"):
        counted = judge(
            dossier(
                CIEL, **continuing(situation), periods=[special_contract("2027-03-01", weeks=7)]
            )
        )
        assert counted["status"] == "compliant" and counted["weeks_completed"] == 7.0
        assert not codes(counted) & {"CONVENTION_MISSING", "CERTIFICATE_MISSING"}

    unconfirmed = judge(
        dossier(
            CIEL,
            **continuing("reconversion"),
            periods=[special_contract("2027-03-01", weeks=7, activities_fit=False)],
        )
    )
    warning = finding(unconfirmed, "SPECIAL_CONTRACT_NOT_CONFIRMED")
    assert warning["severity"] == "warning" and warning["detail"] == [0]
    assert warning["ref"] == "003_f06874f93b6cc55f.txt §2.3.1"
    assert "période 1 (01/03/2027 – 16/04/2027)" in warning["message"]
    assert unconfirmed["weeks_completed"] == 0.0
    assert finding(unconfirmed, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"


def test_an_unconfirmed_special_contract_is_left_out_of_the_whole_judgement() -> None:
    # planned, overlapping a stage period: neither pending nor an overlap
    result = judge(
        dossier(
            CIEL,
            **continuing("premiere-formation"),
            periods=[
                period("2027-05-31", weeks=7),
                special_contract("2027-06-07", "2028-12-31", activities_fit=False),
            ],
        )
    )
    assert result["status"] == "compliant" and result["weeks_completed"] == 7.0
    assert codes(result) == {"SPECIAL_CONTRACT_NOT_CONFIRMED"}


def test_a_special_contract_counts_for_no_other_pathway_and_raises_nothing() -> None:
    for fields in ({"pathway": "scolaire"}, continuing("perfectionnement")):
        result = judge(
            dossier(
                CIEL,
                **fields,
                periods=[special_contract("2027-03-01", weeks=7)],
                work_certificates=RECENT_WORK,
            )
        )
        assert result["weeks_completed"] == 0.0
        assert "SPECIAL_CONTRACT_NOT_CONFIRMED" not in codes(result)
        assert "CONVENTION_MISSING" not in codes(result)


def test_a_counted_special_contract_that_is_not_over_keeps_the_dossier_pending() -> None:
    result = judge(
        dossier(
            CIEL,
            **continuing("reconversion"),
            as_of="2027-04-01",
            report=None,
            periods=[special_contract("2027-03-01", weeks=7)],
        )
    )
    assert result["status"] == "pending" and "PERIOD_NOT_FINISHED" in codes(result)


@cites(CIEL, "evidenced-periods", "§2.3.2")
def test_perfectionnement_counts_only_conventioned_certified_periods_paragraph_2_3_2() -> None:
    bare = period("2027-05-31", weeks=7, convention_signed=False, certificate=False)
    # issue 11: such a period no longer stands in for the work certificates
    alone = judge(dossier(CIEL, **continuing("perfectionnement"), periods=[bare]))
    assert alone["status"] == "non-compliant" and alone["weeks_completed"] == 0.0
    assert "WORK_EXPERIENCE_INSUFFICIENT" in codes(alone)
    assert not codes(alone) & {"CONVENTION_MISSING", "CERTIFICATE_MISSING"}

    lacks: list[dict[str, Any]] = [{"convention_signed": False}, {"certificate": False}]
    for lacking in lacks:
        half = judge(
            dossier(
                CIEL,
                **continuing("perfectionnement"),
                periods=[period("2027-05-31", weeks=7, **lacking)],
                work_certificates=RECENT_WORK,
            )
        )
        assert half["status"] == "compliant" and half["weeks_completed"] == 0.0
        assert codes(half) == set()

    full = judge(
        dossier(CIEL, **continuing("perfectionnement"), periods=[period("2027-05-31", weeks=7)])
    )
    assert full["status"] == "compliant" and full["weeks_completed"] == 7.0


def test_perfectionnement_planned_periods_without_certificate_raise_no_finding() -> None:
    result = judge(
        dossier(
            CIEL,
            **continuing("perfectionnement"),
            as_of="2027-06-15",
            periods=[period("2027-05-31", weeks=7, certificate=False)],
            work_certificates=RECENT_WORK,
            report=None,
        )
    )
    assert "PERIOD_NOT_FINISHED" not in codes(result)
    assert result["status"] == "pending"  # the report only is not yet due
    deposited = judge(
        dossier(
            CIEL,
            **continuing("perfectionnement"),
            as_of="2028-04-01",
            periods=[period("2028-03-27", weeks=7, certificate=False)],
            work_certificates=RECENT_WORK,
        )
    )
    assert deposited["status"] == "compliant" and codes(deposited) == set()


@cites(CIEL, "convention-timing", "§2.1.1")
def test_a_convention_signed_after_the_first_day_is_flagged_paragraph_2_1_1() -> None:
    late = judge(
        dossier(
            CIEL,
            periods=[
                period("2027-05-31", weeks=3, convention_signed_on="2027-05-28"),
                period("2027-06-21", weeks=4, convention_signed_on="2027-06-23"),
            ],
        )
    )
    flagged = finding(late, "CONVENTION_SIGNED_LATE")
    assert flagged["severity"] == "warning" and flagged["detail"] == [1]
    assert flagged["ref"] == "003_f06874f93b6cc55f.txt §2.1.1"
    assert "signée le 23/06/2027" in flagged["message"]
    assert late["status"] == "compliant" and late["weeks_completed"] == 7.0

    on_the_day = judge(
        dossier(CIEL, periods=[period("2027-05-31", weeks=7, convention_signed_on="2027-05-31")])
    )
    assert "CONVENTION_SIGNED_LATE" not in codes(on_the_day)


def test_a_late_convention_matters_only_where_a_convention_is_required() -> None:
    signed_late = period("2027-05-31", weeks=7, convention_signed_on="2027-06-15")
    for fields in (
        continuing("perfectionnement"),
        {"pathway": "apprentissage", "apprenticeship_evidence": True},
        {"pathway": "experience-professionnelle", "work_certificates": RECENT_WORK},
    ):
        result = judge(dossier(CIEL, **fields, periods=[signed_late]))
        assert "CONVENTION_SIGNED_LATE" not in codes(result), fields
    contract = special_contract("2027-05-31", weeks=7, convention_signed_on="2027-06-15")
    result = judge(dossier(CIEL, **continuing("reconversion"), periods=[contract]))
    assert "CONVENTION_SIGNED_LATE" not in codes(result)  # a work contract, not a convention


@cites(CIEL, "partial-reason", "§3")
def test_a_partial_stage_is_for_force_majeure_only_paragraph_3() -> None:
    short = [period("2027-05-31", weeks=4)]
    for reason in ("vae", "amenagement", "positionnement", "other"):
        result = judge(
            dossier(
                CIEL,
                periods=short,
                derogations=[{"kind": "partial", "reason": reason, "decided_by": "recteur"}],
            )
        )
        unfit = finding(result, "DEROGATION_REASON_NOT_APPLICABLE")
        assert unfit["severity"] == "warning" and unfit["detail"] == [0]
        assert unfit["ref"] == "003_f06874f93b6cc55f.txt §3"
        assert "PARTIAL_STAGE_AUTHORISED" not in codes(result)
        assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"


@cites(CIEL, "reduction-reason", "§3")
def test_a_reduction_is_for_force_majeure_amenagement_or_positionnement_paragraph_3() -> None:
    def reduced(reason: str) -> dict:
        return judge(
            dossier(
                CIEL,
                periods=[period("2027-05-31", weeks=5)],
                derogations=[
                    {"kind": "reduction", "reason": reason, "decided_by": "recteur", "weeks": 5}
                ],
            )
        )

    for reason in ("force-majeure", "amenagement", "positionnement"):
        assert reduced(reason)["weeks_required"]["min"] == 5
        assert reduced(reason)["status"] == "compliant"
    for reason in ("vae", "other"):
        result = reduced(reason)
        assert finding(result, "DEROGATION_REASON_NOT_APPLICABLE")["severity"] == "warning"
        assert result["weeks_required"]["min"] == 6  # ignored: the text's duration applies
        assert result["status"] == "non-compliant"


def test_a_dispense_stands_whatever_its_reason() -> None:
    for reason in ("vae", "other", "force-majeure"):
        result = judge(
            dossier(
                CIEL,
                periods=[],
                report=None,
                derogations=[{"kind": "dispense", "reason": reason, "decided_by": "recteur"}],
            )
        )
        assert "STAGE_DISPENSED" in codes(result)
        assert "DEROGATION_REASON_NOT_APPLICABLE" not in codes(result)


def test_a_derogation_wrong_on_both_counts_says_both() -> None:
    result = judge(
        dossier(
            CIEL,
            periods=[period("2027-05-31", weeks=4)],
            derogations=[{"kind": "partial", "reason": "vae", "decided_by": "chef-etablissement"}],
        )
    )
    assert {"DEROGATION_NOT_BY_RECTEUR", "DEROGATION_REASON_NOT_APPLICABLE"} <= codes(result)


@cites(CIEL, "repeater-evaluation", "§4")
def test_a_repeater_with_the_previous_report_keeps_the_previous_fiche_paragraph_4() -> None:
    def repeating(report: str, previous_evaluation: bool) -> dict:
        return judge(
            dossier(
                CIEL,
                evaluation=False,
                repeater={
                    "previous_session": 2027,
                    "report": report,
                    "previous_evaluation": previous_evaluation,
                },
            )
        )

    for kept in ("reuse", "modified"):
        result = repeating(kept, True)
        assert "EVALUATION_MISSING" not in codes(result)
        assert result["status"] == "compliant"
        assert "EVALUATION_MISSING" in codes(repeating(kept, False))
    assert "EVALUATION_MISSING" in codes(repeating("new", True))


@cites(CIEL, "repeater-contract", "§4")
def test_an_apprentice_repeater_shows_the_extended_or_new_contract_paragraph_4() -> None:
    def apprentice(**repeater: str) -> dict:
        return judge(
            dossier(
                CIEL,
                pathway="apprentissage",
                periods=[],
                apprenticeship_evidence=True,
                repeater={"previous_session": 2027, "report": "new", **repeater},
            )
        )

    missing = finding(apprentice(), "APPRENTICESHIP_EVIDENCE_MISSING")
    assert missing["severity"] == "blocking"
    assert missing["ref"] == "003_f06874f93b6cc55f.txt §4"
    assert "redoublant" in missing["message"]
    for contract in ("extended", "new-employer"):
        assert apprentice(contract=contract)["status"] == "compliant"
    # the contract kind does not replace the copy of the contract on file
    without_copy = judge(
        dossier(
            CIEL,
            pathway="apprentissage",
            periods=[],
            repeater={"previous_session": 2027, "report": "new", "contract": "extended"},
        )
    )
    assert finding(without_copy, "APPRENTICESHIP_EVIDENCE_MISSING")["ref"].endswith("§2.2")
    # a school repeater has no apprenticeship contract to show
    school = judge(dossier(CIEL, repeater={"previous_session": 2027, "report": "reuse"}))
    assert "APPRENTICESHIP_EVIDENCE_MISSING" not in codes(school)
