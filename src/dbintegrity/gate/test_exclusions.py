"""Exclusion constraints (no double booking), proven by behaviour against an interval oracle in Python.

For each ``exclusions:`` item of a contract, two valid rows are built; the second takes the first's
``equal`` columns (the same doctor, the same staff member) and a period drawn around the first's:
overlapping, inside, around, identical, touching at either end (end = next start, which is *not* an
overlap: periods are half-open ``[start, end)``) and apart.  The engine must refuse the second row exactly
when :func:`overlaps` says the periods overlap, on INSERT and on an UPDATE that moves an accepted row
into the first's period.  A row that differs in an ``equal`` column never conflicts.  So PostgreSQL's
``EXCLUDE USING gist`` and MySQL's triggers are held to one rule; a dropped constraint or trigger is caught.

Period columns that are part of a foreign key (an assignment's copy of its shift's period) are set on the
parent row too, before it is written, so the row stays valid.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack.model import Exclusion, Table
from dbintegrity.probes.intervals import overlaps, period_pairs
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import Plan, valid_plan

pytestmark = pytest.mark.integrity

def _set_period(table: Table, plan: Plan, ex: Exclusion, period: tuple[dt.datetime, dt.datetime]) -> None:
    """Give the plan's target row ``period``, and the parent row its period columns reference, if any."""
    row = plan.target.row
    values = dict(zip(ex.during, period, strict=True))
    row.update(values)
    for fk in table.foreign_keys:
        moved = {col: values[col] for col in fk.columns if col in values}
        if not moved:
            continue
        parent_cols = dict(zip(fk.columns, fk.ref_columns, strict=True))
        for ins in plan.inserts[:-1]:
            if ins.table == fk.ref_table and all(ins.row.get(parent_cols[c]) == row.get(c) or c in moved
                                                  for c in fk.columns):
                ins.row.update({parent_cols[c]: v for c, v in moved.items()})
                break
        else:
            raise _NoParent(f"{table.name}: no parent row of {fk.ref_table} in the plan to carry the period")


class _NoParent(Exception):
    pass


def _row(probe: ProbeSession, data: st.DataObject, table: Table, ex: Exclusion,
         period: tuple[dt.datetime, dt.datetime], label: str) -> Plan:
    try:
        plan: Plan = data.draw(valid_plan(probe.schema, table.name), label=label)
    except CANNOT_PROBE as exc:
        skip_because(exc)
    try:
        _set_period(table, plan, ex, period)
    except _NoParent as exc:
        skip_because(exc)
    probe.build_parents(plan)
    return plan


@pytest.mark.dbi_contract("exclusion")
@given(data=st.data())
def test_no_overlap(engine, item, dbi_probe, data):
    _probe_no_overlap(item, dbi_probe, data)


def _probe_no_overlap(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    ex: Exclusion = it.expected
    table = dbi_probe.schema.tables[it.table]
    first, second = data.draw(period_pairs(), label="periods")
    want_refused = overlaps(first, second)
    with dbi_probe.example():
        one = _row(dbi_probe, data, table, ex, first, "first row")
        out = dbi_probe.insert(it.table, one.target.row)
        if not out.ok:
            raise dbi_probe.fail(f"{it.table}: the first row of {ex.name}", want="accepted", have=str(out),
                                 rows=str(one.target.row))
        two = _row(dbi_probe, data, table, ex, second, "second row")
        row = dict(two.target.row, **{c: one.target.row[c] for c in ex.equal})
        out = dbi_probe.insert(it.table, row)
        note(dbi_probe.reproduction())
        what = (f"{it.table} {ex.describe()}: [{first[0]}, {first[1]}) then [{second[0]}, {second[1]}) "
                f"with the same {', '.join(ex.equal)}")
        if out.ok == want_refused:
            raise dbi_probe.fail(f"INSERT {what}", want="rejected (overlap)" if want_refused else "accepted",
                                 have=str(out), rows=str(row))
        if want_refused:
            # The same row for someone else is no conflict; moved onto the first's period by UPDATE, it is.
            out = dbi_probe.insert(it.table, two.target.row)
            if not out.ok:
                raise dbi_probe.fail(f"INSERT {it.table} with the second period and other {', '.join(ex.equal)}",
                                     want="accepted", have=str(out), rows=str(two.target.row))
            key = dbi_probe.key_of(it.table, two.target.row)
            out = dbi_probe.update(it.table, {c: one.target.row[c] for c in ex.equal}, key)
            if out.ok:
                raise dbi_probe.fail(f"UPDATE {what}", want="rejected (overlap)", have=str(out),
                                     rows=str(two.target.row))
