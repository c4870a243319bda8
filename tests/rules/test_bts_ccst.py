"""BTS CCST — seed 002_2503cf1c29000fec.txt, rule by rule."""

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

CCST = "bts-ccst"


@cites(CCST, "duration", "§B.1")
def test_fourteen_to_sixteen_weeks_paragraph_b1() -> None:
    short = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=6), period("2027-05-03", weeks=6)])
    )
    assert finding(short, "DURATION_BELOW_MINIMUM")["ref"] == "002_2503cf1c29000fec.txt §B.1"
    long = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=8), period("2027-04-26", weeks=9)])
    )
    assert finding(long, "DURATION_ABOVE_MAXIMUM")["severity"] == "warning"
    assert long["weeks_required"] == {"min": 14, "max": 16}


@cites(CCST, "overlap", "§B.1")
def test_overlap_paragraph_b1() -> None:
    result = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=8), period("2027-02-01", weeks=8)])
    )
    assert "PERIODS_OVERLAP" in codes(result)
    assert result["weeks_completed"] == 12.0


@cites(CCST, "first-year-block", "§B.1")
def test_four_consecutive_weeks_in_first_year_paragraph_b1() -> None:
    only_year_two = judge(
        dossier(CCST, periods=[period("2027-09-13", weeks=7), period("2028-01-03", weeks=7)])
    )
    assert finding(only_year_two, "FIRST_YEAR_BLOCK_MISSING")["severity"] == "blocking"

    three_weeks = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=3), period("2027-09-13", weeks=11)])
    )
    assert "FIRST_YEAR_BLOCK_MISSING" in codes(three_weeks)

    # a 4-week block whose absences bring presence under 4 weeks still counts (scheduled days)
    with_absences = judge(
        dossier(
            CCST,
            periods=[period("2027-01-04", weeks=4, absence_days=2), period("2027-09-13", weeks=11)],
        )
    )
    assert "FIRST_YEAR_BLOCK_MISSING" not in codes(with_absences)

    early = judge(dossier(CCST, as_of="2026-12-01", periods=[], report=None))
    assert finding(early, "FIRST_YEAR_BLOCK_MISSING")["severity"] == "warning"


def test_year_one_is_the_twelve_months_from_training_start() -> None:
    starts_on_anniversary = judge(
        dossier(CCST, periods=[period("2027-09-06", weeks=4), period("2028-01-03", weeks=10)])
    )
    assert "FIRST_YEAR_BLOCK_MISSING" not in codes(
        starts_on_anniversary
    )  # 6 Sept 2027 is in year 1
    after = judge(
        dossier(CCST, periods=[period("2027-09-13", weeks=4), period("2028-01-03", weeks=10)])
    )
    assert "FIRST_YEAR_BLOCK_MISSING" in codes(after)


@cites(CCST, "summer-rest", "§B.1")
def test_four_weeks_of_summer_rest_paragraph_b1() -> None:
    summer = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=6), period("2027-06-28", "2027-08-13")])
    )
    rest = finding(summer, "SUMMER_REST_NOT_RESPECTED")
    assert rest["severity"] == "warning" and rest["detail"] == [2027]

    july_only = judge(
        dossier(CCST, periods=[period("2027-01-04", weeks=6), period("2027-06-07", "2027-07-30")])
    )
    assert "SUMMER_REST_NOT_RESPECTED" not in codes(july_only)  # 31 July – 31 August is free


@cites(CCST, "convention", "§B.1")
def test_convention_paragraph_b1() -> None:
    periods = [
        period("2027-01-04", weeks=6, convention_signed=False),
        period("2027-05-03", weeks=8),
    ]
    assert finding(judge(dossier(CCST, periods=periods)), "CONVENTION_MISSING")["detail"] == [0]


@cites(CCST, "certificate", "§B.1")
def test_attestation_paragraph_b1() -> None:
    periods = [period("2027-01-04", weeks=6), period("2027-05-03", weeks=8, certificate=False)]
    result = judge(dossier(CCST, periods=periods))
    assert finding(result, "CERTIFICATE_MISSING")["severity"] == "blocking"
    assert result["weeks_completed"] == 6.0


@cites(CCST, "apprenticeship-evidence", "§B.2")
def test_employer_attestation_for_apprentices_paragraph_b2() -> None:
    assert "APPRENTICESHIP_EVIDENCE_MISSING" in codes(
        judge(dossier(CCST, pathway="apprentissage", periods=[]))
    )
    assert (
        judge(dossier(CCST, pathway="apprentissage", periods=[], apprenticeship_evidence=True))[
            "status"
        ]
        == "compliant"
    )


@cites(CCST, "work-experience", "§B.3.b")
def test_perfectionnement_paragraph_b3b() -> None:
    result = judge(
        dossier(
            CCST, pathway="formation-continue", continuing_situation="perfectionnement", periods=[]
        )
    )
    assert (
        finding(result, "WORK_EXPERIENCE_INSUFFICIENT")["ref"] == "002_2503cf1c29000fec.txt §B.3.b"
    )


@cites(CCST, "work-certificates", "§B.5")
def test_professional_experience_paragraph_b5() -> None:
    assert "WORK_CERTIFICATES_MISSING" in codes(
        judge(dossier(CCST, pathway="experience-professionnelle", periods=[]))
    )


@cites(CCST, "reduction", "§C")
def test_reduction_floor_ten_weeks_paragraph_c() -> None:
    result = judge(
        dossier(
            CCST,
            derogations=[
                {
                    "kind": "reduction",
                    "reason": "force-majeure",
                    "decided_by": "recteur",
                    "weeks": 8,
                }
            ],
        )
    )
    assert "REDUCTION_BELOW_FLOOR" in codes(result) and result["weeks_required"]["min"] == 10


@cites(CCST, "dispense", "§C")
def test_dispense_of_u4_and_u6_removes_the_stage_one_of_them_halves_it_paragraph_c() -> None:
    both = judge(
        dossier(
            CCST,
            periods=[],
            derogations=[
                {
                    "kind": "dispense",
                    "reason": "vae",
                    "decided_by": "recteur",
                    "units": ["U4", "U6"],
                }
            ],
        )
    )
    assert both["weeks_required"] == {"min": 0, "max": None} and "STAGE_DISPENSED" in codes(both)
    one = judge(
        dossier(
            CCST,
            periods=[period("2027-01-04", weeks=7)],
            derogations=[
                {"kind": "dispense", "reason": "vae", "decided_by": "recteur", "units": ["U4"]}
            ],
        )
    )
    assert one["weeks_required"] == {"min": 7, "max": 8} and one["status"] == "compliant"
    other = judge(
        dossier(
            CCST,
            derogations=[
                {"kind": "dispense", "reason": "vae", "decided_by": "recteur", "units": ["U1"]}
            ],
        )
    )
    assert other["weeks_required"] == {"min": 14, "max": 16}
    unnamed = judge(
        dossier(
            CCST,
            periods=[],
            derogations=[{"kind": "dispense", "reason": "vae", "decided_by": "recteur"}],
        )
    )
    assert unnamed["weeks_required"]["min"] == 0


@cites(CCST, "derogation-authority", "§C")
def test_dispense_not_decided_by_the_recteur_is_ignored_paragraph_c() -> None:
    result = judge(
        dossier(
            CCST,
            periods=[],
            derogations=[
                {"kind": "dispense", "reason": "vae", "decided_by": "other", "units": ["U4", "U6"]}
            ],
        )
    )
    assert "DEROGATION_NOT_BY_RECTEUR" in codes(result) and result["status"] == "non-compliant"


@cites(CCST, "partial", "§C")
def test_partial_stage_paragraph_c() -> None:
    result = judge(
        dossier(
            CCST,
            periods=[period("2027-01-04", weeks=6)],
            derogations=[{"kind": "partial", "reason": "force-majeure", "decided_by": "recteur"}],
        )
    )
    assert "PARTIAL_STAGE_AUTHORISED" in codes(result)
    assert finding(result, "DURATION_BELOW_MINIMUM")["severity"] == "warning"


@cites(CCST, "repeater", "§D")
def test_repeater_new_stage_is_optional_paragraph_d() -> None:
    result = judge(dossier(CCST, periods=[], repeater={"previous_session": 2027, "report": "new"}))
    assert result["status"] == "compliant"


# --- contract v1.1 -----------------------------------------------------------------------------


@cites(CCST, "special-contract", "§B.3.a")
def test_a_special_contract_whose_activities_fit_includes_the_stage_paragraph_b3a() -> None:
    contract = special_contract("2027-01-04", weeks=15)
    counted = judge(dossier(CCST, **continuing("reconversion"), periods=[contract]))
    assert counted["status"] == "compliant" and counted["weeks_completed"] == 15.0
    unconfirmed = judge(
        dossier(CCST, **continuing("reconversion"), periods=[{**contract, "activities_fit": False}])
    )
    assert finding(unconfirmed, "SPECIAL_CONTRACT_NOT_CONFIRMED")["ref"].endswith("§B.3.a")
    assert finding(unconfirmed, "DURATION_BELOW_MINIMUM")["severity"] == "blocking"
    # for a school candidate the period is simply left out
    school = judge(dossier(CCST, periods=[*dossier(CCST)["periods"], contract]))
    assert school["weeks_completed"] == 14.0 and school["status"] == "compliant"
    assert "PERIODS_OVERLAP" not in codes(school)


@cites(CCST, "evidenced-periods", "§B.3.b")
def test_perfectionnement_stage_counts_only_with_convention_and_attestation_paragraph_b3b() -> None:
    periods = [
        period("2027-01-04", weeks=6, certificate=False),
        period("2027-05-03", weeks=8, convention_signed=False),
    ]
    bare = judge(dossier(CCST, **continuing("perfectionnement"), periods=periods))
    assert bare["weeks_completed"] == 0.0
    assert codes(bare) == {"WORK_EXPERIENCE_INSUFFICIENT"}
    evidenced = judge(
        dossier(
            CCST,
            **continuing("perfectionnement"),
            periods=[period("2027-01-04", weeks=6), period("2027-05-03", weeks=8)],
        )
    )
    assert evidenced["weeks_completed"] == 14.0 and evidenced["status"] == "compliant"


@cites(CCST, "convention-timing", "§B.1")
def test_a_convention_signed_after_the_first_day_paragraph_b1() -> None:
    periods = [
        period("2027-01-04", weeks=6, convention_signed_on="2027-01-11"),
        period("2027-05-03", weeks=8, convention_signed_on="2027-04-01"),
    ]
    result = judge(dossier(CCST, periods=periods))
    assert finding(result, "CONVENTION_SIGNED_LATE")["detail"] == [0]
    assert finding(result, "CONVENTION_SIGNED_LATE")["ref"].endswith("§B.1")
    assert result["status"] == "compliant"


@cites(CCST, "partial-reason", "§C")
def test_partial_stage_only_for_force_majeure_paragraph_c() -> None:
    result = judge(
        dossier(
            CCST,
            periods=[period("2027-01-04", weeks=6)],
            derogations=[{"kind": "partial", "reason": "positionnement", "decided_by": "recteur"}],
        )
    )
    assert finding(result, "DEROGATION_REASON_NOT_APPLICABLE")["ref"].endswith("§C")
    assert "PARTIAL_STAGE_AUTHORISED" not in codes(result)


@cites(CCST, "reduction-reason", "§C")
def test_reduction_only_for_force_majeure_amenagement_or_positionnement_paragraph_c() -> None:
    def reduced(reason: str) -> dict:
        return judge(
            dossier(
                CCST,
                periods=[period("2027-01-04", weeks=6), period("2027-05-03", weeks=6)],
                derogations=[
                    {"kind": "reduction", "reason": reason, "decided_by": "recteur", "weeks": 12}
                ],
            )
        )

    assert reduced("force-majeure")["status"] == "compliant"
    other = reduced("other")
    assert "DEROGATION_REASON_NOT_APPLICABLE" in codes(other)
    assert other["weeks_required"]["min"] == 14 and other["status"] == "non-compliant"
    # "notamment au titre de la VAE": a dispense of units stands whatever its reason
    halved = judge(
        dossier(
            CCST,
            periods=[period("2027-01-04", weeks=7)],
            derogations=[
                {"kind": "dispense", "reason": "other", "decided_by": "recteur", "units": ["U4"]}
            ],
        )
    )
    assert halved["weeks_required"]["min"] == 7 and halved["status"] == "compliant"


@cites(CCST, "repeater-contract", "§D")
def test_apprentice_repeaters_extended_or_new_contract_paragraph_d() -> None:
    base = {"pathway": "apprentissage", "periods": [], "apprenticeship_evidence": True}
    missing = judge(dossier(CCST, **base, repeater={"previous_session": 2027, "report": "reuse"}))
    assert finding(missing, "APPRENTICESHIP_EVIDENCE_MISSING")["ref"].endswith("§D")
    extended = judge(
        dossier(
            CCST,
            **base,
            repeater={"previous_session": 2027, "report": "reuse", "contract": "extended"},
        )
    )
    assert extended["status"] == "compliant"
