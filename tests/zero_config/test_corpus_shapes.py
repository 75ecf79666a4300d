"""Failure shapes found by running zero-config on public schemas nobody here wrote (OMOP CDM 5.4 on
PostgreSQL, Open Hospital on MySQL), each reproduced by a small fixture of ``fixtures/zero_config/``.

- ``missing_includes``: an install script whose copy lacks some of the files it includes or loads; the user
  must learn at once how many are missing and what to do, in one line naming the including file and line.
- ``not_null_cycle``: concept and concept_class reference each other through NOT NULL foreign keys.  The
  schema is right: PostgreSQL accepts the cycle's rows written in one statement, and the probes write them
  so; every probe kind that needs those rows runs, and catches a schema broken in its way.
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
from dbintegrity.mutation.run import server_url
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import CONTRACT_FILE

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


CYCLE_KINDS = ("fk_on_delete", "fk_on_update", "fk_rejects_orphan", "not_null")
"""The probe kinds whose rows need the cycle's rows: each skipped every item of the cycle before PostgreSQL
wrote those rows together."""


def test_a_not_null_cycle_is_probed_where_its_rows_go_in_together(dbi_runtime, dbi_config, capsys, monkeypatch):
    """PostgreSQL checks foreign keys when a statement ends, so the cycle's rows written in one statement are
    accepted (capability ``writable_cte_inserts``): every item of every probe kind runs, none is skipped."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    code = _check("postgres", FIXTURES / "not_null_cycle" / "postgres", ["--define", "cdmDatabaseSchema=public"],
                  dbi_runtime, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 0, out[-4000:] + err[-2000:]
    assert "foreign key in a cycle" not in out, out[-4000:]
    rows = {x.split()[0]: x.split()[1:5] for x in out.splitlines() if x[:1].isalpha() and len(x.split()) > 5}
    items = {"fk_on_delete": "5", "fk_on_update": "5", "fk_rejects_orphan": "5", "not_null": "11"}
    assert {kind: rows[kind] for kind in CYCLE_KINDS} == {kind: [n, "0", "0", "0"] for kind, n in items.items()}, rows


def _cycle_pack(root: Path, dbi_runtime) -> Path:
    """The fixture as a pack of its own (``cycle``), with the contract read back from it as it is."""
    pack = root / "cycle"
    (pack / "postgres").mkdir(parents=True)
    for f in sorted((FIXTURES / "not_null_cycle" / "postgres").glob("*.sql")):
        (pack / "postgres" / f.name).write_text(f.read_text(encoding="utf-8").replace("@cdmDatabaseSchema.", "public."),
                                                encoding="utf-8")
    db = dbi_runtime.create_database("postgres", "cycle_contract")
    conn = dbi_runtime.connect("postgres", db)
    try:
        for f in sorted((pack / "postgres").glob("*.sql")):
            conn.cursor().execute(f.read_text(encoding="utf-8"))
        conn.commit()
        schema = dbi_runtime.introspect("postgres", db)
    finally:
        conn.close()
        dbi_runtime.drop("postgres", db)
    (pack / CONTRACT_FILE).write_text(contract.dump(schema, "cycle", "postgres"), encoding="utf-8")
    return pack


_REFERENCE = ("ALTER TABLE public.{t} DROP CONSTRAINT {name}; ALTER TABLE public.{t} ADD CONSTRAINT {name} "
              "FOREIGN KEY ({c}) REFERENCES public.{rt} ({rc}) {action};")


@pytest.mark.parametrize(("broken", "caught_by"), [
    pytest.param(_REFERENCE.format(t="observation_period", name="fpk_observation_period_period_type_concept_id",
                                   c="period_type_concept_id", rt="concept", rc="concept_id", action="ON DELETE CASCADE"),
                 "test_fk_on_delete[postgres-observation_period.period_type_concept_id->concept.concept_id:NO_ACTION]",
                 id="fk_on_delete"),
    pytest.param(_REFERENCE.format(t="concept", name="fpk_concept_concept_class_id", c="concept_class_id",
                                   rt="concept_class", rc="concept_class_id", action="ON UPDATE CASCADE"),
                 "test_fk_on_update[postgres-concept.concept_class_id->concept_class.concept_class_id:NO_ACTION]",
                 id="fk_on_update"),
    pytest.param("ALTER TABLE public.observation_period DROP CONSTRAINT fpk_observation_period_person_id;",
                 "test_fk_rejects_orphan[postgres-observation_period.person_id->person.person_id:NO_ACTION]",
                 id="fk_rejects_orphan"),
    pytest.param("ALTER TABLE public.concept ALTER COLUMN concept_class_id DROP NOT NULL;",
                 "test_not_null[postgres-concept.concept_class_id]", id="not_null"),
])
def test_the_cycles_probes_catch_a_broken_schema(broken, caught_by, dbi_runtime, dbi_config, capsys, monkeypatch,
                                                 tmp_path):
    """Each probe kind the cycle used to skip fails on a schema that breaks its contract in that kind's way (an
    FK action changed, a key dropped, NOT NULL dropped): the probes that now run are not vacuous."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("this run does not include postgres")
    pack = _cycle_pack(tmp_path, dbi_runtime)
    with (pack / "postgres" / "03_constraints.sql").open("a", encoding="utf-8") as ddl:
        ddl.write(broken + "\n")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    code = cli.main(["check", "cycle", "--packs", str(tmp_path), "--engines", "postgres", "--provider", "url",
                     "--postgres-url", server_url(dbi_runtime.server("postgres"))])
    out = capsys.readouterr().out
    assert code == 1, out[-4000:]
    failed = [x.split("::", 1)[1] for x in out.splitlines() if x.startswith("FAILED ") and "::" in x]
    assert caught_by in [f.split(" ", 1)[0] for f in failed], failed


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
