"""Column rules by behaviour: ENUM domains, NOT NULL, DEFAULT, ON UPDATE CURRENT_TIMESTAMP and UNIQUE.

Each test inserts rows built from the contract and reads them back.  ENUM input outside the label set
must be rejected, or, on an engine whose capability says ENUM input folds case and trailing spaces
(MySQL with *_ci collations), stored as exactly the canonical label: either way no value outside the
domain is ever stored.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack.model import Column
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import INT_RANGES, Plan, as_stored, checks_of, float_default, temporal_literal, valid_plan

pytestmark = pytest.mark.integrity
CLOCK_SLACK = dt.timedelta(seconds=5)
CLOCK_WINDOW = dt.timedelta(minutes=10)
"""How long after drawing a row the probe may insert it: rows must pass their CHECKs over that window."""


def _plan(probe: ProbeSession, data: st.DataObject, table: str, overrides: dict[str, Any] | None = None,
          omit: frozenset[str] = frozenset(), clocks: tuple[dt.datetime, ...] = (), fresh_parents: bool = False, *,
          drawn: frozenset[str]) -> Plan:
    """A valid row of ``table`` and its parents; Hypothesis draws the ``drawn`` columns (the ones the probe is
    about), the others come from the plan's seeded Random."""
    try:
        plan: Plan = data.draw(valid_plan(probe.schema, table, overrides, omit=omit, clocks=clocks,
                                          fresh_parents=fresh_parents, drawn=drawn), label=f"{table} row")
    except CANNOT_PROBE as exc:
        skip_because(exc)
    return plan


def _variants(label: str) -> list[str]:
    """Values outside the set that sit close to a label: case, whitespace and empty."""
    out = ["", f"zz_{label}_x", f" {label}", f"{label} ", label.upper(), label.capitalize(), f"{label}\t"]
    return [v for v in dict.fromkeys(out) if v != label]


def _folds_to(value: str, labels: tuple[str, ...]) -> str | None:
    """The label MySQL-style case-insensitive, trailing-space-insensitive matching would store."""
    stripped = value.rstrip(" ")
    return next((lb for lb in labels if lb.lower() == stripped.lower()), None)


@pytest.mark.dbi_contract("enum")
@given(data=st.data())
def test_enum_domain(engine, item, dbi_probe, data):
    """Every label accepted and read back as written; near-miss values never stored as themselves."""
    _probe_enum_domain(item, dbi_probe, data)


def _probe_enum_domain(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    col: Column = it.expected
    folds = dbi_probe.engine.capabilities.enum_input_folds_case
    plan = _plan(dbi_probe, data, it.table, drawn=frozenset({col.name}))
    key_row = plan.target.row
    with dbi_probe.example():
        dbi_probe.build_parents(plan)
        labels = col.enum or ()
        for value in [*labels, *_variants(labels[0]), None]:
            row = dict(key_row, **{col.name: value})
            with dbi_probe.trial():  # each value written, read back and undone in one round trip
                out, stored = dbi_probe.insert_and_fetch(it.table, row)
                note(dbi_probe.reproduction())
                got = None if stored is None else stored.get(col.name)
                if value is None:
                    want_ok = col.nullable
                    if out.ok != want_ok:
                        raise dbi_probe.fail(f"{it.table}.{col.name} = NULL", want="accepted" if want_ok else
                                             "rejected (not_null)", have=str(out))
                elif value in labels and (verdict := _checks_verdict(dbi_probe, it.table, row)) is not True:
                    if verdict is False and (out.ok or out.kind != "check"):  # `unit = 'C'` with a Fahrenheit reading
                        raise dbi_probe.fail(f"{it.table}.{col.name} label {value!r} with a row a CHECK refuses",
                                             want="rejected (check)", have=str(out), rows=str(row))
                elif value in labels:
                    if not out.ok or got != value:
                        raise dbi_probe.fail(f"{it.table}.{col.name} label {value!r}", want=f"accepted, stored as {value!r}",
                                             have=str(out) if not out.ok else f"stored as {got!r}")
                else:
                    folded = _folds_to(value, labels) if folds else None
                    if out.ok and got != folded:
                        raise dbi_probe.fail(
                            f"{it.table}.{col.name} value {value!r} outside the ENUM",
                            want="rejected" + (f" or stored as the label {folded!r}" if folded else ""),
                            have=f"accepted and stored as {got!r}")


def _checks_verdict(probe: ProbeSession, table: str, row: dict[str, Any]) -> bool | None:
    """Whether the table's CHECKs accept ``row`` (evaluated in Python); None when that cannot be decided."""
    try:
        stored = as_stored(probe.schema.tables[table], row)
        return all(check.check_passes(stored) for check in checks_of(probe.schema.tables[table]))
    except CANNOT_PROBE:
        return None


@pytest.mark.dbi_contract("not_null")
@given(data=st.data())
def test_not_null(engine, item, dbi_probe, data):
    """Writing NULL into a NOT NULL column is rejected, on insert and on update."""
    _probe_not_null(item, dbi_probe, data)


def _probe_not_null(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    plan = _plan(dbi_probe, data, it.table, drawn=frozenset({it.key}))
    with dbi_probe.example():
        dbi_probe.build_parents(plan)
        out = dbi_probe.insert(it.table, dict(plan.target.row, **{it.key: None}))
        note(dbi_probe.reproduction())
        # The engine's own rule first: on a TIMESTAMP it explains the stored value whatever triggers exist.
        if (why := _null_stored_as_now(dbi_probe, it.table, it.key, plan.target.row, out)) is not None:
            pytest.skip(f"cannot probe: {why}")
        if out.ok and (why := _filled_by_trigger(dbi_probe, it.table, it.key, plan.target.row, "INSERT")):
            pytest.skip(f"cannot probe: {why}")
        if not out.ok and out.kind == "check" and (why := _check_refuses_null(dbi_probe, it.table, it.key,
                                                                              plan.target.row)):
            pytest.skip(f"cannot probe: {why}")
        if out.ok or out.kind != "not_null":
            raise dbi_probe.fail(f"INSERT {it.table}.{it.key} = NULL", want="rejected (not_null)", have=out.verdict
                                 + (f": {out.message}" if out.message else ""), rows=str(plan.target.row))
        ok = dbi_probe.insert(it.table, plan.target.row)
        if not ok.ok:
            raise dbi_probe.fail(f"INSERT {it.table} valid row", want="accepted", have=str(ok))
        out = dbi_probe.update(it.table, {it.key: None}, dbi_probe.key_of(it.table, plan.target.row))
        if out.ok and (why := _filled_by_trigger(dbi_probe, it.table, it.key, plan.target.row, "UPDATE")):
            pytest.skip(f"cannot probe: {why}")
        if out.ok or out.kind != "not_null":
            raise dbi_probe.fail(f"UPDATE {it.table}.{it.key} = NULL", want="rejected (not_null)", have=str(out))


def _filled_by_trigger(probe: ProbeSession, table: str, column: str, row: dict[str, Any], event: str) -> str | None:
    """Why a NULL written into a NOT NULL column was accepted, when the engine stored a value instead.

    A BEFORE trigger the contract declares may fill the column before NOT NULL is checked: the rule
    still holds, but this write cannot show it.  Any other way for NULL to be accepted is a failure, so
    this answers None unless such a trigger exists and the stored value proves the rewrite.
    """
    spec = probe.schema.tables[table]
    names = [tr.name for tr in spec.triggers if tr.timing == "BEFORE" and event in tr.events]
    if not names:
        return None
    stored = probe.fetch(table, probe.key_of(table, {k: v for k, v in row.items() if k != column}))
    if stored is None or stored.get(column) is None:
        return None
    return (f"{table}.{column} = NULL was accepted on {event} and a value stored instead: BEFORE {event} "
            f"trigger {', '.join(names)} fills the column before NOT NULL is checked")


def _null_stored_as_now(probe: ProbeSession, table: str, column: str, row: dict[str, Any], out: Any) -> str | None:
    """Why NULL written into a NOT NULL TIMESTAMP was not refused, on an engine that stores the current time
    for it (capability ``timestamp_null_stores_now``): accepted with a time stored, or refused by a CHECK
    that the current time breaks (``expires_at <= created_at + 1 day``).  A NULL actually stored is no
    excuse: this answers None then, and the probe fails."""
    col = probe.schema.tables[table].columns[column]
    if not probe.engine.capabilities.timestamp_null_stores_now or col.family != "timestamp":
        return None
    if out.ok:
        stored = probe.fetch(table, probe.key_of(table, {k: v for k, v in row.items() if k != column}))
        if stored is None or stored.get(column) is None:
            return None
    elif out.kind != "check":
        return None
    return (f"{probe.engine.name} stores the current time for NULL written into the NOT NULL TIMESTAMP "
            f"{table}.{column} ({'accepted' if out.ok else 'then refused by a CHECK'}), so NOT NULL never "
            "refuses it (capability timestamp_null_stores_now); test_column reads NOT NULL from the catalogue")


def _check_refuses_null(probe: ProbeSession, table: str, column: str, row: dict[str, Any]) -> str | None:
    """Why NULL was refused as a CHECK violation: a CHECK of the table refuses it too, and came first.

    PostgreSQL routes a row to its partition before it checks NOT NULL, so a NULL partition key is
    refused by the partition bounds (SQLSTATE 23514).  The NULL is not stored, but NOT NULL is not what
    refused it, so the probe cannot tell whether NOT NULL holds.
    """
    spec = probe.schema.tables[table]
    with_null = dict(row, **{column: None})
    try:
        refusing = [c.expression for c, expr in zip(spec.checks, checks_of(spec), strict=True)
                    if not expr.check_passes(with_null)]
    except CANNOT_PROBE:
        return None
    if not refusing:
        return None
    return (f"{table}.{column} = NULL is also refused by CHECK ({refusing[0]}), which "
            f"{probe.engine.name} applied first: NOT NULL itself is not observable")


def expected_default(col: Column) -> Any:
    """The value a declared default must produce, as the driver returns it (CURRENT_TIMESTAMP: a marker)."""
    d = col.default
    assert d is not None
    if d == "CURRENT_TIMESTAMP":
        return d
    if (number := float_default(col)) is not None:
        return number
    if d.startswith("'") and d.endswith("'"):
        text = d[1:-1].replace("''", "'")
        if col.family == "date":
            return dt.date.fromisoformat(text)
        if col.family in ("timestamp", "datetime", "time"):  # read back as UTC-naive values
            try:
                return temporal_literal(text, col.family)
            except CANNOT_PROBE as exc:
                pytest.skip(f"cannot probe: {exc}")
        if col.family in INT_RANGES:  # MySQL reports a YEAR default quoted
            return int(text)
        if col.family == "json":  # read back parsed
            return json.loads(text)
        if col.family.endswith("[]"):  # read back as a list
            if text == "{}":
                return []
            pytest.skip(f"cannot probe: default {d} of {col.name} is an array literal we do not evaluate")
        return text
    if d in ("true", "false"):
        return d == "true"
    if col.family == "decimal":
        return Decimal(d)
    if col.family in INT_RANGES:
        return int(d)
    pytest.skip(f"cannot probe: default {d} of {col.name} is an expression we do not evaluate")


@pytest.mark.dbi_contract("default")
@given(data=st.data())
def test_default(engine, item, dbi_probe, data):
    """A row that omits the column gets the declared default."""
    _probe_default(item, dbi_probe, data)


def _probe_default(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    col: Column = it.expected
    want = expected_default(col)
    now = dbi_probe.now()  # a CHECK may read the clock default (expires_at <= created_at + 1 day)
    plan = _plan(dbi_probe, data, it.table, omit=frozenset({col.name}), clocks=(now, now + CLOCK_WINDOW),
                 drawn=frozenset())  # the column is left out: any valid values will do for the others
    with dbi_probe.example():
        before = dbi_probe.now()
        _at, out = dbi_probe.apply(plan)
        if not out.ok:
            raise dbi_probe.fail(f"INSERT {it.table} without {col.name}", want="accepted", have=str(out))
        after = dbi_probe.now()
        got = (dbi_probe.fetch(it.table, dbi_probe.key_of(it.table, plan.target.row)) or {}).get(col.name)
        note(dbi_probe.reproduction())
        if want == "CURRENT_TIMESTAMP":
            ok = isinstance(got, dt.datetime) and before - CLOCK_SLACK <= got <= after + CLOCK_SLACK
            if not ok:
                raise dbi_probe.fail(f"{it.table}.{col.name} DEFAULT CURRENT_TIMESTAMP",
                                     want=f"between {before} and {after}", have=repr(got))
        elif got != want:
            raise dbi_probe.fail(f"{it.table}.{col.name} DEFAULT {col.default}", want=repr(want), have=repr(got))


@pytest.mark.dbi_contract("on_update")
@given(data=st.data())
def test_on_update_current_timestamp(engine, item, dbi_probe, data):
    """An explicit value is kept; changing another column moves it to the current time."""
    _probe_on_update_current_timestamp(item, dbi_probe, data)


def _probe_on_update_current_timestamp(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    table = dbi_probe.schema.tables[it.table]
    other = next((c for c in table.columns.values() if c.name != it.key and c.generated is None
                  and c.name not in table.primary_key and c.family in ("varchar", "text", "char")
                  and not any(c.name in u for u in table.uniques)
                  and not any(c.name in fk.columns for fk in table.foreign_keys)), None)
    if other is None:
        pytest.skip(f"cannot probe: {it.table} has no plain text column to change")
    plan = _plan(dbi_probe, data, it.table, drawn=frozenset({it.key, other.name}))
    old = dt.datetime(2001, 2, 3, 4, 5, 6)
    with dbi_probe.example():
        _at, out = dbi_probe.apply(plan)
        if not out.ok:
            raise dbi_probe.fail(f"INSERT {it.table}", want="accepted", have=str(out))
        key = dbi_probe.key_of(it.table, plan.target.row)
        dbi_probe.update(it.table, {it.key: old}, key)
        got = (dbi_probe.fetch(it.table, key) or {}).get(it.key)
        if got != old:
            raise dbi_probe.fail(f"UPDATE {it.table} SET {it.key} = explicit value", want=repr(old), have=repr(got))
        before = dbi_probe.now()
        dbi_probe.update(it.table, {other.name: "changed-by-probe"[: _size(other)]}, key)
        got = (dbi_probe.fetch(it.table, key) or {}).get(it.key)
        note(dbi_probe.reproduction())
        if not (isinstance(got, dt.datetime) and got >= before - CLOCK_SLACK):
            raise dbi_probe.fail(f"{it.table}.{it.key} ON UPDATE CURRENT_TIMESTAMP after changing {other.name}",
                                 want=f"at or after {before}", have=repr(got))


def _size(col: Column) -> int:
    return int(col.type.split("(")[1].rstrip(")").split(",")[0]) if "(" in col.type else 100


@pytest.mark.dbi_contract("unique")
@given(data=st.data())
def test_unique(engine, item, dbi_probe, data):
    """A second row with the same key is rejected; rows with NULL in a nullable key column may repeat, unless
    the key says NULLS NOT DISTINCT (PostgreSQL 15+), under which NULL repeats like any value and is refused."""
    _probe_unique(item, dbi_probe, data)


def _probe_unique(item, dbi_probe, data) -> None:
    it = item_or_fail(item)
    cols: tuple[str, ...] = it.expected
    table = dbi_probe.schema.tables[it.table]
    nulls_distinct = dbi_probe.engine.capabilities.unique_nulls_distinct and table.nulls_distinct(cols)
    # fresh_parents: a nullable FK of the key gets its parent
    first = _plan(dbi_probe, data, it.table, fresh_parents=True, drawn=frozenset(cols))
    dup_values = {c: first.target.row.get(c) for c in cols}
    # A NULL in the key makes the duplicate no duplicate where NULLs are distinct: the NULL case is probed below.
    assume(not nulls_distinct or all(v is not None for v in dup_values.values()))
    with dbi_probe.example():
        _at, out = dbi_probe.apply(first)
        if not out.ok:
            raise dbi_probe.fail(f"INSERT {it.table}", want="accepted", have=str(out))
        second = _plan(dbi_probe, data, it.table, dup_values, drawn=frozenset(cols))
        dbi_probe.build_parents(second)
        out = dbi_probe.insert(it.table, second.target.row)
        note(dbi_probe.reproduction())
        if out.ok or out.kind != "unique":
            raise dbi_probe.fail(f"{it.table} UNIQUE ({', '.join(cols)}): duplicate {dup_values}",
                                 want="rejected (unique)", have=out.verdict + (f": {out.message}" if out.message else ""))
        nullable = [c for c in cols if table.columns[c].nullable]
        if nullable:
            with_null = dict(dup_values, **{nullable[0]: None})
            a = _plan(dbi_probe, data, it.table, with_null, drawn=frozenset(cols))
            b = _plan(dbi_probe, data, it.table, with_null, drawn=frozenset(cols))
            _at, out = dbi_probe.apply(a)
            if not out.ok:
                raise dbi_probe.fail(f"{it.table} UNIQUE ({', '.join(cols)}) with {nullable[0]} NULL",
                                     want="accepted", have=str(out))
            dbi_probe.build_parents(b)
            out = dbi_probe.insert(it.table, b.target.row)
            what = f"{it.table} UNIQUE ({', '.join(cols)}) with {nullable[0]} NULL twice"
            if nulls_distinct and not out.ok:
                raise dbi_probe.fail(what, want="both accepted (NULLs are distinct)", have=str(out))
            if not nulls_distinct and (out.ok or out.kind != "unique"):
                raise dbi_probe.fail(what, want="second rejected (unique): the key says NULLS NOT DISTINCT",
                                     have=out.verdict + (f": {out.message}" if out.message else ""))
