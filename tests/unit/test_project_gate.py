"""Plain ``pytest`` in a schema repository (only ``sql/<pack>/``, no test files) collects the gate.

Collection only (no database): the items are exactly those ``dbintegrity check`` runs
(``--pyargs dbintegrity.gate``), and nothing is added where it would surprise: a run given other paths,
a project without packs, a project whose own tests already import the gate.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dbintegrity.runner.project_gate import NODE_PREFIX

REPO = Path(__file__).resolve().parents[2]
ARGS = ("--collect-only", "-q", "-p", "no:cacheprovider", "--engines", "postgres")


@pytest.fixture
def schema_repo(pytester):
    shutil.copytree(REPO / "sql" / "hms_db", pytester.path / "sql" / "clinic")
    return pytester


def ids(result) -> list[str]:
    return [line for line in result.outlines if "::" in line]


def test_plain_pytest_m_integrity_collects_the_gate_for_the_projects_packs(schema_repo):
    result = schema_repo.runpytest_inprocess(*ARGS, "-m", "integrity")
    assert result.ret == 0, result.stdout.str()
    got = ids(result)
    assert got and all(i.startswith(f"{NODE_PREFIX}/test_") for i in got), got[:5]
    assert any("test_table[postgres-patients]" in i for i in got)
    check = schema_repo.runpytest_inprocess(*ARGS, "-m", "integrity", "--pyargs", "dbintegrity.gate")
    assert sorted(i.split("::", 1)[1] for i in got) == sorted(i.split("::", 1)[1] for i in ids(check))


def test_the_packs_folder_as_the_path_collects_the_gate(schema_repo):
    result = schema_repo.runpytest_inprocess(*ARGS, "sql")
    assert result.ret == 0 and ids(result), result.stdout.str()


def test_selection_options_apply_to_the_added_items(schema_repo):
    result = schema_repo.runpytest_inprocess(*ARGS, "-m", "integrity", "-k", "test_table")
    got = ids(result)
    assert got and all("::test_table[" in i for i in got)
    assert re.search(r"\d+ deselected", result.stdout.str())
    assert schema_repo.runpytest_inprocess(*ARGS, "-m", "not integrity").ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_run_given_other_paths_does_not_get_the_gate(schema_repo):
    schema_repo.makepyfile(test_own="def test_own():\n    assert 1 + 1 == 2\n")
    result = schema_repo.runpytest_inprocess(*ARGS, "test_own.py")
    assert ids(result) == ["test_own.py::test_own"]


def test_a_project_without_packs_is_left_alone(pytester):
    pytester.makepyfile(test_own="def test_own():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_inprocess(*ARGS)
    assert ids(result) == ["test_own.py::test_own"]


def test_a_project_whose_tests_import_the_gate_gets_it_once(schema_repo):
    # a module name no test of this repository has: pytester runs in this process, where the repository's own
    # tests/schema/test_structure.py may already be imported under the name test_structure
    schema_repo.makepyfile(test_project_structure="from dbintegrity.gate.test_structure import *  # noqa: F403\n")
    got = ids(schema_repo.runpytest_inprocess(*ARGS, "-m", "integrity"))
    assert got and not any(i.startswith(NODE_PREFIX) for i in got), got[:5]
    assert all(i.startswith("test_project_structure.py::") for i in got)
