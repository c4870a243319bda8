"""BEP MPMI — seed 000_c61661c1e2229b11.txt, rule by rule."""

from tests.rules.builders import (
    cites,
    codes,
    continuing,
    dossier,
    finding,
    judge,
    period,
    special_contract,
)

BEP = "bep-mpmi"


@cites(BEP, "duration", "§préambule")
def test_three_weeks_of_stage_paragraph_preambule() -> None:
    short = judge(
        dossier(BEP, periods=[period("2026-09-21", weeks=1), period("2027-06-07", weeks=1)])
    )
    assert finding(short, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"
    assert finding(short, "DURATION_BELOW_MINIMUM")["ref"] == "000_c61661c1e2229b11.txt §préambule"
    long = judge(
        dossier(BEP, periods=[period("2026-09-21", weeks=1), period("2027-06-07", weeks=3)])
    )
    assert finding(long, "DURATION_ABOVE_MAXIMUM")["severity"] == "warning"
    assert long["status"] == "compliant"


def test_continuing_education_also_three_weeks_paragraph_3() -> None:
    result = judge(
        dossier(
            BEP,
            pathway="formation-continue",
            continuing_situation="reconversion",
            periods=[period("2027-06-07", weeks=2)],
        )
    )
    assert result["weeks_required"]["min"] == 3 and "DURATION_BELOW_MINIMUM" in codes(result)
    assert "PHASES_NOT_AS_RECOMMENDED" not in codes(result)  # the phases are a scolaire advice


@cites(BEP, "overlap", "§préambule")
def test_overlap_paragraph_preambule() -> None:
    result = judge(
        dossier(BEP, periods=[period("2026-09-21", weeks=1), period("2026-09-21", weeks=3)])
    )
    assert "PERIODS_OVERLAP" in codes(result)
    assert result["weeks_completed"] == 3.0


@cites(BEP, "phases", "§1")
def test_two_recommended_phases_are_advice_only_paragraph_1() -> None:
    assert "PHASES_NOT_AS_RECOMMENDED" not in codes(judge(dossier(BEP)))
    start_of_year_two = judge(
        dossier(BEP, periods=[period("2026-09-21", weeks=1), period("2027-09-13", weeks=2)])
    )
    assert "PHASES_NOT_AS_RECOMMENDED" not in codes(start_of_year_two)

    one_block = judge(dossier(BEP, periods=[period("2027-06-07", weeks=3)]))
    advice = finding(one_block, "PHASES_NOT_AS_RECOMMENDED")
    assert advice["severity"] != "blocking"
    assert one_block["status"] == "compliant"

    late_first = judge(
        dossier(BEP, periods=[period("2027-02-01", weeks=1), period("2027-06-07", weeks=2)])
    )
    assert finding(late_first, "PHASES_NOT_AS_RECOMMENDED")["severity"] != "blocking"


@cites(BEP, "convention", "§1")
def test_convention_between_school_and_host_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[
                period("2026-09-21", weeks=1, convention_signed=False),
                period("2027-06-07", weeks=2),
            ],
        )
    )
    assert finding(result, "CONVENTION_MISSING")["severity"] == "blocking"


@cites(BEP, "certificate", "§1")
def test_attestation_for_the_livret_is_a_warning_and_the_weeks_still_count_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[
                period("2026-09-21", weeks=1, certificate=False),
                period("2027-06-07", weeks=2),
            ],
        )
    )
    assert finding(result, "CERTIFICATE_MISSING")["severity"] == "warning"
    assert result["weeks_completed"] == 3.0 and result["status"] == "compliant"


@cites(BEP, "apprenticeship-evidence", "§2")
def test_apprentice_contract_paragraph_2() -> None:
    result = judge(dossier(BEP, pathway="apprentissage", periods=[]))
    assert finding(result, "APPRENTICESHIP_EVIDENCE_MISSING")["severity"] == "blocking"


@cites(BEP, "experience-dispense", "§3")
def test_continuing_education_with_sector_experience_is_dispensed_paragraph_3() -> None:
    result = judge(
        dossier(
            BEP,
            pathway="formation-continue",
            continuing_situation="perfectionnement",
            periods=[],
            professional_experience_in_sector=True,
        )
    )
    assert finding(result, "STAGE_DISPENSED")["severity"] == "info"
    assert result["status"] == "compliant" and result["weeks_required"] == {"min": 0, "max": None}
    scolaire = judge(dossier(BEP, periods=[], professional_experience_in_sector=True))
    assert "STAGE_DISPENSED" not in codes(scolaire)  # only continuing education


@cites(BEP, "work-certificates", "§3")
def test_professional_experience_candidates_show_work_certificates_paragraph_3() -> None:
    assert "WORK_CERTIFICATES_MISSING" in codes(
        judge(dossier(BEP, pathway="experience-professionnelle", periods=[]))
    )


@cites(BEP, "reduction", "§1")
def test_reduction_without_floor_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[period("2027-06-07", weeks=1)],
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "force-majeure",
                    "decided_by": "recteur",
                    "weeks": 1,
                }
            ],
        )
    )
    assert result["weeks_required"]["min"] == 1 and "REDUCTION_BELOW_FLOOR" not in codes(result)


@cites(BEP, "dispense", "§3")
def test_dispense_by_the_recteur_paragraph_3() -> None:
    assert "STAGE_DISPENSED" in codes(
        judge(
            dossier(
                BEP,
                periods=[],
                derogations=[{"kind": "dispense", "reason": "other", "decided_by": "recteur"}],
            )
        )
    )


@cites(BEP, "derogation-authority", "§1")
def test_partial_stage_authorised_by_the_school_is_ignored_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[period("2027-06-07", weeks=2)],
            derogations=[
                {"kind": "partial", "reason": "force-majeure", "decided_by": "chef-etablissement"}
            ],
        )
    )
    assert "DEROGATION_NOT_BY_RECTEUR" in codes(result)
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"


@cites(BEP, "partial", "§1")
def test_partial_stage_for_a_major_reason_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[period("2027-06-07", weeks=2)],
            derogations=[{"kind": "partial", "reason": "force-majeure", "decided_by": "recteur"}],
        )
    )
    assert result["status"] == "compliant" and "PARTIAL_STAGE_AUTHORISED" in codes(result)


# --- contract v1.1 -----------------------------------------------------------------------------


@cites(BEP, "convention-timing", "§1")
def test_a_convention_signed_after_the_first_day_paragraph_1() -> None:
    periods = [
        period("2026-09-21", weeks=1, convention_signed_on="2026-09-22"),
        period("2027-06-07", weeks=2, convention_signed_on="2027-06-01"),
    ]
    result = judge(dossier(BEP, periods=periods))
    late = finding(result, "CONVENTION_SIGNED_LATE")
    assert late["detail"] == [0] and late["ref"] == "000_c61661c1e2229b11.txt §1"
    assert result["status"] == "compliant"
    # BEP continuing education does a conventioned stage in every situation (§3)
    perfectionnement = judge(dossier(BEP, **continuing("perfectionnement"), periods=periods))
    assert "CONVENTION_SIGNED_LATE" in codes(perfectionnement)


@cites(BEP, "special-contract", "§3")
def test_a_special_contract_whose_activities_fit_is_the_stage_paragraph_3() -> None:
    counted = judge(
        dossier(
            BEP, **continuing("reconversion"), periods=[special_contract("2027-06-07", weeks=3)]
        )
    )
    assert counted["status"] == "compliant" and counted["weeks_completed"] == 3.0
    unconfirmed = judge(
        dossier(
            BEP,
            **continuing("reconversion"),
            periods=[special_contract("2027-06-07", weeks=3, activities_fit=False)],
        )
    )
    assert finding(unconfirmed, "SPECIAL_CONTRACT_NOT_CONFIRMED")["ref"].endswith("§3")
    assert unconfirmed["status"] == "non-compliant"
    # perfectionnement in BEP is a stage pathway, but the text names only first training
    # and retraining for special contracts: the period is left out, silently
    perfectionnement = judge(
        dossier(
            BEP,
            **continuing("perfectionnement"),
            periods=[special_contract("2027-06-07", weeks=3)],
        )
    )
    assert perfectionnement["weeks_completed"] == 0.0
    assert "SPECIAL_CONTRACT_NOT_CONFIRMED" not in codes(perfectionnement)


@cites(BEP, "partial-reason", "§1")
def test_partial_stage_only_for_a_major_reason_paragraph_1() -> None:
    result = judge(
        dossier(
            BEP,
            periods=[period("2026-09-21", weeks=1)],
            derogations=[{"kind": "partial", "reason": "vae", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DEROGATION_REASON_NOT_APPLICABLE")["ref"].endswith("§1")
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"


@cites(BEP, "reduction-reason", "§1")
def test_reduction_only_for_force_majeure_amenagement_or_positionnement_paragraph_1() -> None:
    def reduced(reason: str) -> dict:
        return judge(
            dossier(
                BEP,
                periods=[period("2027-06-07", weeks=2)],
                derogations=[
                    {"kind": "reduction", "reason": reason, "decided_by": "recteur", "weeks": 2}
                ],
            )
        )

    assert reduced("amenagement")["weeks_required"]["min"] == 2
    assert "DEROGATION_REASON_NOT_APPLICABLE" not in codes(reduced("amenagement"))
    refused = reduced("other")
    assert "DEROGATION_REASON_NOT_APPLICABLE" in codes(refused)
    assert refused["weeks_required"]["min"] == 3


@cites(BEP, "repeater-contract", "§2")
def test_apprentice_repeater_contract_paragraph_2() -> None:
    base = {"pathway": "apprentissage", "periods": [], "apprenticeship_evidence": True}
    missing = judge(dossier(BEP, **base, repeater={"previous_session": 2027, "report": "new"}))
    assert finding(missing, "APPRENTICESHIP_EVIDENCE_MISSING")["ref"].endswith("§2")
    assert missing["status"] == "non-compliant"
    new_employer = judge(
        dossier(
            BEP,
            **base,
            repeater={"previous_session": 2027, "report": "new", "contract": "new-employer"},
        )
    )
    assert new_employer["status"] == "compliant"
