"""Cross-engine differential: the same synthesised rows must get the same verdict on every engine.

Each example is a valid row with its parents, or a row that breaks exactly one named constraint; it runs
on every configured engine and the verdicts (``accepted`` / ``rejected (kind)``, and at which insert) must
agree, and agree with what the contract says.  A difference is a parity failure naming the rows and each
engine's verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note, reject
from hypothesis import strategies as st

from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack.model import Schema
from dbintegrity.probes.synthesis import Plan, Violation, valid_plan, violating_plan, violations

pytestmark = pytest.mark.integrity


@pytest.mark.dbi_contract("table", per_engine=False)
@given(data=st.data())
def test_parity(pack, item, dbi_probes, data):
    _probe_parity(item, dbi_probes, data)


def _probe_parity(item, dbi_probes, data) -> None:
    it = item_or_fail(item)
    if len(dbi_probes) < 2:
        pytest.skip(f"parity needs two engines; this run has {', '.join(dbi_probes) or 'none'}")
    schema = next(iter(dbi_probes.values())).schema
    options = [None, *(v for v in violations(schema, it.table) if not _null_is_the_clock(v, schema, dbi_probes))]
    violation = data.draw(st.sampled_from(options), label="constraint to break")
    try:
        plan: Plan = data.draw(valid_plan(schema, it.table) if violation is None
                               else violating_plan(schema, it.table, violation), label="rows")
    except CANNOT_PROBE as exc:
        if violation is not None:  # this constraint cannot be broken alone; the table's other draws still compare
            reject()
        skip_because(exc)
    last = len(plan.inserts) - 1
    want = "accepted" if violation is None else f"rejected ({violation.kind}) at insert {last}"
    verdicts: dict[str, str] = {}
    scripts: dict[str, str] = {}
    for engine, probe in dbi_probes.items():
        with probe.example():
            at, out = probe.apply(plan)
            verdicts[engine] = out.verdict if out.ok else f"{out.verdict} at insert {at}"
            scripts[engine] = probe.reproduction()
    note("\n".join(f"-- {e}\n{s}" for e, s in scripts.items()))
    rows = "; ".join(f"{ins.table} {ins.row}" for ins in plan.inserts)
    broken = "valid rows" if violation is None else f"breaks {violation.target} only"
    if len(set(verdicts.values())) > 1:
        pytest.fail(f"parity failure on {it.table} ({broken}):\n"
                    + "\n".join(f"  {e}: {v}" for e, v in verdicts.items())
                    + f"\n  rows: {rows}\n" + "\n".join(f"  reproduce on {e}:\n    " + s.replace("\n", "\n    ")
                                                       for e, s in scripts.items()), pytrace=False)
    verdict = next(iter(verdicts.values()))
    if verdict != want:
        pytest.fail(f"{it.table} ({broken}): want {want}, every engine says {verdict}\n  rows: {rows}\n"
                    + "\n".join(f"  reproduce on {e}:\n    " + s.replace("\n", "\n    ") for e, s in scripts.items()),
                    pytrace=False)


def _null_is_the_clock(violation: Violation, schema: Schema, probes: dict[str, Any]) -> bool:
    """A NULL into a NOT NULL TIMESTAMP breaks nothing on an engine that stores the current time for it
    (capability ``timestamp_null_stores_now``), so it is no single-constraint violation to compare on."""
    if violation.kind != "not_null":
        return False
    table, _, column = violation.target.partition(".")
    col = schema.tables[table].columns.get(column)
    return (col is not None and col.family == "timestamp"
            and any(p.engine.capabilities.timestamp_null_stores_now for p in probes.values()))
