"""Type-based rows that break a CHECK relating columns, mended one row at a time.

A table the seed profile leaves out gets type-based values column by column (:func:`columns.fallback_spec`),
which meet a CHECK on one column (``pain_scale BETWEEN 0 AND 10``) but almost never one that relates columns
(``expires_at <= created_at + INTERVAL '1 DAY'``, ``systolic_bp > diastolic_bp``) or a grammar
(``dosage ~ '^...$'``): most such rows would be dropped, and the table left nearly empty.  So each breaking
row has the columns its CHECKs read rewritten by :class:`dbintegrity.probes.synthesis.PlanBuilder`, which meets CHECKs
column by column with the rest of the row fixed, as the probes' rows do.  This is a Python loop over the
breaking rows only, and only for tables the profile does not describe (a profile's own rows must be valid:
their drops are the profile's fault and reported as such).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import numpy as np

from dbintegrity.pack.model import Column, Schema, Table
from dbintegrity.probes import synthesis as synth
from dbintegrity.probes.evaluate import Unsupported
from dbintegrity.seed.columns import decimal_scale, written_columns
from dbintegrity.seed.fixtures import derive_seed
from dbintegrity.seed.vec import Vec


def repair(cols: dict[str, Vec], table: Table, seed: int, schema: Schema) -> int:
    """Rewrite, in place, the CHECK-read columns of rows that break a CHECK; return how many were mended."""
    try:
        checks = synth.checks_of(table)
    except synth.Unsynthesizable:
        return 0  # a CHECK we cannot evaluate: the engine's verdict (a dropped row) stands
    if not checks:
        return 0
    read = {c for check in checks for c in check.columns}
    keys = {c for key in [*table.uniques, table.primary_key] for c in key} | \
        {c for fk in table.foreign_keys for c in fk.columns}
    columns = [c for c in written_columns(table) if c.name in cols]
    fixable = {c.name for c in columns if c.name.lower() in read and c.name not in keys}
    if not fixable:
        return 0
    for name in fixable:  # written in place below: never into an array another column or table shares
        v = cols[name]
        cols[name] = Vec(v.kind, v.data.copy(), None if v.null is None else v.null.copy(), v.parent)
    values = {c.name: _python(cols[c.name], c) for c in columns}
    rng = random.Random(derive_seed(seed, "repair", table.name))
    mended = 0
    for i in range(len(next(iter(values.values())))):
        row = {name: vals[i] for name, vals in values.items()}
        if _passes(checks, table, row):
            continue
        fixed = {name: value for name, value in row.items() if name not in fixable}
        for _ in range(5):
            try:
                new = synth.PlanBuilder(schema, _no_draw, rng=rng).row(table.name, fixed)
            except (synth.Retry, synth.Unsynthesizable, Unsupported):
                continue
            if _passes(checks, table, new):
                for name in fixable:
                    _store(cols, table.columns[name], name, i, new.get(name))
                mended += 1
                break
    return mended


def _passes(checks: list[Any], table: Table, row: dict[str, Any]) -> bool:
    try:
        stored = synth.as_stored(table, row)
        return all(check.check_passes(stored) for check in checks)
    except Unsupported:
        return True  # not decidable here: left to the engine


def _no_draw(strategy: Any) -> Any:
    raise AssertionError(f"the seeder's repair asked Hypothesis for {strategy!r}")


def _python(v: Vec, col: Column) -> list[Any]:
    """The column's values as the Python values synth and the evaluator use (None for NULL)."""
    null = v.nulls()
    kind = v.kind
    out: list[Any] = []
    scale = decimal_scale(col) if col.family == "decimal" else 0
    for value, is_null in zip(v.data.tolist() if kind not in ("ts", "date") else v.data, null, strict=True):
        if is_null:
            out.append(None)
        elif kind == "ts":
            out.append(value.astype("datetime64[s]").astype(dt.datetime))
        elif kind == "date":
            out.append(value.astype("datetime64[D]").astype(dt.date))
        elif kind == "float" and col.family == "decimal":
            out.append(Decimal(repr(value)).quantize(Decimal(1).scaleb(-scale)))
        elif kind == "time":
            seconds = int(value.total_seconds()) if isinstance(value, dt.timedelta) else int(value)
            out.append(dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60))
        else:
            out.append(value)
    return out


def _store(cols: dict[str, Vec], col: Column, name: str, i: int, value: Any) -> None:
    v = cols[name]
    if value is None:
        if not col.nullable:
            return
        null = v.nulls().copy()
        null[i] = True
        cols[name] = Vec(v.kind, v.data, null, v.parent)
        return
    data = v.data
    if v.kind == "ts":
        data[i] = np.datetime64(value, "s")
    elif v.kind == "date":
        data[i] = np.datetime64(value, "D")
    elif v.kind == "float":
        data[i] = float(value)
    elif v.kind == "time":
        data[i] = np.timedelta64(value.hour * 3600 + value.minute * 60 + value.second, "s")
    else:
        data[i] = value
    if v.null is not None and v.null[i]:
        null = v.null.copy()
        null[i] = False
        cols[name] = Vec(v.kind, data, null, v.parent)
