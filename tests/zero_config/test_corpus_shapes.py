"""Failure shapes found by running zero-config on public schemas nobody here wrote (OMOP CDM 5.4 on
PostgreSQL, Open Hospital on MySQL), each reproduced by a small fixture of ``fixtures/zero_config/``.

- ``missing_includes``: an install script whose copy lacks some of the files it includes or loads; the user
  must learn at once how many are missing and what to do, in one line naming the including file and line.
- ``not_null_cycle``: concept and concept_class reference each other through NOT NULL foreign keys.  The
  schema is right (PostgreSQL accepts both rows written in one statement), so the skip must name the probe's
  limit, not claim that no row can exist.
- ``default_null``: ``DEFAULT NULL`` written out; PostgreSQL keeps it as ``NULL::character varying``, which
  must be no default (as on MySQL), not an expression the default probe cannot evaluate.
- ``myisam``: tables created ``ENGINE=MyISAM`` (and ``MEMORY``) keep their rows through ROLLBACK, so one
  probe's rows collided with the next one's (``ERROR 1062 Duplicate entry``): false failures.  Their write
  probes must be skipped, saying which table, its storage engine and the fix; the catalogue is still read,
  and the FOREIGN KEY clauses MyISAM dropped without a word must be said to be lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.mutate import server_url

pytestmark = pytest.mark.selftest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zero_config"


def _check(engine: str, sql: Path, extra: list[str], dbi_runtime, monkeypatch) -> int:
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    monkeypatch.delenv("DBINTEGRITY_SAMPLE", raising=False)
    return cli.main(["check", "--sql", str(sql), "--engine", engine, "--provider", "url",
                     f"--{engine}-url", server_url(dbi_runtime.server(engine)), *extra])


def _error_line(err: str) -> str:
    lines = [x for x in err.splitlines() if "error:" in x]
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    return lines[0]


def test_missing_includes_are_counted_in_one_actionable_line(dbi_runtime, dbi_config, capsys, monkeypatch):
    if "mysql" not in dbi_config.engines:
        pytest.skip("this run does not include mysql")
    top = FIXTURES / "missing_includes" / "create_all.sql"
    code = _check("mysql", top, [], dbi_runtime, monkeypatch)
    err = capsys.readouterr().err
    line = _error_line(err)
    assert code == 2, err
    assert f"{top}:4: `source step_02_menu.sql`: no such file (looked in " in line, line
    assert "1 more of its includes are missing too (step_03_reference.sql)" in line, line
    assert line.endswith("restore it, or give --sql the files to apply without this one"), line
    assert "loaded " not in err  # refused while reading, before anything reached a server


def test_missing_load_data_file_says_what_to_do(dbi_runtime, dbi_config, capsys, monkeypatch):
    if "mysql" not in dbi_config.engines:
        pytest.skip("this run does not include mysql")
    script = FIXTURES / "missing_includes" / "load_reference.sql"
    code = _check("mysql", script, [], dbi_runtime, monkeypatch)
    err = capsys.readouterr().err
    line = _error_line(err)
    assert code == 2, err
    assert f"{script}:3: `LOAD DATA LOCAL INFILE './data_en/ward.csv'" in line, line
    assert "no such file ./data_en/ward.csv" in line and line.endswith("without this statement"), line
    assert "loaded " not in err


def test_a_not_null_cycle_is_skipped_for_the_probes_limit_not_the_schemas(dbi_runtime, dbi_config, capsys,
                                                                          monkeypatch):
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    code = _check("postgres", FIXTURES / "not_null_cycle" / "postgres", ["--define", "cdmDatabaseSchema=public"],
                  dbi_runtime, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 0, out[-4000:] + err[-2000:]
    cycle = [x for x in out.splitlines() if "NOT NULL foreign key in a cycle" in x]
    assert cycle, out[-4000:]
    assert all("the probe writes each row in its own statement" in x for x in cycle), cycle
    assert "no first row can exist" not in out


def test_the_not_null_cycle_fixture_can_hold_rows(dbi_runtime, dbi_config):
    """What the skip above says: the schema is right, both rows go in together in one statement."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    db = dbi_runtime.create_database("postgres", "nn_cycle")
    conn = dbi_runtime.connect("postgres", db)
    try:
        cur = conn.cursor()
        for f in sorted((FIXTURES / "not_null_cycle" / "postgres").glob("*.sql")):
            cur.execute(f.read_text(encoding="utf-8").replace("@cdmDatabaseSchema.", "public."))
        with pytest.raises(Exception, match="violates foreign key constraint"):  # one row at a time: refused
            cur.execute("INSERT INTO concept VALUES (1, 'Gender', 'Concept Class')")
        cur.execute("WITH c AS (INSERT INTO concept VALUES (1, 'Gender', 'Concept Class')) "
                    "INSERT INTO concept_class VALUES ('Concept Class', 'Concept Class', 1)")
        cur.execute("INSERT INTO person VALUES (7, 1, NULL)")
        cur.execute("SELECT count(*) FROM person JOIN concept ON concept_id = gender_concept_id")
        assert cur.fetchone()[0] == 1
    finally:
        conn.close()
        dbi_runtime.drop("postgres", db)


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_default_null_is_no_default(engine, dbi_runtime, dbi_config):
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    db = dbi_runtime.create_database(engine, "default_null")
    conn = dbi_runtime.connect(engine, db)
    try:
        cur = conn.cursor()
        cur.execute((FIXTURES / "default_null" / engine / "schema.sql").read_text(encoding="utf-8"))
        conn.commit()
        table = dbi_runtime.introspect(engine, db).tables["patient"]
    finally:
        conn.close()
        dbi_runtime.drop(engine, db)
    defaults = {name: col.default for name, col in table.columns.items()}
    assert defaults == {"code": None, "first_name": None, "note": None, "born": None, "weight": None,
                        "city": None, "status": "'A'"}, defaults


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_a_float_default_is_probed(engine, dbi_runtime, dbi_config, capsys, monkeypatch):
    """Open Hospital's ``MMV_QTY float NOT NULL default 0`` was skipped as an expression we do not evaluate."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    code = _check(engine, FIXTURES / "float_default" / engine, [], dbi_runtime, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 0, out[-4000:] + err[-2000:]
    row = next(x.split() for x in out.splitlines() if x.startswith("default "))
    assert row[1:6] == ["4", "0", "0", "0", "ok"], row
    assert "expression we do not evaluate" not in out


def test_numeric_defaults_read_back_alike_on_both_engines(dbi_runtime, dbi_config):
    """PostgreSQL quotes a negative default ('-1'::integer, '-1.25'::real): still the number MySQL reports."""
    missing = {"mysql", "postgres"} - set(dbi_config.engines)
    if missing:
        pytest.skip(f"this run does not include {', '.join(sorted(missing))}")
    found = {}
    for engine in ("mysql", "postgres"):
        db = dbi_runtime.create_database(engine, "float_default")
        conn = dbi_runtime.connect(engine, db)
        try:
            conn.cursor().execute((FIXTURES / "float_default" / engine / "schema.sql").read_text(encoding="utf-8"))
            conn.commit()
            table = dbi_runtime.introspect(engine, db).tables["stock_movement"]
        finally:
            conn.close()
            dbi_runtime.drop(engine, db)
        found[engine] = {name: col.default for name, col in table.columns.items()}
    assert found["mysql"] == found["postgres"] == {"code": None, "delta": "-1", "qty": "0", "dose": "2.5",
                                                   "price": "-1.25"}, found


@pytest.mark.parametrize("engine", ["mysql", "mariadb"])
def test_tables_without_transactions_are_not_written_by_probes(engine, dbi_runtime, dbi_config, capsys, monkeypatch):
    """Open Hospital's MyISAM tables failed 9 probes with ``Duplicate entry``: rows of one probe outlived its
    ROLLBACK and met the next probe's.  Every probe that writes to such a table (its own, or through the parent
    of a foreign key) is skipped instead, and the tables stored with transactions are still probed."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    code = _check(engine, FIXTURES / "myisam" / "mysql", [], dbi_runtime, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 0, out[-4000:] + err[-2000:]
    assert "Duplicate entry" not in out
    for table, storage in (("ward", "MyISAM"), ("bed", "MyISAM"), ("bed_board", "MEMORY")):
        why = (f"cannot probe: {table} is {storage}: rows written by a probe survive ROLLBACK, so probes that write to "
               f"it are skipped; convert it with ALTER TABLE `{table}` ENGINE=InnoDB to have them probed")
        assert f"not_null: {why}" in out, out[-4000:]
    ward = "cannot probe: ward is MyISAM: rows written by a probe survive ROLLBACK"
    for kind in ("fk_on_delete", "fk_on_update"):  # shift (InnoDB) needs a ward row for either of its keys
        assert f"2 x {kind}: {ward}" in out, out[-4000:]
    rows = {x.split()[0]: x.split()[1:5] for x in out.splitlines() if x[:1].isalpha() and len(x.split()) > 5}
    assert rows["table"] == ["5", "0", "0", "0"], rows  # the catalogue of every table is still read
    assert rows["primary_key"] == ["5", "0", "0", "0"], rows
    assert rows["not_null"][:2] == ["3", "0"], rows  # nurse (InnoDB): id, name, grade probed
    assert rows["fk_rejects_orphan"][:2] == ["1", "0"], rows  # shift.ward_code: an orphan written into InnoDB
    lost = [x for x in err.splitlines() if "dropped the" in x]
    assert lost == ["bed is MyISAM: the engine dropped the 2 foreign keys the files declare on it (schema.sql:12, "
                    "schema.sql:19) without an error, so they are neither enforced nor in the derived contract, and no "
                    "probe tests them; create it with a storage engine that keeps them (ALTER TABLE `bed` "
                    "ENGINE=InnoDB, then add the keys again) to have them probed"], err
