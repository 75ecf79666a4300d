"""Zero-config on the inputs people have: dumps, include chains, Flyway and numbered folders, the OHDSI
layout with placeholders, and an explicit order; and load errors that name the user's own file.

Each case loads on a real server (``--provider url`` against this session's servers), must derive the
tables the fixture creates, and runs a small sample of every probe kind with no failure.  What the
probes find is tested elsewhere; here it is that the schema arrives whole.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.mutation.run import server_url
from dbintegrity.servers.providers import local

pytestmark = pytest.mark.selftest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zero_config"
LOADED = re.compile(r"loaded (\d+) statements from (\d+) files? in [\d.]+ s")
DERIVED = re.compile(r"derived a contract for (\d+) tables and (\d+) views")

CASES = [
    pytest.param("postgres", ["pg_dump/clinic.sql"], [], (3, 1), id="pg_dump"),
    pytest.param("postgres", ["pg_dump/clinic_create.sql"], [], (3, 1), id="pg_dump-create"),
    pytest.param("mysql", ["mysqldump/clinic.sql"], [], (3, 1), id="mysqldump"),
    pytest.param("postgres", ["ohdsi"], ["--define", "cdmDatabaseSchema=public"], (4, 0), id="ohdsi-four-files"),
    pytest.param("postgres", ["flyway"], ["--define", "schema=public"], (3, 1), id="flyway"),
    pytest.param("mysql", ["numbered"], [], (2, 0), id="numbered"),
    pytest.param("mysql", ["numbered/2_wards.sql", "numbered/10_beds.sql"], [], (2, 0), id="explicit-order"),
    pytest.param("mysql", ["includes_mysql/create_all.sql"], [], (2, 0), id="mysql-source-chain"),
    pytest.param("postgres", ["includes_psql/install.sql"], [], (2, 0), id="psql-includes"),
]


def _check(engine, sql, extra, dbi_runtime, monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    monkeypatch.delenv("DBINTEGRITY_SAMPLE", raising=False)
    args = ["check", "--engine", engine, "--provider", "url", f"--{engine}-url",
            server_url(dbi_runtime.server(engine)), *extra]
    for path in sql:
        args += ["--sql", str(path)]
    return cli.main(args)


@pytest.mark.parametrize(("engine", "sql", "extra", "shape"), CASES)
def test_input_loads_whole(engine, sql, extra, shape, dbi_runtime, dbi_config, capsys, monkeypatch):
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    code = _check(engine, [FIXTURES / s for s in sql], [*extra, "--sample", "2"], dbi_runtime, monkeypatch)
    out, err = capsys.readouterr()
    assert code == 0, f"exit status {code}:\n{out[-4000:]}\n{err[-2000:]}"
    loaded, derived = LOADED.search(err), DERIVED.search(err)
    assert loaded and derived, err[-2000:]
    assert int(loaded.group(1)) > 0
    assert (int(derived.group(1)), int(derived.group(2))) == shape, err[-2000:]
    assert "passed" in out and " FAIL" not in out


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_load_error_names_the_users_file_line_and_statement(engine, tmp_path, dbi_runtime, dbi_config, capsys,
                                                            monkeypatch):
    """A statement the server rejects, two includes deep: the error names that file, not a staged copy."""
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    include = "source" if engine == "mysql" else "\\ir"
    (tmp_path / "top.sql").write_text(f"CREATE TABLE a (id int PRIMARY KEY);\n{include} steps/one.sql\n")
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "one.sql").write_text("-- step one\n\nCREATE TABLE b (id int PRIMARY KEY,\n"
                                                "  a_id int REFERENCES nowhere (id));\n")
    code = _check(engine, [tmp_path / "top.sql"], [], dbi_runtime, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2, err
    line = next(x for x in err.splitlines() if "error:" in x)
    assert f"{tmp_path / 'steps' / 'one.sql'}:3: `CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES" in line
    assert "nowhere" in line.split(" said ", 1)[1], line  # the server's own message
    assert "zeroconfig" not in err and "/schema/" not in err


def test_table_names_in_two_letter_cases_say_which_server_setting_they_need(tmp_path, dbi_runtime, dbi_config,
                                                                            capsys, monkeypatch):
    """A schema written for lower_case_table_names=1 (Open Hospital's ``BILLS`` renamed, then ``oh_bills``)
    fails on a case-sensitive server: the error line says why, not only that the table is missing."""
    engine = "mysql"
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    eng = dbi_runtime.engine(engine)
    with eng.connection(dbi_runtime.server(engine), None) as conn:
        cur = conn.cursor()
        cur.execute("SELECT @@lower_case_table_names")
        folds = str(cur.fetchone()[0]) != "0"
    if folds:
        pytest.skip("this server folds table names (lower_case_table_names != 0): the schema loads there")
    (tmp_path / "steps.sql").write_text("CREATE TABLE BILLS (id INT PRIMARY KEY);\n"
                                        "ALTER TABLE BILLS RENAME TO OH_BILLS;\n"
                                        "ALTER TABLE oh_bills ADD COLUMN total INT NULL;\n")
    code = _check(engine, [tmp_path / "steps.sql"], [], dbi_runtime, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2, err
    line = next(x for x in err.splitlines() if "error:" in x)
    assert f"{tmp_path / 'steps.sql'}:3: `ALTER TABLE oh_bills ADD COLUMN total INT NULL`" in line
    assert "ERROR 1146" in line and "there is a table OH_BILLS" in line and "lower_case_table_names=1" in line
    assert "--mysql-server-options=--lower-case-table-names=1" in line


def test_the_server_setting_a_schema_needs_is_one_option_of_the_local_provider(tmp_path, dbi_config, capsys,
                                                                               monkeypatch):
    """The fix that line names works: a local MySQL started (and initialised) with lower_case_table_names=1
    loads the schema, and the gate runs over it."""
    engine = "mysql"
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    ok, why = local.probe(dbi_config, engine)
    if not ok:
        pytest.skip(f"the local provider cannot run {engine} here: {why}")
    (tmp_path / "steps.sql").write_text("CREATE TABLE BILLS (id INT PRIMARY KEY, total INT NOT NULL);\n"
                                        "ALTER TABLE BILLS RENAME TO OH_BILLS;\n"
                                        "ALTER TABLE oh_bills ADD COLUMN note VARCHAR(20) NULL;\n")
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "ci")
    code = cli.main(["check", "--engine", engine, "--provider", "local", "--workdir", str(tmp_path / "work"),
                     "--mysql-server-options=--lower-case-table-names=1", *dbi_config.engine_flags(),
                     "--sql", str(tmp_path / "steps.sql")])
    out = capsys.readouterr().out
    assert code == 0, out[-4000:]
    assert re.search(r"^not_null +[1-9]\d* +0 +0", out, re.MULTILINE), out[-3000:]


def test_a_rejected_copy_row_is_named_by_its_own_line(tmp_path, dbi_runtime, dbi_config, capsys, monkeypatch):
    """pg_dump data: the row the server refuses is named by file and line, under its COPY statement."""
    engine = "postgres"
    if engine not in dbi_config.engines:
        pytest.skip(f"this run does not include {engine}")
    (tmp_path / "dump.sql").write_text("CREATE TABLE t (id integer PRIMARY KEY, born date NOT NULL);\n\n"
                                       "COPY public.t (id, born) FROM stdin;\n1\t2001-02-03\n2\tyesterday-ish\n\\.\n")
    code = _check(engine, [tmp_path / "dump.sql"], [], dbi_runtime, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2, err
    line = next(x for x in err.splitlines() if "error:" in x)
    assert f"{tmp_path / 'dump.sql'}:5: `COPY public.t (id, born) FROM stdin`: postgres said ERROR 22007" in line, line
