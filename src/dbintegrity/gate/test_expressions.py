"""CHECK constraints and generated columns, compared with the declared expression evaluated in Python.

CHECK: values on both sides of every boundary the expression compares with, NULL, and random values of
each column's type; the engine's accept/reject verdict must equal the verdict of SQL's own rule (a CHECK
passes unless it is FALSE) computed by :mod:`dbintegrity.probes.evaluate`.  Values the column's type cannot hold
are not the CHECK's business and are passed over.  Generated columns: recomputed in Python for random
inputs, NULLs included, and writing to them must be rejected.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack.model import Column, Table
from dbintegrity.probes.evaluate import compile_expr
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import (
    Plan,
    as_written,
    checked_columns,
    checks_of,
    column_by_lower,
    compiled,
    valid_plan,
    value_strategy,
)

pytestmark = pytest.mark.integrity
TYPE_REJECTIONS = ("out_of_range", "invalid_value", "not_null")


def _setup(probe: ProbeSession, data: st.DataObject, table: str) -> Plan:
    """A valid row of ``table`` with its parents inserted; Hypothesis draws the columns the table's CHECKs and
    generated columns read (what the probes vary), the others come from the plan's seeded Random."""
    try:
        plan: Plan = data.draw(valid_plan(probe.schema, table, drawn=_read_by_expressions(probe.schema.tables[table])),
                               label=f"{table} row")
    except CANNOT_PROBE as exc:
        skip_because(exc)
    probe.build_parents(plan)
    return plan


def _read_by_expressions(table: Table) -> frozenset[str] | None:
    """The columns the table's CHECKs and generated columns read; None (every column) when one cannot be read
    here, so that building the row reports it as it always did."""
    try:
        reads = checked_columns(table) | {c for col in table.columns.values() if col.generated is not None
                                          for c in compiled(col.generated).columns}
    except CANNOT_PROBE:
        return None
    return frozenset(c.name for c in table.columns.values() if c.name.lower() in reads)


@pytest.mark.dbi_contract("check")
@given(data=st.data())
def test_check_verdict(engine, item, dbi_probe, data):
    _probe_check_verdict(item, dbi_probe, data)


def _probe_check_verdict(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    table = dbi_probe.schema.tables[it.table]
    try:
        expr = compile_expr(it.key)
        all_checks = checks_of(table)
    except CANNOT_PROBE as exc:
        skip_because(exc)
    bounds = expr.boundaries()
    with dbi_probe.example():
        plan = _setup(dbi_probe, data, it.table)
        base = plan.target.row
        tried = 0
        for col in column_by_lower(table, expr.columns):  # the evaluator's names are lower-cased
            col_name = col.name
            # NULL into a NOT NULL TIMESTAMP is the clock on some engines (capability timestamp_null_stores_now):
            # the row the CHECK sees is then not the row the evaluator was given.
            null_is_now = (not col.nullable and col.family == "timestamp"
                           and dbi_probe.engine.capabilities.timestamp_null_stores_now)
            values: list[Any] = [*bounds.get(col_name.lower(), []), *([] if null_is_now else [None])]
            values += [data.draw(value_strategy(col), label=f"random {col_name}") for _ in range(2)]
            for value in values:
                row = dict(base, **{col_name: value})
                try:
                    want = all(c.check_passes(as_written(table, row)) for c in all_checks)
                    if _hangs_on_case(dbi_probe, all_checks, row, col_name, want):
                        continue  # the engine's collation ignores letter case; the evaluator does not
                except CANNOT_PROBE:
                    continue  # e.g. a division the engines would round differently: not decidable here
                with dbi_probe.trial():  # the row is undone with the next round trip, not by a DELETE of its own
                    out = dbi_probe.insert(it.table, row)
                if not out.ok and out.kind in TYPE_REJECTIONS:
                    continue  # the type or NOT NULL said no first: not the CHECK's verdict
                tried += 1
                if out.ok != want or (not out.ok and out.kind != "check"):
                    note(dbi_probe.reproduction())
                    raise dbi_probe.fail(
                        f"{it.table} CHECK ({it.key}) with {col_name} = {value!r}",
                        want="accepted" if want else "rejected (check)",
                        have=out.verdict + (f": {out.message}" if out.message else ""), rows=str(row))
        assert tried, f"no value could be tried against CHECK ({it.key}): every candidate failed its type first"


def _hangs_on_case(probe: ProbeSession, checks: list[Any], row: dict[str, Any], column: str, want: bool) -> bool:
    """Whether the verdict for ``row`` changes with the letter case of its text value in ``column``, on an
    engine whose collation ignores case (then the engine's verdict and the exact evaluator's may differ)."""
    value = row.get(column)
    if not probe.engine.capabilities.text_ignores_case or not isinstance(value, str):
        return False
    return any(all(c.check_passes(dict(row, **{column: v})) for c in checks) != want
               for v in (value.lower(), value.upper()) if v != value)


def _quantize(value: Any, col: Column) -> Any:
    if value is None or col.family != "decimal" or "," not in col.type:
        return value
    scale = int(col.type.split(",")[1].rstrip(")"))
    return Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


@pytest.mark.dbi_contract("generated")
@given(data=st.data())
def test_generated_column(engine, item, dbi_probe, data):
    _probe_generated_column(item, dbi_probe, data)


def _probe_generated_column(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    col: Column = it.expected
    try:
        expr = compile_expr(col.generated or "")
    except CANNOT_PROBE as exc:
        skip_because(exc)
    with dbi_probe.example():
        plan = _setup(dbi_probe, data, it.table)
        row = plan.target.row
        out = dbi_probe.insert(it.table, row)
        if not out.ok:
            raise dbi_probe.fail(f"INSERT {it.table}", want="accepted", have=str(out), rows=str(row))
        key = dbi_probe.key_of(it.table, row)
        stored = dbi_probe.fetch(it.table, key) or {}
        try:
            want = _quantize(expr.evaluate(stored), col)
        except CANNOT_PROBE as exc:
            skip_because(exc)
        have = stored.get(col.name)
        note(dbi_probe.reproduction())
        if have != want:
            raise dbi_probe.fail(f"{it.table}.{col.name} GENERATED AS ({col.generated})",
                                 want=f"{want!r} (computed in Python from the stored inputs)", have=repr(have),
                                 rows=str(stored))
        out = dbi_probe.update(it.table, {col.name: have if have is not None else 0}, key)
        if out.ok or out.kind != "generated":
            raise dbi_probe.fail(f"UPDATE {it.table}.{col.name} (generated)", want="rejected (generated)",
                                 have=out.verdict + (f": {out.message}" if out.message else ""))
        dbi_probe.delete(it.table, key)
        out = dbi_probe.insert(it.table, dict(row, **{col.name: 0}))
        if out.ok or out.kind != "generated":
            raise dbi_probe.fail(f"INSERT into {it.table}.{col.name} (generated)", want="rejected (generated)",
                                 have=out.verdict + (f": {out.message}" if out.message else ""))
