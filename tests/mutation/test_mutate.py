"""``dbintegrity mutate`` on real engines: every operator's DDL applies and changes the schema, the gate
kills real mutants, and a survivor fails the command until ``mutants.yml`` explains it.

The commands run in-process against the servers this session already started (``--provider url``), so
this module starts no server of its own.  The full gate takes minutes per engine, so the command runs
here select a part of it with ``--pytest-args -k ...``: the command under test is the same, only the
gate it runs is smaller.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.mutation.operators import OPERATORS, VIEW_OPERATORS
from dbintegrity.mutation.run import Mutant, build_mutants, plan, write_mutant
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import CONTRACT_FILE
from dbintegrity.runner.process import server_url
from dbintegrity.servers.runtime import DB_PREFIX
from dbintegrity.sqltext.split import split_file

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
PACK = "healthcare_mgmt"
STRUCTURE = ["--pytest-args", "-k", "test_structure"]


@pytest.fixture
def schema(dbi_runtime):
    return contract.load(dbi_runtime.pack(PACK).contract_path)


PACK_OF = {"drop_exclusion": "chirona"}
"""Operators with no target in healthcare_mgmt, and the pack whose first target they take instead."""

GRANT_OPERATORS = ("revoke_grant", "widen_grant")
"""They change privileges on purpose: the check that column privileges survive does not apply to them."""


@pytest.mark.parametrize(("operator", "key"), [
    # the first target of each, as `dbintegrity mutate` takes it; the view operators change what a view answers,
    # not anything the contract states (healthcare_mgmt has no views): tests/views/test_view_fixture.py has them
    *((op, None) for op in OPERATORS if op not in VIEW_OPERATORS),
    ("revoke_grant", "hm_finance:visits"),  # a column-level privilege: SELECT(appointment_id, ...)
    ("widen_grant", "hm_nurse:visits"),  # lacks DELETE while holding a column-level UPDATE(notes)
])
def test_operator_ddl_applies_and_changes_the_live_schema(engine, operator, key, dbi_runtime, tmp_path):
    """The mutation file, split and run as the gate would load it, changes exactly the target."""
    pack = PACK_OF.get(operator, PACK)
    schema = contract.load(dbi_runtime.pack(pack).contract_path)
    [(_, target)] = [pair for pair in plan(schema, [operator], every_target=key is not None)
                     if key in (None, pair[1].key)]
    [built] = build_mutants(dbi_runtime, engine, pack, schema, [(OPERATORS[operator], target)])
    assert isinstance(built, Mutant), built.detail
    path = write_mutant(dbi_runtime.pack(pack).path, dbi_runtime.pack_folders(engine, pack), built, tmp_path)
    table, *columns = built.focus
    database = dbi_runtime.database(engine, pack, "mutant")
    try:
        eng = dbi_runtime.engine(engine)
        with eng.connection(dbi_runtime.server(engine), database) as conn:
            grants_before = _column_grants(conn, eng.dialect, table, columns)
            eng.execute_script(conn, split_file(path, dialect=eng.dialect_dir))
            if operator not in GRANT_OPERATORS:
                assert _column_grants(conn, eng.dialect, table, columns) == grants_before, "column privileges were lost"
        live = dbi_runtime.introspect(engine, database)
    finally:
        dbi_runtime.drop(engine, database)
    diffs = contract.compare(schema, live, engine)
    assert diffs, f"{operator} on {built.target} changed nothing the contract states: {built.statements}"
    assert all(table in d for d in diffs), f"{operator} changed more than {table}: {diffs}"
    assert any(c in d for d in diffs for c in columns), f"no difference names {columns}: {diffs}"
    _assert_seen_live(operator, target, schema, live)


def _assert_seen_live(operator, target, schema, live):
    """What a trigger or grant operator promises, read back from the engine: the trigger gone, or the role's
    grants on the table exactly the contract's minus the revoked operation / plus the granted one."""
    if operator == "drop_trigger":
        assert target.obj.name not in [tr.name for tr in live.tables[target.table].triggers]
    elif operator in GRANT_OPERATORS:
        role, op = target.obj.role, target.obj.operation
        want = set(schema.privileges.get(role, {}).get(target.table, ()))
        have = set(live.privileges.get(role, {}).get(target.table, ()))
        assert have == (want - {op} if operator == "revoke_grant" else want | {op}), (op, sorted(have))


def _one_engine(cfg):
    """PostgreSQL when configured: its runs clone the loaded pack instead of replaying it, so they are quicker."""
    return "postgres" if "postgres" in cfg.engines else cfg.engines[0]


def _column_grants(conn, dialect, table, columns):
    """Who may do what with the target's columns: a mutation must change its rule, not its privileges.
    Keyed by the engine's SQL dialect, so ``mysql@9.7`` and MariaDB (MySQL's dialect) find theirs."""
    schema = {"mysql": "DATABASE()", "postgres": "current_schema()"}[dialect]
    cur = conn.cursor()
    cur.execute("SELECT column_name, grantee, privilege_type, is_grantable FROM information_schema.column_privileges "
                f"WHERE table_schema = {schema} AND table_name = %s", (table,))
    rows = sorted(tuple(map(str, r)) for r in cur.fetchall() if r[0] in columns)
    cur.close()
    return rows


def _url_args(runtime, engines):
    args = ["--provider", "url", "--engines", ",".join(engines)]
    for engine in engines:
        args += [f"--{engine}-url", server_url(runtime.server(engine))]
    return args


def _our_leftovers(runtime, engines):
    """Databases of the command's gate runs and its scratch dirs still present after it returned.

    Gate runs are sessions of their own (worker ``m``), so under xdist with a shared url server the
    other workers' databases (``gw1``...) are not mistaken for ours.
    """
    ours = re.compile(rf"{DB_PREFIX}[0-9a-f]+_m_")
    left = [name for e in engines for name in runtime.engine(e).list_databases(runtime.server(e), DB_PREFIX)
            if ours.match(name) and not name.startswith(runtime.prefix)]
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
    engine = _one_engine(dbi_config)
    packs = tmp_path / "packs"
    shutil.copytree(REPO / "sql" / PACK, packs / PACK)
    junit = tmp_path / "mutants.xml"
    args = ["mutate", PACK, "--operator", "drop_check", "--packs", str(packs), "--junitxml", str(junit),
            *_url_args(dbi_runtime, [engine]), "--pytest-args", "-k", "test_structure and test_table"]

    assert cli.main(args) == 1
    out = capsys.readouterr().out
    [(_, first)] = plan(contract.load(packs / PACK / CONTRACT_FILE), ["drop_check"], every_target=False)
    target = first.key
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
    engine = _one_engine(dbi_config)
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


def test_postgres_generated_column_change_keeps_what_went_with_the_column(dbi_runtime, dbi_config):
    """Before PostgreSQL 17 the column is dropped and added again: its CHECK, index and grants come back."""
    if "postgres" not in dbi_config.engines:
        pytest.skip("postgres is not among the configured engines")
    from dbintegrity.engines.postgres.mutations import PostgresMutations
    from dbintegrity.pack.model import Column

    database = dbi_runtime.create_database("postgres", "gencol")
    try:
        with dbi_runtime.connect("postgres", database) as conn:
            conn.execute("CREATE TABLE t (a int, b int, c int GENERATED ALWAYS AS (a - b) STORED CHECK (c < 100))")
            conn.execute("CREATE INDEX t_c ON t (c)")
            conn.execute("GRANT SELECT (c) ON t TO PUBLIC")
            conn.execute("GRANT UPDATE (c) ON t TO pg_monitor WITH GRANT OPTION")  # a built-in role: nothing to drop

            class Catalog:
                def rows(self, query, params=()):
                    return [tuple(r) for r in conn.execute(query, params).fetchall()]

            state = ("SELECT (SELECT array_agg(pg_get_constraintdef(oid)) FROM pg_constraint "
                     "WHERE conrelid = 't'::regclass), "
                     "(SELECT array_agg(indexdef) FROM pg_indexes WHERE tablename = 't'), "
                     "(SELECT attacl::text FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'), "
                     "pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.adrelid = 't'::regclass")
            before = conn.execute(state).fetchone()
            for statement in PostgresMutations(Catalog()).change_generated("t", Column("c", "integer", True,
                                                                                        generated="a + b")):
                conn.execute(statement)
            after = conn.execute(state).fetchone()
    finally:
        dbi_runtime.drop("postgres", database)
    assert after[:3] == before[:3]
    assert (before[3], after[3]) == ("(a - b)", "(a + b)")
