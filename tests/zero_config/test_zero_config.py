"""Zero-config mode (``dbintegrity check --sql``) on schemas that were not written for dbintegrity.

The fixtures under ``fixtures/zero_config/`` reproduce the shapes of well-known public sample databases
(a DVD-rental shop on MySQL and on PostgreSQL) and a generated 320-table schema.  For each, the command
must finish without a crash, fail nothing, print the summary table by probe kind with its counts, and
give a reason for every probe it could not build.

The commands run in-process against the servers this session already started (``--provider url``), with
the ``ci`` Hypothesis profile (few, derandomised examples).  The big schema runs a small ``--sample`` of
each probe kind: what is under test there is that zero-config copes with its size, not every probe.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.mutation.run import server_url
from dbintegrity.runner.check import OUTCOMES

pytestmark = pytest.mark.selftest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zero_config"
ROW = re.compile(r"^(\w+) +" + r" +".join([r"(\d+)"] * len(OUTCOMES)) + r" +(ok|FAIL|none) +(\d+) of (\d+)(?: \((.+)\))?$")
SKIP = re.compile(r"^ +(\d+) x (\w+): (.+)$")

# Per fixture: the probe kinds that must have run (passed > 0), and skip reasons that must be given,
# each for a shape the fixture has on purpose.
CASES = [
    pytest.param(
        "film_rental/mysql", "mysql", [],
        {"check_verdict", "default", "enum_domain", "fk_on_delete", "fk_rejects_orphan", "not_null",
         "on_update_current_timestamp", "unique", "view_columns", "trigger"},
        ["staff.store_id is a NOT NULL foreign key in a cycle (store -> staff -> store)",
         "film_review.reviewed_on = NULL was accepted on INSERT and a value stored instead: BEFORE INSERT "
         "trigger review_dated",
         "category.parent_id references its own table with ON UPDATE CASCADE",
         "default (GEN_RANDOM_UUID()) of external_ref is an expression we do not evaluate"],
        id="film_rental-mysql"),
    pytest.param(
        "film_rental_pg/postgres", "postgres", [],
        {"check_verdict", "default", "enum_domain", "fk_on_delete", "fk_on_update", "fk_rejects_orphan",
         "not_null", "unique", "view_columns", "trigger"},
        # the staff <-> store cycle is written in one statement on PostgreSQL; what stops it is store's identity key
        ["staff.store_id references store.store_id, which the engine fills itself (GENERATED ALWAYS AS IDENTITY)",
         "film.fulltext = NULL was accepted on INSERT and a value stored instead: BEFORE INSERT trigger "
         "film_fulltext",
         "which the engine fills itself (GENERATED ALWAYS AS IDENTITY)",
         "promo_code.region = NULL is also refused by CHECK (region IS NOT NULL AND",
         "default (CURRENT_USER) of changed_by is an expression we do not evaluate"],
        id="film_rental_pg-postgres"),
    pytest.param(
        "namespaces/mysql", "mysql", [],
        {"fk_on_delete", "fk_rejects_orphan", "not_null", "unique", "default", "table"}, [],
        id="own-database-mysql"),
    pytest.param(
        "namespaces/postgres", "postgres", [],
        {"check_verdict", "fk_on_delete", "fk_rejects_orphan", "not_null", "unique", "default", "table",
         "view_columns"}, [],
        id="schemas-postgres"),
    pytest.param(
        "shapes/mysql", "mysql", [],
        {"default", "fk_on_delete", "fk_rejects_orphan", "not_null", "unique"}, [],
        id="shapes-mysql"),
    pytest.param(
        "shapes/postgres", "postgres", [],
        {"check_verdict", "default", "fk_on_delete", "fk_rejects_orphan", "not_null", "unique"},
        ["billing_event.occurred_at = NULL is also refused by CHECK (occurred_at IS NOT NULL AND"],
        id="shapes-postgres"),
    pytest.param(
        "wide/mysql", "mysql", ["--sample", "3"],
        {"check_verdict", "default", "fk_on_delete", "not_null", "unique"},
        ["sampled: 4091 more column items of schema not run"],
        id="wide-mysql"),
    pytest.param(
        "wide/postgres", "postgres", ["--sample", "3"],
        {"check_verdict", "default", "fk_on_delete", "not_null", "unique"},
        ["sampled: 4091 more column items of schema not run"],
        id="wide-postgres"),
]


def _summary(out: str) -> tuple[dict[str, dict[str, int]], list[tuple[str, str]]]:
    """The per-kind table and the (kind, reason) skip lines that ``dbintegrity check`` printed."""
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("probe kind"))
    assert lines[header].split()[2:] == [*OUTCOMES, "verdict", "probed", "of", "items"], lines[header]
    table: dict[str, dict[str, int]] = {}
    for line in lines[header + 1:]:
        m = ROW.match(line)
        if not m:
            break
        counts = dict(zip(OUTCOMES, map(int, m.groups()[1:1 + len(OUTCOMES)]), strict=True))
        probed, items = int(m.group(len(OUTCOMES) + 3)), int(m.group(len(OUTCOMES) + 4))
        assert probed == counts["passed"] + counts["failed"] + counts["error"], line
        assert m.group(len(OUTCOMES) + 2) == ("FAIL" if counts["failed"] + counts["error"] else
                                              "ok" if counts["passed"] else "none"), line
        table[m.group(1)] = dict(counts, probed=probed, items=items, why=m.group(len(OUTCOMES) + 5) or "")
    skips = [(m.group(2), m.group(3)) for line in lines if (m := SKIP.match(line))]
    return table, skips


@pytest.mark.parametrize(("fixture", "engine", "extra", "must_run", "reasons"), CASES)
def test_zero_config_survives_a_real_world_shape(fixture, engine, extra, must_run, reasons, dbi_runtime, dbi_config,
                                                  capsys, monkeypatch):
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    monkeypatch.delenv("DBINTEGRITY_SAMPLE", raising=False)
    code = cli.main(["check", "--sql", str(FIXTURES / fixture), "--engine", engine, *extra, "--provider", "url",
                     f"--{engine}-url", server_url(dbi_runtime.server(engine))])
    out, err = capsys.readouterr()
    both = out + err
    assert "Traceback" not in both and "INTERNALERROR" not in both, both[-6000:]
    first_failure = out.find("_ test_")  # the first failure's own section, where its have/want are
    assert code == 0, f"exit status {code}:\n{out[max(first_failure, 0):][:6000]}\n...\n{out[-3000:]}\n{err[-2000:]}"

    table, skips = _summary(out)
    assert table, out[-3000:]
    for kind, counts in table.items():
        assert counts["failed"] == counts["error"] == 0, (kind, counts)
    idle = sorted(k for k in must_run if table.get(k, {}).get("passed", 0) == 0)
    assert not idle, f"probe kinds that never ran: {idle}\n{out[-4000:]}"

    skipped = sum(c["skipped"] for c in table.values())
    assert "skipped, and why:" in out
    assert sum(int(m.group(1)) for line in out.splitlines() if (m := SKIP.match(line))) == skipped, \
        "every skip is listed with its reason"
    assert all(reason.strip() for _kind, reason in skips)
    for reason in reasons:
        assert any(reason in r for _k, r in skips), f"no skip says {reason!r}:\n" + "\n".join(
            f"{k}: {r}" for k, r in skips)
    assert f"from {FIXTURES / fixture} on {engine}" in err  # the derived-contract line


def test_wide_fixture_is_what_its_generator_writes():
    """The committed wide/ schema is the generator's output: regenerate it after changing make_wide.py."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(FIXTURES / "make_wide.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr


def _check(engine, dbi_runtime, capsys, *argv):
    code = cli.main(["check", "--engine", engine, "--provider", "url",
                     f"--{engine}-url", server_url(dbi_runtime.server(engine)), *argv])  # --pytest-args last
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_sampled_coverage_is_shown_as_items_probed_of_items(engine, dbi_runtime, dbi_config, capsys, monkeypatch):
    """``--sample`` shows in every row: ``fk_on_delete 3 of 250 (247 left out by --sample)``, nobody mistakes it
    for the whole schema."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    code, out, err = _check(engine, dbi_runtime, capsys, "--sql", str(FIXTURES / "wide" / engine), "--sample", "3",
                            "--pytest-args", "-k", "fk_on_delete or not_null")
    assert code == 0, out[-3000:] + err[-2000:]
    table, _skips = _summary(out)
    for kind in ("fk_on_delete", "not_null"):
        row = table[kind]
        assert row["probed"] == 3 and row["items"] > 100, row
        assert f"{row['items'] - 3} left out by --sample" in row["why"], row


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_no_table_is_no_pass(engine, dbi_runtime, dbi_config, capsys, monkeypatch):
    """Files that create no table end the run with exit 2 and one line saying where it looked: never ``ok``."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    code, out, err = _check(engine, dbi_runtime, capsys, "--sql", str(FIXTURES / "nothing" / engine))
    assert code == 2, out[-3000:] + err[-2000:]
    line = err.strip().splitlines()[-1]
    assert re.fullmatch(rf"dbintegrity check: error: --sql \S+nothing/{engine}: no tables in database dbi_\w+ on "
                        rf"{engine} \(1 views, which need tables to probe\); the files created no table anywhere "
                        r"\(1 statements applied\): nothing to check", line), line
    assert "probe kind" not in out and " ok" not in out


def test_a_schema_without_tables_names_the_schemas_that_have_them(dbi_runtime, dbi_config, capsys):
    """``--schema`` pointed where the files put nothing: the line names the schemas that hold tables."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    code, out, err = _check("postgres", dbi_runtime, capsys, "--sql", str(FIXTURES / "namespaces" / "postgres"),
                            "--schema", "nowhere")
    assert code == 2, out[-3000:] + err[-2000:]
    line = err.strip().splitlines()[-1]
    assert re.fullmatch(r"dbintegrity check: error: --sql \S+: no tables in schema nowhere of database dbi_\w+ on "
                        r"postgres; the files created schema \"ChironaSchema\" \(1 table\), schema \"billing\" "
                        r"\(1 table\), schema \"public\" \(1 table\): pass --schema ChironaSchema --schema billing "
                        r"--schema public", line), line


def test_schema_narrows_the_run(dbi_runtime, dbi_config, capsys, monkeypatch):
    """``--schema ChironaSchema``: its quoted mixed-case table is the only table probed, named as such."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    code, out, err = _check("postgres", dbi_runtime, capsys, "--sql", str(FIXTURES / "namespaces" / "postgres"),
                            "--schema", "ChironaSchema", "-v")
    assert code == 0, out[-3000:] + err[-2000:]
    assert "derived a contract for 1 tables and 0 views" in err
    assert "test_table[postgres-ChironaSchema.Patient] PASSED" in out
    table, _skips = _summary(out)
    assert table["table"]["probed"] == 1 and table["unique"]["passed"] >= 1, table
    # the foreign key into public leaves the run with its parent table: that probe says why it cannot be built
    assert table["fk_on_delete"]["probed"] == 0


def test_mysql_refuses_schema(dbi_runtime, dbi_config, capsys):
    if "mysql" not in dbi_config.engines:
        pytest.skip("this run does not include mysql")
    code, _out, err = _check("mysql", dbi_runtime, capsys, "--sql", str(FIXTURES / "namespaces" / "mysql"),
                             "--schema", "clinic")
    assert code == 2
    assert err.strip().endswith("--schema: mysql has no schemas inside a database; the databases the files create "
                                "are all tested in the run's own database (drop --schema)"), err


def test_own_database_is_mapped_onto_the_runs(dbi_runtime, dbi_config, capsys, monkeypatch):
    """``DROP/CREATE DATABASE clinic; USE clinic;`` leave no database ``clinic`` on the server."""
    if "mysql" not in dbi_config.engines:
        pytest.skip("this run does not include mysql")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    engine = dbi_runtime.engine("mysql")
    server = dbi_runtime.server("mysql")
    code, out, err = _check("mysql", dbi_runtime, capsys, "--sql", str(FIXTURES / "namespaces" / "mysql"),
                            "--pytest-args", "-k", "test_table")
    assert code == 0, out[-3000:] + err[-2000:]
    assert "the files create database clinic: tested in the run's own database dbi_" in err
    assert "derived a contract for 2 tables" in err
    assert engine.list_databases(server, "clinic") == []


def _introspected(dbi_runtime, engine: str, folder: Path):
    """The schema of ``folder``'s files as ``engine`` holds it, loaded into a database of this run."""
    from dbintegrity.sqltext.split import split_file

    eng = dbi_runtime.engine(engine)
    database = dbi_runtime.create_database(engine, "shapes")
    with eng.connection(dbi_runtime.server(engine), database) as conn:
        eng.execute_script(conn, [st for f in sorted(folder.glob("*.sql")) for st in split_file(f, dialect=engine)])
        schema = eng.introspect(conn, database)
    dbi_runtime.drop(engine, database)
    return schema


def test_partitions_rules_are_the_parents(dbi_runtime, dbi_config):
    """Foreign keys and CHECKs declared on the partitions are rules of the partitioned table the probes write to."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    schema = _introspected(dbi_runtime, "postgres", FIXTURES / "shapes" / "postgres")
    assert "billing_event_2024_01" not in schema.tables
    event = schema.tables["billing_event"]
    assert [(fk.columns, fk.ref_table) for fk in event.foreign_keys] == [(("account_id",), "account")]
    assert "amount >= 0" in [c.expression for c in event.checks]
    lab = schema.tables["lab_result"]
    assert "(NOT (site IS NOT NULL AND (site IN ('STH', 'EST'))) OR ((((value >= (0)::numeric) AND " \
           "(value <= (100)::numeric)))))" in [c.raw for c in lab.checks], [c.raw for c in lab.checks]
    tag = schema.tables["tag"]
    assert not tag.nulls_distinct(("label",)) and schema.tables["folder"].nulls_distinct(("name", "parent_id"))


def _engine_stores_the_orphan(dbi_runtime, engine: str) -> bool:
    """The issue's reproduction run by hand: does this engine store ``(5, NULL)`` with no parent 5?"""
    eng = dbi_runtime.engine(engine)
    database = dbi_runtime.create_database(engine, "finding")
    folder = FIXTURES / "engine_findings" / engine
    try:
        from dbintegrity.sqltext.split import split_file

        with eng.connection(dbi_runtime.server(engine), database) as conn:
            eng.execute_script(conn, [st for f in sorted(folder.glob("*.sql")) for st in split_file(f, dialect=engine)])
            cur = conn.cursor()
            try:
                cur.execute("INSERT INTO c (p, kw) VALUES (5, NULL)")
            except eng.driver_errors:
                return False
            finally:
                cur.close()
            return True
    finally:
        dbi_runtime.drop(engine, database)


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_an_engine_that_breaks_a_declared_rule_is_named(engine, dbi_runtime, dbi_config, capsys, monkeypatch):
    """MySQL 9.7.4 stores an orphan under a composite index with a NULL later column: the probe catches it,
    says in words that the ENGINE broke the schema's rule, and prints a reproduction with the tables' DDL.
    An engine that keeps the rule passes the same probe."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    broken = _engine_stores_the_orphan(dbi_runtime, engine)
    code, out, _err = _check(engine, dbi_runtime, capsys, "--sql", str(FIXTURES / "engine_findings" / engine),
                            "--pytest-args", "-k", "fk_rejects_orphan")
    table, _skips = _summary(out)
    if not broken:
        assert code == 0 and table["fk_rejects_orphan"]["passed"] == 1, out[-3000:]
        return
    assert code == 1 and table["fk_rejects_orphan"]["failed"] == 1, out[-3000:]
    assert re.search(rf"ENGINE FINDING: {engine} \S+ broke a rule the schema declares: it stored a row of c whose "
                     r"FOREIGN KEY \(p\) REFERENCES par \(id\) points at no parent row\.", out), out[-4000:]
    assert "the engine, not the schema, is at fault" in out
    repro = out[out.index(f"minimal reproduction on {engine}:"):]
    assert "CREATE TABLE `par`" in repro and "CREATE TABLE `c`" in repro and "KEY `p` (`p`,`kw`)" in repro
    assert re.search(r"INSERT INTO `c` \(`p`, `kw`\) VALUES \(\d+, NULL\);", repro), repro[:2000]
    assert "-- returns the orphan" in repro


def test_engines_that_disagree_are_listed_with_the_failing_engines_reproduction(dbi_runtime, dbi_config, tmp_path,
                                                                                capsys, monkeypatch):
    """``dbintegrity check`` over several engines ends with the contract items one engine passes and another
    fails, each with the failure and its reproduction on the failing engine.  The MySQL 9.7.4 orphan shows
    up there by itself, on the engine that stores it."""
    if not {"mysql", "postgres"} <= set(dbi_config.engines):
        pytest.skip("needs both mysql and postgres in this run")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    packs = tmp_path / "packs"
    shutil.copytree(FIXTURES / "engine_findings", packs / "engine_findings")
    servers = [f"--{e}-url={server_url(dbi_runtime.server(e))}" for e in ("mysql", "postgres")]
    assert cli.main(["snapshot", "engine_findings", "--packs", str(packs), "--engine", "postgres",
                     "--provider", "url", *servers]) == 0
    capsys.readouterr()
    code = cli.main(["check", "engine_findings", "--packs", str(packs), "--engines", "mysql,postgres",
                     "--provider", "url", *servers, "--pytest-args", "-k", "fk_rejects_orphan"])
    out = capsys.readouterr().out
    broken = [e for e in ("mysql", "postgres") if _engine_stores_the_orphan(dbi_runtime, e)]
    if not broken:
        assert code == 0 and "engines disagree" not in out, out[-3000:]
        return
    assert code == 1, out[-3000:]
    listing = out[out.index("engines disagree on 1 contract item(s)"):]
    assert re.search(r"engine_findings: fk_rejects_orphan c\.p->par\.id:CASCADE: passes on postgres; fails on "
                     + ", ".join(broken), listing), listing[:3000]
    assert "ENGINE FINDING" in listing and "minimal reproduction on mysql:" in listing, listing[:3000]
