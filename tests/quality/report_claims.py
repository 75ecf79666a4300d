"""Shared by the tests that prove a pack's data-quality claims (``sql/<pack>/expectations.yml``): seeded
databases that a test may break, the report run on one, and the verdicts a claims test asserts.

Each pack's test keeps what is its own: the statements that break each claim.  What every such test does
the same way (seed at scale 1, run the report, read ``summary.json``, insist that the claims file and the
breaking statements name the same claims) lives here once.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from dbintegrity.report import expectations_file as xfile
from dbintegrity.report.command import build, report_database
from dbintegrity.report.target import Target
from dbintegrity.seed import seed_database


def seeded_databases(dbi_runtime: Any, engine: str, tmp_path: Path, pack: str) -> Iterator[Callable[[str], str]]:
    """For a fixture: ``make(tag)`` seeds a fresh database of ``pack`` (scale 1, seed 5); all are dropped after."""
    made: list[str] = []

    def make(tag: str) -> str:
        database = dbi_runtime.database(engine, pack, tag)
        made.append(database)
        seed_database(dbi_runtime, engine, database, pack, scale=1, seed=5, mode="refuse", progress=False,
                      log_dir=tmp_path / tag)
        return database
    yield make
    for database in made:
        dbi_runtime.drop(engine, database)


def run_report(dbi_runtime: Any, dbi_config: Any, pack: str, engine: str, database: str, out: Path, *,
               tables_of: Collection[str] = ()) -> tuple[int, dict[str, Any], str]:
    """The report's exit status, summary and console text.  ``tables_of``: claims whose tables' rules (the
    contract's among them) are all the report runs, for data that a test changed only there."""
    console = io.StringIO()
    suite = build(dbi_config, pack)
    if tables_of:
        tables = {r.table for r in suite.rules if r.id in tables_of}
        suite = dataclasses.replace(suite, rules=[r for r in suite.rules if r.table in tables])
    status = report_database(suite, Target(engine, dbi_runtime.server(engine), database), out, stream=console)
    return status, json.loads((out / "summary.json").read_text(encoding="utf-8")), console.getvalue()


def claims_of(dbi_config: Any, pack: str) -> set[str]:
    """The claims ``expectations.yml`` of ``pack`` makes, by id."""
    return {r.id for r in xfile.load(dbi_config.packs_dir / pack / xfile.FILE).rules}


def assert_claims_hold(result: tuple[int, dict[str, Any], str], claims: set[str]) -> None:
    status, summary, console = result
    assert status == 0, [e for e in summary["expectations"] if not e["success"]]
    assert {e["id"] for e in summary["expectations"] if e["status"] == "passed"} >= claims
    assert "did not pass" not in console


def assert_exactly_these_fail(result: tuple[int, dict[str, Any], str], expected: set[str]) -> None:
    status, summary, console = result
    failed = {e["id"]: e for e in summary["expectations"] if not e["success"]}
    assert status == 1
    assert set(failed) == expected, sorted(failed)
    for rule_id in expected:
        assert failed[rule_id]["status"] == "failed"
        assert f"FAILED {rule_id}:" in console
