"""``dbintegrity report``: sound seeded data passes on every engine; broken data fails, naming each broken
rule and showing the bad rows; an empty table never passes.

Tests that need a database are marked ``selftest`` and run once per configured engine; the others check
how the suite is derived from the contract and the expectations file, without a database.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.mutation.operators import dialect_mutations
from dbintegrity.pack import contract
from dbintegrity.probes.evaluate import compile_expr
from dbintegrity.report import ReportError, neutralsql
from dbintegrity.report import expectations_file as xfile
from dbintegrity.report.command import DEFAULT_SCALE, build, report_database
from dbintegrity.report.rules import contract_rules
from dbintegrity.report.target import Target
from dbintegrity.seed import seed_database

QUALITY = "the report needs the quality extra: pip install 'dbintegrity[quality]'"
pytest.importorskip("great_expectations", reason=QUALITY)
pytest.importorskip("matplotlib", reason=QUALITY)

PACK = "healthcare_mgmt"
SCALE = DEFAULT_SCALE
"""What ``dbintegrity report`` seeds by default (about 10,000 rows)."""
FK_CHECKS_OFF = {"mysql": "SET FOREIGN_KEY_CHECKS=0", "postgres": "SET session_replication_role = replica"}
"""How each engine lets a session write rows that break foreign keys (the way bad bulk loads happen)."""


# -- data -------------------------------------------------------------------------------------------------
@pytest.fixture
def seeded(dbi_runtime, engine, tmp_path):
    """A private copy of the pack, seeded at the default scale; dropped afterwards."""
    database = dbi_runtime.database(engine, PACK, "report")
    seed_database(dbi_runtime, engine, database, PACK, scale=SCALE, seed=7, mode="refuse", log_dir=tmp_path / "seed")
    yield database
    dbi_runtime.drop(engine, database)


@pytest.fixture
def empty(dbi_runtime, engine):
    database = dbi_runtime.database(engine, PACK, "empty")
    yield database
    dbi_runtime.drop(engine, database)


def target(runtime, engine: str, database: str) -> Target:
    return Target(engine, runtime.server(engine), database)


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


# -- with a database ---------------------------------------------------------------------------------------
@pytest.mark.selftest
def test_seeded_data_passes(dbi_runtime, dbi_config, engine, seeded, tmp_path):
    out = tmp_path / "report"
    console = io.StringIO()
    status = report_database(build(dbi_config, PACK), target(dbi_runtime, engine, seeded), out, stream=console)

    summary = summary_of(out)
    failed = {e["id"]: e for e in summary["expectations"] if not e["success"]}
    assert status == 0, f"expectations failed on seeded data: {json.dumps(failed, indent=1, default=str)[:3000]}"
    assert summary["success"] is True
    assert all(n and n > 0 for n in summary["tables"].values()), summary["tables"]
    kinds = {e["kind"] for e in summary["expectations"]}
    assert {"row_count", "not_null", "value_set", "range", "unique", "compound_unique", "foreign_key",
            "share", "values_between", "no_rows"} <= kinds
    assert (out / summary["data_docs"]).is_file()
    assert summary["data_docs"] == "data_docs/index.html"
    chart = out / summary["charts"][0]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    text = console.getvalue()
    assert text.splitlines()[0].split() == ["expectation", "table", "result", "unexpected"]
    assert "did not pass" not in text


@pytest.mark.selftest
def test_corrupted_data_fails_naming_each_rule_with_bad_rows(dbi_runtime, dbi_config, engine, seeded, tmp_path,
                                                           capsys):
    bad = corrupt(dbi_runtime, engine, seeded)
    server = dbi_runtime.server(engine)
    url = server.url(seeded)
    out = tmp_path / "report"

    status = cli.main(["report", PACK, "--engine", engine, "--url", url, "--out", str(out)])

    console = capsys.readouterr().out
    summary = summary_of(out)
    failed = {e["id"]: e for e in summary["expectations"] if not e["success"]}
    assert status == 1
    assert set(failed) == set(bad), f"failed: {sorted(failed)}"
    for rule_id, evidence in bad.items():
        result = failed[rule_id]
        assert result["status"] == "failed"
        assert result["unexpected_count"] and result["unexpected_count"] >= 1
        assert evidence in json.dumps(result["sample"], default=str), (rule_id, result["sample"])
        assert f"FAILED {rule_id}:" in console
        assert evidence in console.split(f"FAILED {rule_id}:", 1)[1].split("FAILED", 1)[0]
    assert isinstance(failed["billing.invoice_number:unique"]["unexpected_count"], int)  # float on MySQL in GX


@pytest.mark.selftest
def test_empty_tables_never_pass(dbi_runtime, dbi_config, engine, empty, tmp_path):
    out = tmp_path / "report"
    status = report_database(build(dbi_config, PACK), target(dbi_runtime, engine, empty), out,
                             stream=io.StringIO())

    summary = summary_of(out)
    assert status == 1
    assert set(summary["tables"].values()) == {0}
    statuses = {e["status"] for e in summary["expectations"]}
    assert "passed" not in statuses, [e["id"] for e in summary["expectations"] if e["status"] == "passed"]
    assert {e["status"] for e in summary["expectations"] if e["kind"] == "row_count"} == {"failed"}
    assert summary["counts"]["empty"] > 0


@pytest.mark.selftest
def test_disposable_database_is_seeded_reported_and_removed(dbi_config, engine, tmp_path, capsys):
    from dbintegrity.report.command import run_report

    status = run_report(dbi_config, pack=PACK, engine=engine, out=tmp_path / "r", scale=SCALE, seed=3)

    out, err = capsys.readouterr()
    summary = summary_of(tmp_path / "r")
    assert status == 0, out[-3000:]
    assert summary["seeded"]["scale"] == SCALE and sum(summary["seeded"]["rows"].values()) > 1000
    assert summary["timings"]["validate_s"] > 0
    for pid in re.findall(r"\bpid (\d+)\b", err):  # a local server of the report's own runtime: stopped
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)


def corrupt(runtime, engine: str, database: str) -> dict[str, str]:
    """Break the data the ways bad loads do; return {expectation id: text its sample must show}."""
    live = runtime.introspect(engine, database)
    eng = runtime.engine(engine)
    ddl = dialect_mutations(eng, catalog=None)
    conn = runtime.connect(engine, database)
    runtime.backfill(engine, PACK, conn)  # the copied appointment is a past one
    cur = conn.cursor()

    def one(query: str) -> str:
        cur.execute(query)
        return str(cur.fetchone()[0])

    try:
        cur.execute(FK_CHECKS_OFF[engine])
        # orphans: a child whose parent does not exist
        orphan_patient, orphan_visit = str(uuid.uuid4()), str(uuid.uuid4())
        cur.execute("INSERT INTO appointments (id, patient_id, doctor_id, appointment_date, appointment_time, "
                    "appointment_type, status, created_by) SELECT %s, %s, doctor_id, appointment_date, "
                    "appointment_time, appointment_type, status, created_by FROM appointments "
                    "WHERE status = 'completed' ORDER BY id LIMIT 1", (str(uuid.uuid4()), orphan_patient))
        cur.execute("INSERT INTO vitals (id, patient_id, visit_id, recorded_by) "
                    "SELECT %s, patient_id, %s, recorded_by FROM vitals ORDER BY id LIMIT 1",
                    (str(uuid.uuid4()), orphan_visit))
        # out of range: a plausibility rule of the expectations file, and a CHECK dropped by a bad migration
        vital = one(neutralsql.render(  # an adult's: 999 beats per minute then breaks two rules of the file
            "SELECT v.id FROM vitals AS v JOIN patients AS p ON p.id = v.patient_id WHERE v.heart_rate IS NOT NULL "
            "AND v.recorded_at >= p.date_of_birth + INTERVAL '18 years' ORDER BY v.id LIMIT 1", engine, batch=False))
        for check in live.tables["vitals"].checks:  # the range CHECKs a bad migration dropped
            if check.expression.startswith(("heart_rate", "pain_scale")):
                for stmt in ddl.drop_check("vitals", check):
                    cur.execute(stmt)
        cur.execute("UPDATE vitals SET heart_rate = 999 WHERE id = %s", (vital,))
        cur.execute("UPDATE vitals SET pain_scale = 42 WHERE id = %s", (vital,))
        # duplicate business keys, once their UNIQUE constraints are gone
        for table, key in (("billing", ("invoice_number",)), ("insurance", ("patient_id", "coverage_type"))):
            index = next(ix for ix in live.tables[table].indexes if ix.unique and ix.columns == key)
            for stmt in ddl.drop_unique(live.tables[table], index):
                cur.execute(stmt)
        invoice = one("SELECT invoice_number FROM billing ORDER BY id LIMIT 1")
        cur.execute("INSERT INTO billing (id, patient_id, invoice_number, service_date, service_description, "
                    "amount_charged, billing_date, due_date, created_by) SELECT %s, patient_id, invoice_number, "
                    "service_date, service_description, amount_charged, billing_date, due_date, created_by "
                    "FROM billing WHERE invoice_number = %s", (str(uuid.uuid4()), invoice))
        insured = one("SELECT patient_id FROM insurance ORDER BY id LIMIT 1")
        cur.execute("INSERT INTO insurance (id, patient_id, insurance_company, policy_number, policy_holder_name, "
                    "relationship_to_patient, coverage_type, effective_date) SELECT %s, patient_id, "
                    "insurance_company, policy_number, policy_holder_name, relationship_to_patient, coverage_type, "
                    "effective_date FROM insurance WHERE patient_id = %s ORDER BY id LIMIT 1",
                    (str(uuid.uuid4()), insured))
        conn.commit()
    finally:
        cur.close()
        conn.close()
    return {
        "appointments.patient_id->patients.id:foreign_key": orphan_patient,
        "vitals.visit_id->visits.id:foreign_key": orphan_visit,
        "vitals:heart_rate_plausible": "999",
        "vitals:adult_vitals_fit_adults": "999",
        "vitals.heart_rate:range": "999",  # the CHECK the migration dropped, still an expectation
        "vitals.pain_scale:range": "42",
        "billing.invoice_number:unique": invoice,
        "insurance:unique(patient_id,coverage_type)": insured,
    }


# -- without a database: how the suite is derived ------------------------------------------------------------
def test_contract_becomes_one_expectation_per_rule(dbi_config):
    schema = contract.load(dbi_config.packs_dir / PACK / "contract.yml")
    rules, skipped = contract_rules(schema)
    by_kind: dict[str, list[str]] = {}
    for r in rules:
        by_kind.setdefault(r.kind, []).append(r.id)
    tables = schema.tables.values()
    assert len(by_kind["row_count"]) == len(schema.tables)
    assert len(by_kind["foreign_key"]) == sum(len(t.foreign_keys) for t in tables)
    assert len(by_kind["not_null"]) == sum(not c.nullable for t in tables for c in t.columns.values())
    assert len(by_kind["value_set"]) == sum(c.enum is not None for t in tables for c in t.columns.values())
    single = [f"{t.name}.{c.expression.split()[0]}:range" for t in tables for c in t.checks
              if len(compile_expr(c.expression).columns) == 1 and " ~ " not in c.expression]  # one column, bounds only
    assert sorted(by_kind["range"]) == sorted(single)
    assert len(by_kind["check"]) == sum(len(t.checks) for t in tables) - len(single)  # the rest: a query each
    assert by_kind["compound_unique"] == ["insurance:unique(patient_id,coverage_type)"]
    assert "billing.invoice_number:unique" in by_kind["unique"]
    keys = [k for t in tables for k in {t.primary_key, *t.uniques} if k]
    assert len(by_kind["unique"]) + len(by_kind["compound_unique"]) == len(keys)
    assert not skipped
    assert len({r.id for r in rules}) == len(rules)


def test_pack_expectations_file_loads(dbi_config):
    suite = build(dbi_config, PACK)
    extra = [r for r in suite.rules if r.source == xfile.SOURCE]
    assert {r.kind for r in extra} == {"share", "values_between", "no_rows"}
    assert all(r.why for r in extra), "every rule of the expectations file says why its thresholds hold"
    assert [c.name for c in suite.charts] == ["appointments_per_department"]


@pytest.mark.parametrize(("entry", "message"), [
    ({"name": "x", "table": "vitals", "kind": "median"}, "kind 'median' is not one of"),
    ({"name": "x", "table": "nope", "kind": "no_rows", "query": "SELECT id FROM {batch}"}, "not in the pack"),
    ({"name": "x", "table": "vitals", "kind": "no_rows", "query": "SELECT id FROM vitals"}, "as {batch}"),
    ({"name": "x", "table": "vitals", "kind": "no_rows", "query": "SELECT v.id FROM {batch} AS v"},
     "must not alias"),
    ({"name": "x", "table": "vitals", "kind": "no_rows",
      "query": "SELECT id FROM {batch} JOIN users AS u ON u.id = recorded_by"}, "must alias"),
    ({"name": "x", "table": "vitals", "kind": "share", "where": "heart_rate > 100"}, "needs 'min', 'max'"),
    ({"name": "x", "table": "vitals", "kind": "values_between", "column": "bmi", "min": "ten"}, "must be a number"),
    ({"name": "x", "table": "vitals", "kind": "values_between", "column": "bmi", "query": "x"}, "do not apply"),
])
def test_expectations_file_errors_are_one_line(tmp_path, entry, message):
    path = tmp_path / "expectations.yml"
    path.write_text(json.dumps({"version": 1, "expectations": [entry]}), encoding="utf-8")
    with pytest.raises(ReportError) as err:
        xfile.load(path, {"vitals", "users"})
    assert message in str(err.value)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_neutral_sql_is_rendered_per_engine():
    query = neutralsql.outside_set_query("timestamp", ("a", "b"), ("id", "timestamp"))
    mysql, postgres = neutralsql.render(query, "mysql"), neutralsql.render(query, "postgres")
    assert "CAST(`timestamp` AS CHAR)" in mysql and "FROM {batch}" in mysql
    assert 'CAST("timestamp" AS TEXT)' in postgres
    assert neutralsql.render("SELECT '{x}' FROM {batch}", "mysql") == "SELECT '{{x}}' FROM {batch}"
    assert neutralsql.simple_bounds("pain_scale >= 0 AND pain_scale <= 10") == {
        "pain_scale": neutralsql.Bounds(Decimal(0), Decimal(10))}
    assert neutralsql.simple_bounds("a > 0 OR a IS NULL") is None
