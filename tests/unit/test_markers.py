"""``pytest -m integrity`` in this repository selects exactly the gate that ``dbintegrity check`` runs.

The gate's tests live in :mod:`dbintegrity.gate` and are re-exported by ``tests/schema``, ``tests/constraints``
and ``tests/views``; the suite's own tests that need a database are marked ``selftest`` (or ``rules`` for the
hand-written pack rules), so they still run under plain ``pytest`` and in CI but not in the gate.  One
collection of the repository's tests (no database: ``--collect-only``, one engine and the small pack, about
5 s) is read item by item: its markers, the module its function comes from, the fixtures it uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dbintegrity import gate

REPO = Path(__file__).resolve().parents[2]
GATE_MODULES = sorted(f"dbintegrity.gate.{p.stem}" for p in Path(gate.__file__).parent.glob("test_*.py"))
DATABASE_FIXTURES = {"dbi_runtime", "dbi_server", "dbi_database", "dbi_template", "dbi_probe", "dbi_probes"}
OWN_MARKERS = ("integrity", "selftest", "rules")

_DUMP = '''
import json, os
def pytest_collection_finish(session):
    rows = []
    for item in session.items:
        fn = getattr(item, "function", None)
        rows.append({"nodeid": item.nodeid, "module": getattr(fn, "__module__", ""),
                     "markers": sorted({m.name for m in item.iter_markers()}),
                     "fixtures": sorted(getattr(item, "fixturenames", ()))})
    with open(os.environ["MARKER_DUMP"], "w") as f:
        json.dump(rows, f)
'''


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> list[dict]:
    here = tmp_path_factory.mktemp("markers")
    (here / "markerdump.py").write_text(_DUMP)
    out = here / "items.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBINTEGRITY_", "PYTEST_"))}
    env.update(PYTHONPATH=str(here), MARKER_DUMP=str(out), DBINTEGRITY_PROVIDER="local",
               DBINTEGRITY_ENGINES="postgres", DBINTEGRITY_PACK="hms_db")
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "markerdump",
                           "-p", "no:cacheprovider"], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert len(rows) > 100, f"only {len(rows)} items collected"
    return rows


def test_integrity_selects_exactly_the_gate_modules(collected):
    integrity = [r for r in collected if "integrity" in r["markers"]]
    not_gate = [r["nodeid"] for r in integrity if not r["module"].startswith("dbintegrity.gate.")]
    assert not not_gate, f"marked integrity but not part of the gate dbintegrity check runs: {not_gate[:5]}"
    unmarked_gate = [r["nodeid"] for r in collected
                     if r["module"].startswith("dbintegrity.gate.") and "integrity" not in r["markers"]]
    assert not unmarked_gate, f"gate tests without the integrity marker: {unmarked_gate[:5]}"
    assert sorted({r["module"] for r in integrity}) == GATE_MODULES, "a gate module is not re-exported under tests/"


def test_every_test_that_needs_a_database_carries_one_of_the_markers(collected):
    unmarked = [r["nodeid"] for r in collected
                if DATABASE_FIXTURES & set(r["fixtures"]) and not set(OWN_MARKERS) & set(r["markers"])]
    assert not unmarked, f"use a database but are marked none of {OWN_MARKERS}: {unmarked[:5]}"
    both = [r["nodeid"] for r in collected if len(set(OWN_MARKERS) & set(r["markers"])) > 1]
    assert not both, f"carry more than one of {OWN_MARKERS}: {both[:5]}"


def test_the_self_tests_are_collected_by_plain_pytest(collected):
    """Plain ``pytest`` (CI) still runs the self-tests: every marked folder shows up in one collection."""
    folders = {r["nodeid"].split("/")[1] for r in collected if "selftest" in r["markers"]}
    assert {"lifecycle", "mutation", "zero_config", "quality", "intake", "docker"} <= folders
    assert any("rules" in r["markers"] for r in collected)
