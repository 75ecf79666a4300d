"""``dbintegrity report lm_synth``: the seed's distribution claims (``sql/lm_synth/expectations.yml``) hold on
seeded data, and data that breaks each claim makes the report fail, naming exactly the broken ones.

Two datasets, each seeded at scale 1 and then changed by a few statements; each statement breaks one claim
and leaves the others of its dataset standing (the statements are chosen so; the exact set of failures is
asserted), so every claim is shown to fail on its own.
"""

from __future__ import annotations

import pytest
from report_claims import assert_claims_hold, assert_exactly_these_fail, claims_of, run_report, seeded_databases

QUALITY = "the report needs the quality extra: pip install 'dbintegrity[quality]'"
pytest.importorskip("great_expectations", reason=QUALITY)
pytest.importorskip("matplotlib", reason=QUALITY)

pytestmark = pytest.mark.selftest

PACK = "lm_synth"
ELDERLY = "patient_id IN (SELECT patient_id FROM patients WHERE age >= 75)"
BREAKS: dict[str, dict[str, str]] = {
    "first": {
        # a third of visits and most stays away from home: far below 85 %
        "ed_encounters:care_at_home_facility":
            "UPDATE ed_encounters SET site_id = CASE WHEN site_id = 1 THEN 2 ELSE 1 END WHERE acuity >= 4",
        "ip_stays:stays_at_home_facility":
            "UPDATE ip_stays SET site_id = CASE WHEN site_id = 1 THEN 2 ELSE 1 END WHERE length_of_stay >= 3",
        # adults of 25-74 sent to the pediatric ED: children are no longer most of its visits
        "ed_encounters:pediatric_ed_sees_children":
            "UPDATE ed_encounters SET ed_subservice = 'Pediatric' WHERE acuity = 3 "
            "AND patient_id IN (SELECT patient_id FROM patients WHERE age BETWEEN 25 AND 74)",
        "ed_baseline_rates:elderly_higher_ed_rates":
            "UPDATE ed_baseline_rates SET baserate_per_1000 = 250 WHERE age_group = '75+'",
        "patients:elderly_visit_ed_more": f"DELETE FROM ed_encounters WHERE acuity <> 3 AND {ELDERLY}",
        "ip_stays:elderly_stay_longer": f"UPDATE ip_stays SET length_of_stay = 3 WHERE {ELDERLY}",
        "ip_stays:medicine_more_alc": "UPDATE ip_stays SET alc_flag = FALSE WHERE program_id = 1",
        "dim_program:three_subprograms_per_program":
            "INSERT INTO dim_subprogram (subprogram_id, program_id, subprogram_name) "
            "VALUES (999, 16, 'Critical Care - Step-down')",
        "dim_lha:projection_grid_complete":
            "DELETE FROM population_projection WHERE lha_id = 3 AND year = 2034 AND age_group = '0-4' "
            "AND gender = 'M'",
    },
    "second": {
        # the adult visits of 25-74 year olds booked to one young adult: the adult ED mostly sees under-25s.
        # Visits per patient of the others and the home-facility share (88 % of these) stay as they were.
        "ed_encounters:adult_ed_sees_adults":
            "UPDATE ed_encounters SET patient_id = '{young}', "
            "site_id = CASE WHEN acuity = 2 THEN {away} ELSE {home} END WHERE ed_subservice = 'Adult' "
            "AND patient_id IN (SELECT patient_id FROM patients WHERE age BETWEEN 25 AND 74)",
        "ip_stays:elderly_more_alc": f"UPDATE ip_stays SET alc_flag = FALSE WHERE {ELDERLY}",
        "dim_lha:rates_grid_complete":
            "DELETE FROM ed_baseline_rates WHERE lha_id = 2 AND age_group = '25-44' AND gender = 'M'",
    },
}
CLAIMS = {rule for breaks in BREAKS.values() for rule in breaks}


@pytest.fixture
def seeded(dbi_runtime, engine, tmp_path):
    """A fresh seeded lm_synth database per use (scale 1, 5,636 rows), dropped afterwards."""
    yield from seeded_databases(dbi_runtime, engine, tmp_path, PACK)


def test_every_claim_of_the_pack_is_broken_here(dbi_config):
    """A claim added to expectations.yml without a dataset that breaks it would go unproven."""
    assert claims_of(dbi_config, PACK) == CLAIMS


def test_seeded_data_meets_the_claims(dbi_runtime, dbi_config, engine, seeded, tmp_path):
    assert_claims_hold(run_report(dbi_runtime, dbi_config, PACK, engine, seeded("claims"), tmp_path / "ok"), CLAIMS)


@pytest.mark.parametrize("dataset", sorted(BREAKS))
def test_broken_claims_fail_by_name(dbi_runtime, dbi_config, engine, seeded, tmp_path, dataset):
    database = seeded(dataset)
    conn = dbi_runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        cur.execute("SELECT patient_id, facility_home_id FROM patients WHERE age BETWEEN 18 AND 24 "
                    "ORDER BY patient_id")
        young, home = cur.fetchone()
        for sql in BREAKS[dataset].values():
            cur.execute(sql.format(young=young, home=home, away=1 if home != 1 else 2))
        conn.commit()
    finally:
        conn.close()

    assert_exactly_these_fail(run_report(dbi_runtime, dbi_config, PACK, engine, database, tmp_path / dataset),
                              set(BREAKS[dataset]))
