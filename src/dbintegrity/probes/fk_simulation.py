"""What a DELETE or key UPDATE must do to a set of rows, worked out from the contract alone.

The FK probes insert a small world of rows (a parent, its child, the child's own children...), change
the parent, and compare every row with this simulation: CASCADE chains are followed to the end, SET NULL
nulls, RESTRICT / NO ACTION make the whole statement fail and leave every row as it was.  The simulation
never looks at the database, so it is an independent statement of the rules the contract declares.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from dbintegrity.pack.model import ForeignKey, Schema


class NotSimulated(Exception):
    """An action we do not model (SET DEFAULT); the message is a skip reason."""


@dataclass
class WorldRow:
    table: str
    values: dict[str, Any]
    deleted: bool = False


@dataclass
class Expectation:
    error: str | None
    """``fk`` or ``not_null`` when the statement must fail (nothing changes), else None."""
    rows: list[WorldRow] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    """The chain of actions the simulation followed, for failure messages."""


def _referrers(schema: Schema, table: str) -> list[tuple[str, ForeignKey]]:
    return [(t.name, fk) for t in schema.tables.values() for fk in t.foreign_keys if fk.ref_table == table]


def _matches(child: WorldRow, fk: ForeignKey, parent_values: dict[str, Any]) -> bool:
    vals = [child.values.get(c) for c in fk.columns]
    return None not in vals and vals == [parent_values.get(rc) for rc in fk.ref_columns]


def simulate_delete(schema: Schema, world: list[WorldRow], target: int) -> Expectation:
    """Expected state after deleting ``world[target]``."""
    rows = copy.deepcopy(world)
    why: list[str] = []
    pending: list[tuple[WorldRow, ForeignKey, dict[str, Any]]] = []
    queue = [rows[target]]
    while queue:
        row = queue.pop()
        if row.deleted:
            continue
        row.deleted = True
        for child_table, fk in _referrers(schema, row.table):
            for child in rows:
                if child.table != child_table or child.deleted or not _matches(child, fk, row.values):
                    continue
                error = _act(schema, fk, fk.on_delete, child, None, why, f"delete {row.table}", queue, pending,
                             row.values)
                if error:
                    return Expectation(error, copy.deepcopy(world), why)
    return _finish(world, rows, pending, why)


def simulate_update(schema: Schema, world: list[WorldRow], target: int, new: dict[str, Any]) -> Expectation:
    """Expected state after ``UPDATE`` of ``world[target]``'s referenced key columns to ``new``."""
    rows = copy.deepcopy(world)
    why: list[str] = []
    pending: list[tuple[WorldRow, ForeignKey, dict[str, Any]]] = []
    first = rows[target]
    work = [(first, dict(first.values))]
    first.values.update(new)
    while work:  # every changed row acts on its own referrers in turn: chains followed to the end
        row, old = work.pop()
        for child_table, fk in _referrers(schema, row.table):
            if all(old.get(rc) == row.values.get(rc) for rc in fk.ref_columns):
                continue
            for child in rows:
                if child.table != child_table or child.deleted or not _matches(child, fk, old):
                    continue
                child_old = dict(child.values)
                cascade = {c: row.values[rc] for c, rc in zip(fk.columns, fk.ref_columns, strict=True)}
                error = _act(schema, fk, fk.on_update, child, cascade, why, f"update {row.table}", [], pending, old)
                if error:
                    return Expectation(error, copy.deepcopy(world), why)
                if child.values != child_old:
                    work.append((child, child_old))
    return _finish(world, rows, pending, why)


def _act(schema: Schema, fk: ForeignKey, action: str, child: WorldRow, cascade: dict[str, Any] | None,
         why: list[str], cause: str, queue: list[WorldRow],
         pending: list[tuple[WorldRow, ForeignKey, dict[str, Any]]], parent_old: dict[str, Any]) -> str | None:
    label = f"{child.table}.{fk.key}"
    if action == "CASCADE":
        if cascade is None:
            why.append(f"{cause} -> CASCADE deletes {label} row")
            queue.append(child)
        else:
            why.append(f"{cause} -> CASCADE updates {label}")
            child.values.update(cascade)
        return None
    if action == "SET NULL":
        table = schema.tables[child.table]
        if any(not table.columns[c].nullable for c in fk.columns if c in table.columns):
            why.append(f"{cause} -> SET NULL on NOT NULL {label}: error")
            return "not_null"
        why.append(f"{cause} -> SET NULL on {label}")
        for c in fk.columns:
            child.values[c] = None
        return None
    if action == "SET DEFAULT":
        raise NotSimulated(f"{label}: ON DELETE/UPDATE SET DEFAULT is not simulated")
    why.append(f"{cause} -> {action} on {label}")
    pending.append((child, fk, parent_old))
    return None


def _finish(world: list[WorldRow], rows: list[WorldRow], pending: list[tuple[WorldRow, ForeignKey, dict[str, Any]]],
            why: list[str]) -> Expectation:
    for child, fk, parent_old in pending:
        if not child.deleted and _matches(child, fk, parent_old):
            why.append(f"{child.table}.{fk.key} still references the old row: {fk.on_delete}/{fk.on_update} error")
            return Expectation("fk", copy.deepcopy(world), why)
    return Expectation(None, rows, why)
