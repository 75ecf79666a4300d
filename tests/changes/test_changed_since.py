"""``dbintegrity check --changed-since REF`` on a real engine: a one-table change runs that table's items only,
and still fails when the change breaks behaviour the contract states.

The fixture pack ``changes_tiny`` is committed in a scratch git repository; the working tree then changes
one table.  PostgreSQL only: the selection is engine-neutral, and one engine keeps this under a minute.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from changes_repo import PACK, edit, make_repo

pytestmark = pytest.mark.selftest
CLI_TIMEOUT_S = 300
RAN = re.compile(r"::(test_\w+)\[([^\]]+)\] (PASSED|FAILED|ERROR)")


def check(packs: Path) -> tuple[int, str, list[tuple[str, str, str]]]:
    env = dict(os.environ, HYPOTHESIS_PROFILE="ci", DBINTEGRITY_ENGINES="postgres")
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = subprocess.run([sys.executable, "-m", "dbintegrity.cli", "check", "--packs", str(packs), "--engines",
                           "postgres", "--changed-since", "HEAD", "-v"], capture_output=True, text=True, env=env,
                          timeout=CLI_TIMEOUT_S, check=False)
    return done.returncode, done.stdout + done.stderr, RAN.findall(done.stdout)


def test_a_loosened_check_in_the_ddl_alone_runs_only_its_table_and_fails(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")  # the contract still says 10
    code, out, ran = check(packs)
    assert code == 1, out
    assert "pack changes_tiny: changed since HEAD" in out and "vitals (postgres/01_schema.sql:15)" in out
    assert re.search(r"left out, unchanged since HEAD: .*\b9 column\b", out), out
    per_item = [(test, item) for test, item, _ in ran if not item.endswith(PACK)]
    assert per_item, out
    assert all(item.startswith("postgres-vitals") for _, item in per_item), per_item
    failed = {(test, item) for test, item, outcome in ran if outcome != "PASSED"}
    assert failed == {("test_check", "postgres-vitals:check(pain_scale >= 0 AND pain_scale <= 10)"),
                      ("test_check_verdict", "postgres-vitals:check(pain_scale >= 0 AND pain_scale <= 10)"),
                      ("test_nothing_undeclared", "postgres-vitals:undeclared(nothing-undeclared)")}, out
    assert "with pain_scale = 11" in out and "want: rejected (check)" in out


def test_a_change_kept_in_step_with_the_contract_passes_on_that_table_alone(tmp_path):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "DEFAULT 'nurse'", "DEFAULT 'doctor'")
    edit(packs, "contract.yml", "default: \"'nurse'\"", "default: \"'doctor'\"")
    code, out, ran = check(packs)
    assert code == 0, out
    items = {item for _, item, _ in ran if not item.endswith(PACK)}
    assert items and all(item.startswith("postgres-staff") for item in items), items
    assert ("test_default", "postgres-staff.role", "PASSED") in ran
