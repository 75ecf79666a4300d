"""``dbintegrity seed``: every table filled, deterministic per seed and identical across engines, the pack's
contract and business rules kept (checked in SQL on the loaded data), non-empty databases refused unless
told to append or replace, clear one-line errors for bad input.

Everything runs at a small scale (about 1,000 generated rows) so the file stays well under a minute.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dbintegrity import cli
from dbintegrity.errors import DbIntegrityError, PackError
from dbintegrity.report import neutralsql
from dbintegrity.seed import ProfileError, SeedError, SeedResult, seed_database

pytestmark = pytest.mark.selftest

PACK = "healthcare_mgmt"
SCALE = 0.1
"""About 1,040 generated rows (plus the audit rows the pack's triggers write)."""
_SEEDED: dict[tuple[int, str], tuple[str, SeedResult]] = {}


def seeded(runtime, engine: str, tmp: Path) -> tuple[str, SeedResult]:
    """One database per engine seeded with seed 0, shared by the tests that only read it."""
    key = (id(runtime), engine)
    if key not in _SEEDED:
        database = runtime.database(engine, PACK, "seedtest")
        _SEEDED[key] = (database, seed_database(runtime, engine, database, PACK, scale=SCALE, seed=0,
                                                progress=False, log_dir=tmp))
    return _SEEDED[key]


@pytest.fixture
def logs(tmp_path_factory):
    return tmp_path_factory.mktemp("seed-logs")


def query(runtime, engine: str, database: str, sql: str) -> list[tuple]:
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        cur.execute(sql)
        rows = [tuple(r) for r in cur.fetchall()]
        cur.close()
        return rows
    finally:
        conn.close()


def counts(runtime, engine: str, database: str) -> dict[str, int]:
    q = runtime.engine(engine).quote
    return {t: query(runtime, engine, database, f"SELECT COUNT(*) FROM {q(t)}")[0][0]
            for t in runtime.contract(PACK).tables}


# -- one seeded database per engine --------------------------------------------------------------------------
def test_every_table_has_rows_and_the_result_says_so(dbi_runtime, engine, logs):
    database, result = seeded(dbi_runtime, engine, logs)
    in_db = counts(dbi_runtime, engine, database)

    assert all(n > 0 for n in in_db.values()), in_db
    assert set(result.rows) == set(in_db)
    for t in result.tables:
        assert t.dropped == {}, f"{t.table}: the profile made rows that break {t.dropped}"
        assert t.in_table == in_db[t.table]
        if t.table == "audit_log":  # written by the pack's triggers: one row per audited row seeded
            assert t.rows == 0 and t.checksum is None and t.in_table > 500
        else:
            assert t.rows == in_db[t.table] > 0 and len(t.checksum) == 64
    assert 900 < result.total_rows < 1200
    assert set(result.seconds) >= {"generate", "encode", "load", "verify", "total"}
    log = result.log_path.read_text()
    assert result.log_path.parent == logs and "checksum" in log and "patients: loaded" in log


def test_loaded_rows_keep_the_contract(dbi_runtime, engine, logs):
    """Foreign keys resolve, ENUM columns hold labels, CHECK, UNIQUE and the generated column hold."""
    database, _ = seeded(dbi_runtime, engine, logs)
    schema = dbi_runtime.contract(PACK)
    q = dbi_runtime.engine(engine).quote
    problems = []

    conn = dbi_runtime.connect(engine, database)
    cur = conn.cursor()

    def none(sql: str, what: str) -> None:
        cur.execute(sql)
        n = cur.fetchone()[0]
        if n:
            problems.append(f"{what}: {n} rows")

    for name, table in schema.tables.items():
        for fk in table.foreign_keys:
            c, p = fk.columns[0], fk.ref_columns[0]
            none(f"SELECT COUNT(*) FROM {q(name)} x WHERE x.{q(c)} IS NOT NULL AND NOT EXISTS "
                 f"(SELECT 1 FROM {q(fk.ref_table)} y WHERE y.{q(p)} = x.{q(c)})", f"{name}.{c} orphans")
        for col in table.columns.values():
            if col.enum and col.family == "enum":
                labels = ", ".join("'" + label + "'" for label in col.enum)
                as_text = f"CONCAT({q(col.name)}, '')"  # the label as text on both engines (PostgreSQL: enum -> text)
                none(f"SELECT COUNT(*) FROM {q(name)} WHERE {q(col.name)} IS NOT NULL AND {as_text} NOT IN ({labels})",
                     f"{name}.{col.name} labels")
        for key in [table.primary_key, *table.uniques]:
            cols = ", ".join(q(c) for c in key)
            none(f"SELECT COUNT(*) FROM (SELECT {cols} FROM {q(name)} GROUP BY {cols} HAVING COUNT(*) > 1) d",
                 f"{name} UNIQUE ({cols})")
    none("SELECT COUNT(*) FROM vitals WHERE pain_scale < 0 OR pain_scale > 10", "vitals CHECK pain_scale")
    none("SELECT COUNT(*) FROM billing WHERE amount_due <> amount_charged - amount_paid OR amount_due < 0",
         "billing.amount_due (generated, and business rule 4)")
    cur.close()
    conn.close()
    assert not problems, problems


def test_business_rules_of_the_pack_hold(dbi_runtime, engine, logs):
    """The rules of the source no schema object enforces, stated in the seed profile: checked in SQL."""
    database, _ = seeded(dbi_runtime, engine, logs)
    rules = {
        "appointments not booked in the past": "SELECT COUNT(*) FROM appointments "
                                               "WHERE appointment_date < CAST(created_at AS DATE)",
        "one primary insurance per patient": "SELECT COUNT(*) FROM (SELECT patient_id FROM insurance "
                                             "WHERE coverage_type = 'primary' GROUP BY patient_id "
                                             "HAVING COUNT(*) > 1) d",
        "sessions expire within 24 h": "SELECT COUNT(*) FROM user_sessions WHERE expires_at <= created_at "
                                       "OR expires_at > created_at + INTERVAL '24 hours'",
        "vitals in realistic ranges": "SELECT COUNT(*) FROM vitals WHERE heart_rate NOT BETWEEN 30 AND 220 "
                                      "OR systolic_bp NOT BETWEEN 60 AND 250 OR diastolic_bp >= systolic_bp "
                                      "OR oxygen_saturation > 100",
        "paid at most what was charged": "SELECT COUNT(*) FROM billing WHERE amount_paid > amount_charged "
                                         "OR due_date < billing_date",
        "courses in order": "SELECT COUNT(*) FROM prescriptions WHERE end_date < start_date",
        "pediatrics sees children": "SELECT COUNT(*) FROM appointments a JOIN patients p ON p.id = a.patient_id "
                                    "JOIN users u ON u.id = a.doctor_id WHERE u.department = 'Pediatrics' "
                                    "AND p.date_of_birth <= a.appointment_date - INTERVAL '18 years'",
        "only doctors treat": "SELECT COUNT(*) FROM appointments a JOIN users u ON u.id = a.doctor_id "
                              "WHERE u.role <> 'doctor'",
    }
    broken = {name: n for name, sql in rules.items()  # neutral SQL, written for the engine by sqlglot
              if (n := query(dbi_runtime, engine, database, neutralsql.render(sql, engine, batch=False))[0][0])}
    assert not broken, broken


def test_same_seed_same_rows_on_both_engines(dbi_runtime, dbi_config, logs):
    if len(dbi_config.engines) < 2:
        pytest.skip("needs both engines (--engines mysql,postgres)")
    mysql_db, on_mysql = seeded(dbi_runtime, "mysql", logs)
    pg_db, on_postgres = seeded(dbi_runtime, "postgres", logs)

    assert on_mysql.checksums == on_postgres.checksums
    assert on_mysql.rows == on_postgres.rows
    # and what the engines stored reads back the same (types normalised by the drivers)
    for sql in ("SELECT id, email, role, created_at FROM users",
                "SELECT id, first_name, date_of_birth, blood_type, zip_code FROM patients",
                "SELECT invoice_number, amount_charged, amount_paid, amount_due, payment_status FROM billing",
                "SELECT id, temperature, weight, bmi, pain_scale FROM vitals",
                "SELECT id, appointment_time, duration_minutes FROM appointments"):
        mine = sorted(map(_plain, query(dbi_runtime, "mysql", mysql_db, sql)))
        theirs = sorted(map(_plain, query(dbi_runtime, "postgres", pg_db, sql)))
        assert mine == theirs, sql


def _plain(row: tuple) -> tuple:
    """Driver values made comparable: aware timestamps as UTC-naive, MySQL TIME (timedelta) as a time."""
    out = []
    for value in row:
        v = value
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        elif isinstance(v, dt.timedelta):
            v = (dt.datetime.min + v).time()
        elif isinstance(v, Decimal):
            v = str(v)
        out.append(v)
    return tuple(out)


def test_deterministic_across_runs_and_seed_sensitive(dbi_runtime, engine, logs):
    _, first = seeded(dbi_runtime, engine, logs)
    again = dbi_runtime.database(engine, PACK, "again")
    other = dbi_runtime.database(engine, PACK, "other")
    try:
        second = seed_database(dbi_runtime, engine, again, PACK, scale=SCALE, seed=0, progress=False, log_dir=logs)
        changed = seed_database(dbi_runtime, engine, other, PACK, scale=SCALE, seed=1, progress=False, log_dir=logs)
    finally:
        dbi_runtime.drop(engine, again)
        dbi_runtime.drop(engine, other)

    assert second.checksums == first.checksums
    assert second.log_path != first.log_path  # one log file per run
    assert set(changed.checksums) == set(first.checksums)
    assert all(changed.checksums[t] != first.checksums[t] for t in first.checksums)


TRICKY = ["tab\there", "back\\slash \\N and \\t", "new\nline\rreturn", "quote ' \" `tick`", "ünïcødé ✓ 漢字",
          "\\N"]


def test_escaping_and_type_based_values_on_both_engines(dbi_runtime, dbi_config, tmp_path, logs):
    """Text with tabs, newlines, backslashes, quotes and non-ASCII arrives exactly; tables the profile leaves
    out get type-based values that every constraint accepts, identically on both engines."""
    profile = tmp_path / "seed_profile.yml"
    profile.write_text(yaml.safe_dump({
        "fixtures": str(dbi_config.packs_dir.parent / "fixtures"),
        "tables": {"users": {"rows": 60, "columns": {"name": {"choice": TRICKY, "cover": True}}}},
    }, allow_unicode=True))
    stored, results = {}, {}
    for engine in dbi_config.engines:
        database = dbi_runtime.database(engine, PACK, "tricky")
        try:
            results[engine] = seed_database(dbi_runtime, engine, database, PACK, scale=0.2, profile=profile,
                                            progress=False, log_dir=logs)
            stored[engine] = sorted(r[0] for r in query(dbi_runtime, engine, database, "SELECT name FROM users"))
            rows = counts(dbi_runtime, engine, database)
            assert all(n > 0 for n in rows.values()), f"{engine}: tables left empty: {rows}"
        finally:
            dbi_runtime.drop(engine, database)
        assert set(stored[engine]) == set(TRICKY), engine
    if len(results) == 2:
        assert stored["mysql"] == stored["postgres"]
        assert results["mysql"].checksums == results["postgres"].checksums


# -- refuse, append, replace -----------------------------------------------------------------------------------
def test_refuses_a_database_that_has_rows(dbi_runtime, engine, logs):
    database, _ = seeded(dbi_runtime, engine, logs)
    before = counts(dbi_runtime, engine, database)

    with pytest.raises(SeedError, match=r"already has rows in .*pass --append to add rows or --replace"):
        seed_database(dbi_runtime, engine, database, PACK, scale=SCALE, progress=False, log_dir=logs)

    assert counts(dbi_runtime, engine, database) == before


def test_append_adds_new_rows_and_replace_starts_over(dbi_runtime, engine, logs):
    database = dbi_runtime.database(engine, PACK, "modes")
    try:
        first = seed_database(dbi_runtime, engine, database, PACK, scale=0.05, seed=3, progress=False, log_dir=logs)
        appended = seed_database(dbi_runtime, engine, database, PACK, scale=0.05, seed=3, mode="append",
                                 progress=False, log_dir=logs)
        after_append = counts(dbi_runtime, engine, database)
        replaced = seed_database(dbi_runtime, engine, database, PACK, scale=0.05, seed=3, mode="replace",
                                 progress=False, log_dir=logs)
        after_replace = counts(dbi_runtime, engine, database)
    finally:
        dbi_runtime.drop(engine, database)

    for table, n in first.rows.items():
        if n:
            assert after_append[table] == n + appended.rows[table], table
            assert appended.checksums[table] != first.checksums[table], f"{table}: appended the same rows again"
    assert {t: after_replace[t] for t in first.rows if first.rows[t]} == {t: n for t, n in first.rows.items() if n}
    assert replaced.checksums == first.checksums


# -- the command line ------------------------------------------------------------------------------------------
def test_cli_seeds_a_disposable_database_and_removes_it(dbi_config, engine, tmp_path, capsys):
    status = cli.main(["seed", PACK, "--engine", engine, "--scale", "0.05", "--seed", "2", "--log-dir",
                       str(tmp_path), "--provider", dbi_config.provider])

    out = capsys.readouterr()
    assert status == 0
    assert "seeded pack healthcare_mgmt into " + engine in out.out
    assert "vitals" in out.out and "(written by triggers)" in out.out
    assert "removed the disposable database" in out.out
    assert "[#" not in out.err  # no progress bar outside a terminal
    assert len(list(tmp_path.glob("seed_healthcare_mgmt_*.log"))) == 1


def test_cli_seeds_an_existing_database_by_url(dbi_runtime, engine, tmp_path, capsys):
    database = dbi_runtime.database(engine, PACK, "byurl")
    server = dbi_runtime.server(engine)
    url = server.url(database)
    try:
        status = cli.main(["seed", PACK, "--engine", engine, "--scale", "0.05", "--url", url,
                           "--log-dir", str(tmp_path)])
        out = capsys.readouterr()
        assert status == 0, out.err
        assert "removed" not in out.out
        assert counts(dbi_runtime, engine, database)["patients"] > 0
        status = cli.main(["seed", PACK, "--engine", engine, "--url", url, "--log-dir", str(tmp_path)])
        last = capsys.readouterr().err.splitlines()[-1]
        assert status == 2
        assert last.startswith("dbintegrity seed: error: ") and last.endswith("or --replace to delete them first")
    finally:
        dbi_runtime.drop(engine, database)


# -- bad input: one clear line, before any server is touched -----------------------------------------------------
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scale": 0}, "scale must be a number above 0"),
    ({"scale": float("nan")}, "scale must be a number above 0"),
    ({"scale": -2}, "scale must be a number above 0"),
    ({"mode": "merge"}, "mode must be one of refuse, append, replace"),
    ({"seed": -1}, "seed must be a whole number"),
])
def test_bad_arguments(dbi_runtime, kwargs, message, logs):
    with pytest.raises(SeedError, match=message):
        seed_database(dbi_runtime, "postgres", "nowhere", PACK, log_dir=logs, **kwargs)


def test_unknown_pack(dbi_runtime, logs):
    with pytest.raises(PackError, match=r"pack 'healthcare_mgm' not found.*did you mean healthcare_mgmt"):
        seed_database(dbi_runtime, "postgres", "nowhere", "healthcare_mgm", log_dir=logs)


@pytest.mark.parametrize(("profile", "message"), [
    ("tables: {patient: {rows: 5}}", r"tables\.patient: pack healthcare_mgmt has no table 'patient'; did you mean "
                                     "'patients'"),
    ("tables: {users: {columns: {rolle: uuid}}}", r"tables\.users\.columns\.rolle: table users has no column "
                                                  "'rolle'; did you mean 'role'"),
    ("tables: {users: {columns: {role: {choice: [admin, surgeon]}}}}", "'surgeon' not among the ENUM labels"),
    ("tables: {users: {columns: {name: person.frist_name}}}", "unknown provider 'person.frist_name'"),
    ("tables: {billing: {columns: {amount_due: {const: 1}}}}", "generated columns are never written"),
    ("tables: {users: {columns: {email: {template: x, null: 0.5}}}}", "given to a NOT NULL column"),
    ("tables: {users: {rows: -3}}", r"tables\.users\.rows: expected a whole number"),
    ("tables: {users: {columns: {name: {expr: 'first_name ||'}}}}", "cannot parse"),
])
def test_bad_profiles(dbi_runtime, dbi_config, tmp_path, profile, message, logs):
    path = tmp_path / "seed_profile.yml"
    path.write_text(f"fixtures: {dbi_config.packs_dir.parent / 'fixtures'}\n{profile}\n")
    with pytest.raises(ProfileError, match=message) as info:
        seed_database(dbi_runtime, "postgres", "nowhere", PACK, profile=path, log_dir=logs)
    assert isinstance(info.value, DbIntegrityError) and "\n" not in str(info.value)
    assert str(path) in str(info.value)
