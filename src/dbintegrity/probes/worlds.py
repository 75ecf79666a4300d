"""Small worlds of rows for the FK probes: a row, its parents, and its descendants to the end of each chain."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dbintegrity.pack.model import ForeignKey, Schema
from dbintegrity.probes.fk_simulation import WorldRow
from dbintegrity.probes.synthesis import Plan, Unsynthesizable, valid_plan

MAX_ROWS = 20
MAX_LEVELS = 4


def referrers(schema: Schema, table: str) -> list[tuple[str, ForeignKey]]:
    return [(t.name, fk) for t in schema.tables.values() for fk in t.foreign_keys if fk.ref_table == table]


def build(data: st.DataObject, schema: Schema, table: str, fk: ForeignKey) -> tuple[Plan, int]:
    """A plan holding a row of ``table`` whose ``fk`` parent exists, plus descendants of that row.

    Returns the plan and the index of the parent row (the one a probe deletes or re-keys).
    """
    # Hypothesis draws the row's foreign key columns (what the probe is about); its other columns, its parents and
    # descendants come from the plan's seeded Random: any valid rows will do for them.
    plan: Plan = data.draw(valid_plan(schema, table, fresh_parents=True, drawn=frozenset(fk.columns)),
                           label=f"{table} row and parents")
    target = plan.target.row
    want = [target.get(c) for c in fk.columns]
    parent = next((i for i, ins in enumerate(plan.inserts) if ins.table == fk.ref_table and ins is not plan.target
                   and [ins.row.get(rc) for rc in fk.ref_columns] == want), None)
    if parent is None:
        raise Unsynthesizable(f"{table}.{fk.key}: could not build a parent row in {fk.ref_table}")
    frontier: list[tuple[str, dict[str, Any]]] = [(table, target)]
    for _level in range(MAX_LEVELS):
        following: list[tuple[str, dict[str, Any]]] = []
        for t, row in frontier:
            for child_table, cfk in referrers(schema, t):
                if child_table == t or len(plan.inserts) >= MAX_ROWS or any(rc not in row for rc in cfk.ref_columns):
                    continue
                overrides = {c: row[rc] for c, rc in zip(cfk.columns, cfk.ref_columns, strict=True)}
                try:
                    sub = data.draw(valid_plan(schema, child_table, overrides, drawn=frozenset(overrides)),
                                    label=f"{child_table} descendant")
                except Unsynthesizable:
                    continue
                plan.inserts += sub.inserts
                following.append((child_table, sub.target.row))
        frontier = following
        if not frontier:
            break
    return plan, parent


def rows_of(plan: Plan) -> list[WorldRow]:
    return [WorldRow(ins.table, dict(ins.row)) for ins in plan.inserts]
