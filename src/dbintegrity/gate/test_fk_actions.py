"""Foreign keys, by doing it: delete or re-key the parent, then look at every row of a small world.

For each FK of the contract: insert a child, its parent, and the child's descendants to the end of each
chain; delete the parent (ON DELETE) or change its key (ON UPDATE); compare every row with
:mod:`dbintegrity.probes.fk_simulation`.  CASCADE must remove or update the whole chain, SET NULL must null, RESTRICT /
NO ACTION must fail with the engine's FK error and leave every row as it was.  An orphan insert must be
rejected.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack.model import ForeignKey, Schema, Table
from dbintegrity.probes import worlds
from dbintegrity.probes.findings import orphan_accepted
from dbintegrity.probes.fk_simulation import Expectation, simulate_delete, simulate_update
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import as_stored, checks_of, unique_value, valid_plan

pytestmark = pytest.mark.integrity


def _run(probe: ProbeSession, data: st.DataObject, table: str, fk: ForeignKey, mode: str) -> None:
    schema: Schema = probe.schema
    if (mode == "update" and fk.ref_table == table and fk.on_update in ("CASCADE", "SET NULL")
            and not probe.engine.capabilities.self_referencing_update_actions):
        pytest.skip(f"cannot probe: {table}.{fk.key} references its own table with ON UPDATE {fk.on_update}, which "
                    f"{probe.engine.name} carries out as RESTRICT (InnoDB does not cascade an update into the table "
                    "being updated)")
    plan, parent_idx = worlds.build(data, schema, table, fk)
    world = worlds.rows_of(plan)
    with probe.example():
        _at, out = probe.apply(plan)
        if not out.ok:
            raise probe.fail(f"{table}.{fk.key}: a row the contract allows was rejected while building the world",
                             want="every insert accepted", have=str(out))
        parent = world[parent_idx]
        key = probe.key_of(parent.table, parent.values)
        if mode == "delete":
            expected = simulate_delete(schema, world, parent_idx)
            done = probe.delete(parent.table, key)
        else:
            new = _new_key(data, schema, parent.table, fk.ref_columns, parent.values)
            expected = simulate_update(schema, world, parent_idx, new)
            done = probe.update(parent.table, new, key)
        note(probe.reproduction())
        _compare(probe, f"{table}.{fk.key} ON {mode.upper()} {fk.on_delete if mode == 'delete' else fk.on_update}",
                 expected, done, world)


def _new_key(data: st.DataObject, schema: Schema, table: str, columns: tuple[str, ...],
             current: dict[str, Any]) -> dict[str, Any]:
    """New values for the referenced key that the parent's own CHECKs accept (``HMS/001`` under a format
    CHECK): the key of another valid row of the parent table; plain unique values if no draw differs."""
    for attempt in range(20):
        other = data.draw(valid_plan(schema, table, drawn=frozenset(columns)),  # the key: the rest is not written
                          label=f"new {table} key ({attempt + 1})").target.row
        if all(other.get(c) is not None for c in columns) and any(other[c] != current.get(c) for c in columns):
            return {c: other[c] for c in columns}
    ref_cols = schema.tables[table].columns
    return {c: unique_value(ref_cols[c]) for c in columns}


def _compare(probe: ProbeSession, what: str, expected: Expectation, done: Any, world: list[Any]) -> None:
    chain = "; ".join(expected.why) or "no referencing rows"
    if expected.error and done.ok:
        raise probe.fail(what, want=f"rejected ({expected.error}): {chain}", have="accepted")
    if not expected.error and not done.ok:
        raise probe.fail(what, want=f"accepted: {chain}", have=str(done))
    if expected.error and done.kind != expected.error:
        raise probe.fail(what, want=f"rejected ({expected.error})", have=f"rejected ({done.kind}): {done.message}")
    schema = probe.schema
    for before, after in zip(world, expected.rows, strict=True):
        table = schema.tables[before.table]
        fk_cols = sorted({c for fk in table.foreign_keys for c in fk.columns})
        have = probe.fetch(before.table, probe.key_of(before.table, after.values))
        if after.deleted:
            if have is not None:
                raise probe.fail(what, want=f"{before.table} row {probe.key_of(before.table, before.values)} deleted "
                                 f"({chain})", have="still there", rows=str(have))
            continue
        if have is None:
            raise probe.fail(what, want=f"{before.table} row {probe.key_of(before.table, before.values)} kept "
                             f"({chain})", have="gone")
        want_fk = {c: after.values.get(c) for c in fk_cols}
        have_fk = {c: have.get(c) for c in fk_cols}
        if want_fk != have_fk:
            raise probe.fail(what, want=f"{before.table} foreign keys {want_fk} ({chain})", have=str(have_fk))


@pytest.mark.dbi_contract("foreign_key")
@given(data=st.data())
def test_fk_on_delete(engine, item, dbi_probe, data):
    _probe_fk_on_delete(item, dbi_probe, data)


def _probe_fk_on_delete(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    try:
        _run(dbi_probe, data, it.table, it.expected, "delete")
    except CANNOT_PROBE as exc:
        skip_because(exc)


@pytest.mark.dbi_contract("foreign_key")
@given(data=st.data())
def test_fk_on_update(engine, item, dbi_probe, data):
    _probe_fk_on_update(item, dbi_probe, data)


def _probe_fk_on_update(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    try:
        _run(dbi_probe, data, it.table, it.expected, "update")
    except CANNOT_PROBE as exc:
        skip_because(exc)


@pytest.mark.dbi_contract("foreign_key")
@given(data=st.data())
def test_fk_rejects_orphan(engine, item, dbi_probe, data):
    """A child pointing at a parent that does not exist is rejected with the FK error."""
    _probe_fk_rejects_orphan(item, dbi_probe, data)


def _probe_fk_rejects_orphan(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    fk: ForeignKey = it.expected
    table = dbi_probe.schema.tables[it.table]
    try:
        orphan = {c: unique_value(table.columns[c]) for c in fk.columns}
        plan = data.draw(valid_plan(dbi_probe.schema, it.table, orphan, drawn=frozenset(orphan)))  # the orphan key
    except CANNOT_PROBE as exc:
        skip_because(exc)
    with dbi_probe.example():
        child = plan.target
        dbi_probe.build_parents(plan)
        # The drawn row, then the same row with its other nullable columns NULL: MySQL 9.7.4 stores an orphan
        # when the key leads a composite index whose later column is NULL (README, engine differences).
        variant = _nulls_elsewhere(table, fk, child.row)
        for attempt in [child.row, *([variant] if variant != child.row else [])]:
            out = dbi_probe.insert(child.table, attempt)
            note(dbi_probe.reproduction())
            if out.ok and (finding := orphan_accepted(dbi_probe, it.table, fk, attempt, dbi_probe.log[-1])):
                raise finding
            if out.ok or out.kind != "fk":
                raise dbi_probe.fail(f"{it.table}.{fk.key} -> {fk.ref_table}: insert of an orphan",
                                     want="rejected (fk)",
                                     have=out.verdict + (f": {out.message}" if out.message else ""), rows=str(attempt))


def _nulls_elsewhere(table: Table, fk: ForeignKey, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every nullable column outside the foreign key NULL, when the table's CHECKs allow it."""
    variant = {c: None if c not in fk.columns and c in table.columns and table.columns[c].nullable else v
               for c, v in row.items()}
    try:
        return variant if all(check.check_passes(as_stored(table, variant)) for check in checks_of(table)) else row
    except CANNOT_PROBE:
        return row
