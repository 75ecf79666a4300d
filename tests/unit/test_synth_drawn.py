"""Which values of a probed row Hypothesis draws: the columns the probe is about, not the whole row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbintegrity.pack import contract
from dbintegrity.probes.synthesis import PlanBuilder, checks_of

CONTRACT = Path(__file__).resolve().parents[2] / "sql" / "healthcare_mgmt" / "contract.yml"
SCHEMA = contract.load(CONTRACT)


def _build(data: st.DataObject, table: str, drawn: frozenset[str] | None) -> tuple[int, dict[str, Any]]:
    """The Hypothesis draws a row of ``table`` took (the plan's seed included), and the row."""
    count = 0

    def draw(strategy: st.SearchStrategy[Any]) -> Any:
        nonlocal count
        count += 1
        return data.draw(strategy)

    builder = PlanBuilder(SCHEMA, draw)
    builder.drawn = drawn
    row = builder.row(table)
    return count, row


@settings(max_examples=10, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_only_the_columns_a_probe_is_about_are_drawn(data):
    table = SCHEMA.tables["vitals"]
    every, _ = _build(data, table.name, None)
    seed_only, row = _build(data, table.name, frozenset())
    assert seed_only == 1  # the seed of the plan's Random: every value of the row comes from it
    assert every > seed_only + 3, "without `drawn`, Hypothesis draws the row's columns"
    assert all(check.check_passes(row) for check in checks_of(table))  # still a row the schema accepts
    one, _ = _build(data, table.name, frozenset({"pain_scale"}))
    assert 1 < one < every
