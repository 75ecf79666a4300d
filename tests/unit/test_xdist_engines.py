"""Engines side by side: each engine's tests in one xdist worker, and the options ``dbintegrity check`` adds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dbintegrity.config import resolve
from dbintegrity.errors import ConfigError, PackError
from dbintegrity.runner.check import parallel_args, preload_packs, run_check
from dbintegrity.runner.xdist_engines import CROSS_ENGINE_SCOPE, EngineScheduling, engine_of

ENGINES = ("mysql", "postgres", "postgres@18")


@pytest.mark.parametrize(("nodeid", "engine"), [
    ("src/dbintegrity/gate/test_columns.py::test_unique[mysql-patients:unique(mrn)]", "mysql"),
    ("src/dbintegrity/gate/test_structure.py::test_table[postgres-billing]", "postgres"),
    ("src/dbintegrity/gate/test_structure.py::test_table[postgres@18-billing]", "postgres@18"),
    ("tests/rules/test_access.py::test_roles[postgres]", "postgres"),
    ("src/dbintegrity/gate/test_expressions.py::test_check[mysql-vitals:check(x REGEXP '[0-9]')]", "mysql"),
    ("tests/unit/test_config.py::test_defaults", None),
    ("tests/unit/test_x.py::test_y[mysqlish-1]", None),
])
def test_engine_of_reads_the_first_parameter(nodeid, engine):
    assert engine_of(nodeid, ENGINES) == engine


class _Config:
    """What LoadScopeScheduling reads of a pytest config."""

    class option:
        maxschedchunk = None

    def getvalue(self, name):
        return {"dist": "loadgroup", "tx": ["2*popen"]}.get(name)


@pytest.fixture
def scheduler():
    try:
        return EngineScheduling(_Config(), None, engines=ENGINES)
    except Exception as exc:  # pragma: no cover - an xdist whose constructor changed
        pytest.fail(f"EngineScheduling cannot be built on this pytest-xdist: {exc!r}")


def test_each_engine_is_one_scope_and_the_gates_cross_engine_tests_are_one_more(scheduler):
    scope = scheduler._split_scope
    assert scope("src/dbintegrity/gate/test_columns.py::test_enum[mysql-a.b]") == \
        scope("src/dbintegrity/gate/test_structure.py::test_table[mysql-c]") == "engine:mysql"
    assert scope("src/dbintegrity/gate/test_structure.py::test_table[postgres-c]") == "engine:postgres"
    assert scope("src/dbintegrity/gate/test_parity.py::test_parity[audit_log]") == \
        scope("src/dbintegrity/gate/test_parity.py::test_parity[billing]") == CROSS_ENGINE_SCOPE
    unit = "tests/unit/test_config.py::test_defaults"
    assert scope(unit) == unit  # anything else is scheduled one test at a time, as with --dist load


def test_a_marked_group_keeps_its_meaning(scheduler):
    assert scheduler._split_scope("tests/x.py::test_a[postgres-1]@slow") == "slow"


def test_check_runs_engines_side_by_side_by_default(monkeypatch, tmp_path):
    dbi_unit_config = resolve([], base=tmp_path)
    monkeypatch.delenv("DBINTEGRITY_JOBS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    three = replace(dbi_unit_config, engines=ENGINES)
    assert parallel_args(three, None) == ["-n", "2", "--dist", "loadgroup"]  # one per engine, one per core
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert parallel_args(three, None) == []  # one core: one engine after another
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert parallel_args(three, 2) == ["-n", "2", "--dist", "loadgroup"]
    assert parallel_args(three, 3) == ["-n", "3", "--dist", "loadgroup"]
    assert parallel_args(three, 1) == []
    assert parallel_args(replace(dbi_unit_config, engines=("mysql",)), None) == []
    monkeypatch.setenv("DBINTEGRITY_JOBS", "1")
    assert parallel_args(three, None) == []  # --jobs 1 through the environment forces serial
    monkeypatch.setenv("DBINTEGRITY_JOBS", "2")
    assert parallel_args(three, None) == ["-n", "2", "--dist", "loadgroup"]
    monkeypatch.setenv("DBINTEGRITY_JOBS", "two")
    with pytest.raises(ConfigError, match="DBINTEGRITY_JOBS='two'"):
        parallel_args(three, None)
    with pytest.raises(ConfigError, match="--jobs 0"):
        parallel_args(three, 0)


BAD_PACKS = Path(__file__).resolve().parents[2] / "fixtures" / "bad_packs"


@pytest.mark.parametrize(("case", "says"), [("missing_dialect", "no mysql/ folder"),
                                            ("empty_pack", "contain no SQL statements")])
def test_an_unreadable_pack_is_the_first_line_before_any_worker_starts(case, says, tmp_path, capsys):
    """Side by side, workers report in no fixed order: a pack that cannot be read is reported by the command
    itself, first, before pytest (and so before any server) starts."""
    cfg = replace(resolve([], base=tmp_path), packs_dir=BAD_PACKS, engines=("mysql", "postgres"), provider="local")
    errors = preload_packs(cfg, [case])
    assert errors and all(isinstance(e, PackError) and len(str(e).splitlines()) == 1 for e in errors), errors
    code = run_check(cfg, packs=[case], junitxml=None, extra=[], verbose=False)
    out = capsys.readouterr().out.splitlines()
    assert code == 2
    assert out == [f"dbintegrity check: error: {e}" for e in errors]  # every engine's line, and nothing before
    assert says in out[0], out
    assert preload_packs(replace(cfg, engines=("postgres",)), ["missing_dialect"]) == []  # the engine it has
