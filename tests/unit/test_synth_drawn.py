"""Which values of a probed row Hypothesis draws: the columns the probe is about, not the whole row."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dbintegrity.pack import contract
from dbintegrity.pack.model import Check, Column, Index, Schema, Table
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


def _dated_slots() -> Schema:
    """``UNIQUE (starts_on, qty)``, both columns under CHECKs: the key's carrier is a checked column, whose value
    for a supporting row comes from the plan's Random (the shape of fixtures/zero_config/wide's w006)."""
    table = Table("slots", primary_key=("id",))
    table.columns["id"] = Column("id", "integer", False)
    table.columns["qty"] = Column("qty", "integer", False)
    table.columns["starts_on"] = Column("starts_on", "date", False)
    table.columns["ends_on"] = Column("ends_on", "date", True)
    table.indexes.append(Index(("starts_on", "qty"), unique=True))
    table.checks += [Check("qty >= 0 AND qty <= 10000"), Check("ends_on IS NULL OR ends_on >= starts_on")]
    return Schema(tables={"slots": table})


def test_rows_from_the_same_seed_still_get_new_keys():
    """Hypothesis starts every test with its simplest example (every seed 0) and copies draws between the
    plans of one example, so plans are often built from equal Randoms; a supporting row's UNIQUE key must still
    differ from the rows given before (each would be written next to them: a probe's second plan, a world's
    descendants)."""
    schema = _dated_slots()
    keys = set()
    for _ in range(40):
        builder = PlanBuilder(schema, lambda strategy: None, random.Random(7))  # no Hypothesis: a Random alone
        row = builder.row("slots")
        keys.add((row["starts_on"], row["qty"]))
    assert len(keys) == 40


def test_a_check_over_two_columns_is_met_by_drawing_both_again(monkeypatch):
    """``weight_unit = 'kg' AND weight <= 450 OR weight_unit = 'lbs' AND weight <= 999.99``: once weight is 1000,
    no unit passes, so the earlier column is drawn again with the later one (and keeps its value if the new one
    breaks a CHECK it met alone, ``systolic_bp BETWEEN 50 AND 300`` beside ``systolic_bp > diastolic_bp``).
    Drawing the last column alone rejected about half of healthcare_mgmt's vitals rows at the end."""
    rejected = []
    keep = PlanBuilder._assume

    def counting(self: PlanBuilder, condition: bool) -> None:
        if not condition:
            rejected.append(1)
        keep(self, condition)

    monkeypatch.setattr(PlanBuilder, "_assume", counting)
    made = []

    @settings(max_examples=100, suppress_health_check=list(HealthCheck), deadline=None, database=None)
    @given(data=st.data())
    def build(data):
        _count, row = _build(data, "vitals", frozenset(c.name for c in SCHEMA.tables["vitals"].columns.values()))
        made.append(row)

    build()
    assert len(made) >= 100
    assert len(rejected) < 0.2 * len(made), f"{len(rejected)} rows rejected for {len(made)} made"
