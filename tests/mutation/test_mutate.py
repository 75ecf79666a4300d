"""``dbintegrity mutate`` on real engines: every operator's DDL applies and changes the schema, the gate
kills real mutants, and a survivor fails the command until ``mutants.yml`` explains it.

The commands run in-process against the servers this session already started (``--provider url``), so
this module starts no server of its own.  The full gate takes minutes per engine, so the command runs
here select a part of it with ``--pytest-args -k ...``: the command under test is the same, only the
gate it runs is smaller.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dbintegrity import cli, contract
from dbintegrity.gate_process import server_url
from dbintegrity.mutate import Mutant, build_mutants, plan, write_mutant
from dbintegrity.mutators import OPERATORS
from dbintegrity.packs import CONTRACT_FILE
from dbintegrity.runtime import DB_PREFIX
from dbintegrity.sqlsplit import split_file

pytestmark = pytest.mark.integrity

REPO = Path(__file__).resolve().parents[2]
PACK = "healthcare_mgmt"
STRUCTURE = ["--pytest-args", "-k", "test_structure"]


@pytest.fixture
def schema(dbi_runtime):
    return contract.load(dbi_runtime.pack(PACK).contract_path)


@pytest.mark.parametrize("operator", list(OPERATORS))
def test_operator_ddl_applies_and_changes_the_live_schema(engine, operator, schema, dbi_runtime, tmp_path):
    """The mutation file, split and run as the gate would load it, changes exactly the target."""
    [built] = build_mutants(dbi_runtime, engine, PACK, schema, plan(schema, [operator], every_target=False))
    assert isinstance(built, Mutant), built.detail
    path = write_mutant(dbi_runtime.pack(PACK).path, dbi_runtime.engine(engine).dialect_dir, built, tmp_path)
    database = dbi_runtime.database(engine, PACK, "mutant")
    try:
        eng = dbi_runtime.engine(engine)
        with eng.connection(dbi_runtime.server(engine), database) as conn:
            eng.execute_script(conn, split_file(path, dialect=eng.dialect_dir))
        diffs = contract.compare(schema, dbi_runtime.introspect(engine, database), engine)
    finally:
        dbi_runtime.drop(engine, database)
    table, *columns = built.focus
    assert diffs, f"{operator} on {built.target} changed nothing the contract states: {built.statements}"
    assert all(table in d for d in diffs), f"{operator} changed more than {table}: {diffs}"
    assert any(c in d for d in diffs for c in columns), f"no difference names {columns}: {diffs}"


def _url_args(runtime, engines):
    args = ["--provider", "url", "--engines", ",".join(engines)]
    for engine in engines:
        args += [f"--{engine}-url", server_url(runtime.server(engine))]
    return args


def _our_leftovers(runtime, engines):
    """Databases of child runs and scratch dirs of ours still present after a command returned."""
    left = [name for e in engines for name in runtime.engine(e).list_databases(runtime.server(e), DB_PREFIX)
            if not name.startswith(runtime.prefix)]
    left += [p.name for p in Path(tempfile.gettempdir()).glob(f"dbintegrity-{os.getpid()}-mutants-*")]
    return left


def test_mutate_kills_dropped_fk_and_check_on_every_engine(dbi_runtime, dbi_config, capsys, tmp_path):
    engines = list(dbi_config.engines)
    junit = tmp_path / "mutants.xml"
    code = cli.main(["mutate", PACK, "--operator", "drop_fk", "--operator", "drop_check", "--jobs", "2",
                     "--junitxml", str(junit), *_url_args(dbi_runtime, engines), *STRUCTURE])
    out = capsys.readouterr().out
    assert code == 0, out
    for engine in engines:
        for operator in ("drop_fk", "drop_check"):
            assert any(engine in line and operator in line and "killed by test_" in line
                       for line in out.splitlines()), out
    assert f"{2 * len(engines)} killed" in out
    cases = ET.parse(junit).getroot().findall(".//testcase")
    assert len(cases) == 2 * len(engines)
    assert not any(c.find("failure") is not None or c.find("error") is not None for c in cases)
    assert _our_leftovers(dbi_runtime, engines) == []


def test_survivor_fails_the_command_until_explained(dbi_runtime, dbi_config, capsys, tmp_path):
    """With a gate that only checks that tables exist, a dropped CHECK survives: exit 1; explained, exit 0."""
    engine = dbi_config.engines[0]
    packs = tmp_path / "packs"
    shutil.copytree(REPO / "sql" / PACK, packs / PACK)
    junit = tmp_path / "mutants.xml"
    args = ["mutate", PACK, "--operator", "drop_check", "--packs", str(packs), "--junitxml", str(junit),
            *_url_args(dbi_runtime, [engine]), "--pytest-args", "-k", "test_structure and test_table"]

    assert cli.main(args) == 1
    out = capsys.readouterr().out
    target = "vitals:check(pain_scale >= 0 AND pain_scale <= 10)"
    assert any(engine in line and target in line and "SURVIVED (no gate test failed)" in line
               for line in out.splitlines()), out
    assert ET.parse(junit).getroot().find(".//testcase/failure") is not None

    (packs / PACK / "mutants.yml").write_text(
        "equivalent:\n"
        f"- operator: drop_check\n  engine: {engine}\n  target: '{target}'\n"
        "  why: this test's gate only checks that tables exist, so no check can be told apart.\n",
        encoding="utf-8")
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "survived, explained in mutants.yml" in out
    assert "1 survived as explained" in out
    assert ET.parse(junit).getroot().find(".//testcase/skipped") is not None
    assert _our_leftovers(dbi_runtime, [engine]) == []


def test_unmutated_pack_failing_the_gate_is_an_error_not_a_kill(dbi_runtime, dbi_config, capsys, tmp_path):
    engine = dbi_config.engines[0]
    packs = tmp_path / "packs"
    shutil.copytree(REPO / "sql" / PACK, packs / PACK)
    path = packs / PACK / CONTRACT_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "pain_scale: {type: integer, nullable: true}", "pain_scale: {type: integer, nullable: false}"),
        encoding="utf-8")
    code = cli.main(["mutate", PACK, "--operator", "drop_fk", "--packs", str(packs),
                     *_url_args(dbi_runtime, [engine]), "--pytest-args", "-k", "test_structure and test_column"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith(f"dbintegrity mutate: error: the unmutated pack {PACK} fails the gate on {engine} ")
    assert "vitals.pain_scale" in err[-1]
    assert "every mutant would look killed" in err[-1]


def test_unknown_operator_is_a_one_line_error(capsys):
    assert cli.main(["mutate", PACK, "--operator", "drop_fks"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["dbintegrity mutate: error: unknown operator 'drop_fks'; did you mean drop_fk?"]
