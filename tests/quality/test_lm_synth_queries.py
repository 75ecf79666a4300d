"""The seed's two sample queries of lm_synth as oracles: run on a seeded database, and compared with the same
figures computed in Python from the rows of the base tables, by what the queries mean, not by their SQL.

The queries are the ``tables`` of ``sql/lm_synth/expectations.yml`` ("Facility Summary", "ED Volume
Projection for 2025"): the report prints them, these tests prove their answers.  A query changed the way
the mutation self-test changes views (its filter or its first JOIN), or a table whose rows make the SQL
answer something else than the question (a projection cell without a baseline rate, silently dropped by
the JOIN; a patient homed at a facility that is not there), fails the comparison, naming the difference.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import sqlglot

from dbintegrity.engines import get_engine
from dbintegrity.mutation.operators import NotApplicable, change_view_filter, change_view_join
from dbintegrity.report import expectations_file as xfile
from dbintegrity.report import neutralsql
from dbintegrity.seed import seed_database
from dbintegrity.sqltext.expr import NEUTRAL

pytestmark = pytest.mark.selftest

PACK = "lm_synth"
FK_CHECKS_OFF = {"mysql": "SET FOREIGN_KEY_CHECKS=0", "postgres": "SET session_replication_role = replica"}
"""How each engine lets a session write a row that breaks a foreign key (a bad bulk load, a dropped FK)."""
Rows = dict[str, list[dict[str, Any]]]


# -- the oracles: what each query means, computed from the rows ----------------------------------------------
def facility_summary(rows: Rows) -> tuple[dict[Any, tuple[Any, ...]], list[str]]:
    """Every facility with the number of patients whose home it is (0 for none); and what cannot be placed."""
    homes = Counter(p["facility_home_id"] for p in rows["patients"])
    sites = {s["site_id"]: s for s in rows["dim_site"]}
    problems = [f"{n} patient(s) homed at facility {site_id}, which is not in dim_site"
                for site_id, n in sorted(homes.items()) if site_id not in sites]
    return {s["site_code"]: (s["site_name"], homes.get(site_id, 0)) for site_id, s in sites.items()}, problems


def ed_volume_2025(rows: Rows) -> tuple[dict[Any, tuple[Any, ...]], list[str]]:
    """Per default facility and ED service: the 2025 population of its LHAs times their baseline rates / 1000,
    rounded half away from zero; every projection cell must have exactly one rate, or the figure is wrong."""
    rates: dict[tuple[Any, ...], dict[str, Any]] = {}
    problems: list[str] = []
    for r in rows["ed_baseline_rates"]:
        key = (r["lha_id"], r["age_group"], r["gender"])
        if key in rates:
            problems.append(f"two baseline rates for LHA {key[0]}, {key[1]}, {key[2]}")
        rates[key] = r
    site_code = {s["site_id"]: s["site_code"] for s in rows["dim_site"]}
    facility = {lha["lha_id"]: site_code.get(lha["default_site_id"]) for lha in rows["dim_lha"]}
    totals: dict[tuple[Any, Any], Decimal] = defaultdict(Decimal)
    for p in rows["population_projection"]:
        if p["year"] != 2025:
            continue
        rate = rates.get((p["lha_id"], p["age_group"], p["gender"]))
        if rate is None:
            problems.append(f"2025 projection of LHA {p['lha_id']}, {p['age_group']}, {p['gender']} has no baseline "
                            "rate: its population drops out of the volume")
            continue
        if facility.get(p["lha_id"]) is None:
            problems.append(f"LHA {p['lha_id']} has no default facility in dim_site")
            continue
        totals[(facility[p["lha_id"]], rate["ed_subservice"])] += (
            Decimal(p["population"]) * Decimal(rate["baserate_per_1000"]) / 1000)
    return {k: (v.quantize(Decimal(1), ROUND_HALF_UP),) for k, v in totals.items()}, problems


ORACLES: dict[str, tuple[Callable[[Rows], tuple[dict[Any, tuple[Any, ...]], list[str]]], int, int]] = {
    # query name -> (oracle, key columns, the column the query sorts by, descending)
    "facility_summary": (facility_summary, 1, 2),
    "ed_volume_projection_2025": (ed_volume_2025, 2, 2),
}


def differences(name: str, columns: list[str], answer: list[tuple[Any, ...]], rows: Rows) -> list[str]:
    """Where the query's answer and the oracle's disagree (missing, extra or different rows, order, and what
    makes the question unanswerable from the rows); empty when they agree."""
    oracle, keys, sort_col = ORACLES[name]
    want, problems = oracle(rows)
    have: dict[Any, tuple[Any, ...]] = {}
    out = list(problems)
    for row in answer:
        key = row[0] if keys == 1 else tuple(row[:keys])
        if key in have:
            out.append(f"{name}: {key} appears twice")
        have[key] = tuple(row[keys:])
    out += [f"{name}: {k} missing (want {want[k]})" for k in sorted(set(want) - set(have), key=str)]
    out += [f"{name}: {k} is extra ({have[k]})" for k in sorted(set(have) - set(want), key=str)]
    out += [f"{name}: {k}: {dict(zip(columns[keys:], have[k], strict=True))}, want {want[k]}"
            for k in sorted(set(have) & set(want), key=str) if have[k] != want[k]]
    ordered = [row[sort_col] for row in answer]
    if ordered != sorted(ordered, reverse=True):
        out.append(f"{name}: not sorted by {columns[sort_col]} descending")
    return out


# -- running them -------------------------------------------------------------------------------------------
def queries(dbi_config) -> dict[str, str]:
    tables = xfile.load(dbi_config.packs_dir / PACK / xfile.FILE).tables
    return {t.name: t.query for t in tables if t.name in ORACLES}


def run(runtime, engine: str, database: str, neutral: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        cur.execute(neutralsql.render(neutral, get_engine(engine).dialect, batch=False))
        return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


def read_rows(runtime, engine: str, database: str) -> Rows:
    out: Rows = {}
    conn = runtime.connect(engine, database)
    try:
        for table in ("dim_site", "dim_lha", "patients", "population_projection", "ed_baseline_rates"):
            cur = conn.cursor()
            cur.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cur.description]
            out[table] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        conn.close()
    return out


def execute(runtime, engine: str, database: str, *statements: str) -> None:
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        for sql in statements:
            cur.execute(sql)
        conn.commit()
    finally:
        conn.close()


def verdict(runtime, dbi_config, engine: str, database: str) -> dict[str, list[str]]:
    rows = read_rows(runtime, engine, database)
    return {name: differences(name, *run(runtime, engine, database, sql), rows)
            for name, sql in queries(dbi_config).items()}


@pytest.fixture
def seeded(dbi_runtime, engine, tmp_path):
    """lm_synth seeded at scale 1 (5,636 rows), private to the test; dropped afterwards."""
    database = dbi_runtime.database(engine, PACK, "queries")
    seed_database(dbi_runtime, engine, database, PACK, scale=1, seed=11, mode="refuse", progress=False,
                  log_dir=tmp_path)
    yield database
    dbi_runtime.drop(engine, database)


# -- the tests ----------------------------------------------------------------------------------------------
def test_both_queries_are_in_the_pack(dbi_config):
    assert set(queries(dbi_config)) == set(ORACLES)


def test_sample_queries_agree_with_the_rows(dbi_runtime, dbi_config, engine, seeded):
    found = verdict(dbi_runtime, dbi_config, engine, seeded)

    assert found == {name: [] for name in ORACLES}
    _, summary = run(dbi_runtime, engine, seeded, queries(dbi_config)["facility_summary"])
    assert len(summary) == 12 and sum(r[2] for r in summary) == 1000  # every facility, every patient once
    _, volumes = run(dbi_runtime, engine, seeded, queries(dbi_config)["ed_volume_projection_2025"])
    assert len(volumes) == 24 and all(v[2] > 0 for v in volumes)  # 12 facilities x Adult, Pediatric


MUTANTS = {"filter": change_view_filter, "join": change_view_join}


def test_a_changed_query_gives_another_answer_and_is_caught(dbi_runtime, dbi_config, engine, seeded):
    # a facility no LHA and no patient uses: the Facility Summary must still list it, with 0 patients
    execute(dbi_runtime, engine, seeded,
            "INSERT INTO dim_site (site_id, site_code, site_name) VALUES (99, 'LM-NEW', 'Newly Opened Hospital')")
    rows = read_rows(dbi_runtime, engine, seeded)
    assert verdict(dbi_runtime, dbi_config, engine, seeded) == {name: [] for name in ORACLES}

    caught: list[str] = []
    for name, neutral in queries(dbi_config).items():
        for kind, mutate in MUTANTS.items():
            tree = sqlglot.parse_one(neutral, read=NEUTRAL)
            try:
                change = mutate(tree)
            except NotApplicable:
                continue
            mutant = tree.sql(dialect=NEUTRAL)
            found = differences(name, *run(dbi_runtime, engine, seeded, mutant), rows)
            assert found, f"{name} with {kind} mutant ({change}) agrees with the oracle: {mutant}"
            caught.append(f"{name}: {change}")
    # Facility Summary: LEFT JOIN -> INNER; ED volume: year = 2025 -> <>, and its first JOIN's ON = -> <>
    assert len(caught) == 3, caught


def test_rows_that_change_the_meaning_are_caught(dbi_runtime, dbi_config, engine, seeded):
    # a projection cell whose baseline rate is missing: the JOIN drops its population without a word
    execute(dbi_runtime, engine, seeded,
            "DELETE FROM ed_baseline_rates WHERE lha_id = 1 AND age_group = '75+' AND gender = 'F'")
    # a patient homed at a facility that is not there (an FK dropped or switched off during a bulk load)
    patient = read_rows(dbi_runtime, engine, seeded)["patients"][0]["patient_id"]
    execute(dbi_runtime, engine, seeded, FK_CHECKS_OFF[get_engine(engine).spec.name],
            f"UPDATE patients SET facility_home_id = 77 WHERE patient_id = '{patient}'")

    found = verdict(dbi_runtime, dbi_config, engine, seeded)

    assert any("LHA 1, 75+, F has no baseline rate" in d for d in found["ed_volume_projection_2025"]), found
    assert any("homed at facility 77, which is not in dim_site" in d for d in found["facility_summary"]), found
