"""A column of generated values: one numpy array for the data plus a NULL mask, in a few kinds.

The seeder works a column at a time over all rows of a table, never a row at a time: calling Python per
value is what makes naive generators produce a few thousand rows a second.  Every value of a column has one
*kind* (below), so arithmetic, comparison and encoding are single numpy operations.  Positions that are NULL
still hold a harmless placeholder of the kind (``""``, ``0``, the epoch) so operations never trip on them.

A column filled from a parent table (a foreign key, or a value copied through one) also remembers *which*
parent row each value came from, so ``patient_id.date_of_birth`` is an index lookup, not a search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dbintegrity.seed.errors import ExprError

Array = npt.NDArray[Any]

DTYPES: dict[str, str] = {
    "int": "int64", "float": "float64", "str": "object", "bool": "bool", "date": "datetime64[D]",
    "ts": "datetime64[s]", "time": "timedelta64[s]", "interval": "timedelta64[s]", "months": "int64",
    "null": "object",
}
"""The kinds: ``time`` is the time of day as seconds since midnight, ``months`` a calendar interval."""

NUMERIC = frozenset({"int", "float"})
TEMPORAL = frozenset({"date", "ts"})
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Parent:
    """Where each value of an FK-derived column came from: a row index into ``table`` (-1 for NULL)."""

    table: str
    index: Array


@dataclass(frozen=True)
class Vec:
    kind: str
    data: Array
    null: Array | None = None
    """True where the value is NULL; ``None`` means no NULLs (the common case, and the cheap one)."""
    parent: Parent | None = None

    def __len__(self) -> int:
        return len(self.data)

    @property
    def is_scalar(self) -> bool:
        return len(self.data) == 1

    def nulls(self) -> Array:
        """The NULL mask as an array (all False when there are none)."""
        return self.null if self.null is not None else np.zeros(len(self.data), dtype=bool)

    def has_nulls(self) -> bool:
        return self.null is not None and bool(self.null.any())

    def take(self, idx: Array) -> Vec:
        """The values at ``idx`` (fancy indexing), NULL mask and parent rows included."""
        if self.is_scalar:
            return self.broadcast(len(idx))
        null = self.null[idx] if self.null is not None else None
        parent = Parent(self.parent.table, self.parent.index[idx]) if self.parent is not None else None
        return Vec(self.kind, self.data[idx], null, parent)

    def broadcast(self, n: int) -> Vec:
        """A scalar (length-1) vector repeated ``n`` times; other vectors must already have ``n`` values."""
        if len(self.data) == n:
            return self
        if len(self.data) != 1:
            raise ExprError(f"cannot spread {len(self.data)} values over {n} rows")
        null = np.repeat(self.null, n) if self.null is not None else None
        parent = Parent(self.parent.table, np.repeat(self.parent.index, n)) if self.parent is not None else None
        return Vec(self.kind, np.repeat(self.data, n), null, parent)

    def with_null(self, mask: Array | None) -> Vec:
        """Also NULL where ``mask`` is True; data there becomes the kind's placeholder."""
        if mask is None or not mask.any():
            return self
        base = self.broadcast(len(mask))
        null = mask if base.null is None else (base.null | mask)
        data = base.data.copy()
        data[mask] = placeholder(base.kind)
        parent = None
        if base.parent is not None:
            index = base.parent.index.copy()
            index[mask] = -1
            parent = Parent(base.parent.table, index)
        return Vec(base.kind, data, null, parent)


def placeholder(kind: str) -> Any:
    """The value NULL positions hold, so vectorised operations never see ``None``."""
    return {"int": 0, "float": 0.0, "str": "", "bool": False, "date": np.datetime64(0, "D"),
            "ts": np.datetime64(0, "s"), "time": np.timedelta64(0, "s"), "interval": np.timedelta64(0, "s"),
            "months": 0, "null": ""}[kind]


def scalar(value: Any) -> Vec:
    """A one-value vector of the kind Python's ``value`` suggests (used for literals and constants)."""
    if value is None:
        return Vec("null", np.array([""], dtype=object), np.array([True]))
    if isinstance(value, bool | np.bool_):
        return Vec("bool", np.array([bool(value)]))
    if isinstance(value, int | np.integer):
        return Vec("int", np.array([int(value)], dtype=np.int64))
    if isinstance(value, float | np.floating):
        return Vec("float", np.array([float(value)]))
    if isinstance(value, np.datetime64):
        unit = np.datetime_data(value.dtype)[0]
        return Vec("date" if unit == "D" else "ts", np.array([value]))
    if isinstance(value, str):
        return Vec("str", np.array([value], dtype=object))
    raise ExprError(f"unsupported constant {value!r} ({type(value).__name__})")


def of(kind: str, data: Array | list[Any], null: Array | None = None, parent: Parent | None = None) -> Vec:
    """A vector with ``data`` converted to the kind's dtype."""
    arr = np.asarray(data, dtype=DTYPES[kind]) if not (isinstance(data, np.ndarray)
                                                       and data.dtype == np.dtype(DTYPES[kind])) else data
    if null is not None and not null.any():
        null = None
    return Vec(kind, arr, null, parent)


def nulls(kind: str, n: int) -> Vec:
    """``n`` NULLs of ``kind``."""
    return Vec(kind, np.full(n, placeholder(kind), dtype=DTYPES[kind]), np.ones(n, dtype=bool))


def union_null(*masks: Array | None) -> Array | None:
    out: Array | None = None
    for m in masks:
        if m is not None:
            out = m if out is None else (out | m)
    return out


# -- conversions -------------------------------------------------------------------------------------------
def common_kind(kinds: list[str]) -> str:
    """The kind that values of all ``kinds`` can be converted to (CASE branches, COALESCE arguments)."""
    real = [k for k in kinds if k != "null"]
    if not real:
        return "null"
    first = real[0]
    if all(k == first for k in real):
        return first
    if all(k in NUMERIC for k in real):
        return "float"
    if all(k in TEMPORAL for k in real):
        return "ts"
    if "str" in real:
        return "str"
    raise ExprError(f"cannot mix values of kinds {', '.join(sorted(set(real)))}")


def convert(v: Vec, kind: str) -> Vec:
    """``v`` as ``kind``; NULLs stay NULL.  Raises ExprError for conversions that make no sense."""
    if v.kind == kind:
        return v
    if v.kind == "null":
        return Vec(kind, np.full(len(v), placeholder(kind), dtype=DTYPES[kind]), v.nulls())
    data: Array
    if kind == "str":
        data = text_of(v)
    elif kind == "float" and v.kind in ("int", "bool"):
        data = v.data.astype(np.float64)
    elif kind == "int" and v.kind == "float":
        data = np.rint(np.nan_to_num(v.data)).astype(np.int64)
    elif kind == "int" and v.kind == "bool":
        data = v.data.astype(np.int64)
    elif kind == "bool" and v.kind in NUMERIC:
        data = v.data != 0
    elif kind == "ts" and v.kind == "date":
        data = v.data.astype("datetime64[s]")
    elif kind == "date" and v.kind == "ts":
        data = v.data.astype("datetime64[D]")
    elif kind == "interval" and v.kind == "months":
        data = np.rint(v.data * (365.2425 / 12) * SECONDS_PER_DAY).astype("timedelta64[s]")
    elif v.kind == "str" and kind in ("date", "ts", "time", "int", "float", "bool"):
        return parse_text(v, kind)
    else:
        raise ExprError(f"cannot convert {v.kind} values to {kind}")
    return Vec(kind, data, v.null, v.parent)


def parse_text(v: Vec, kind: str) -> Vec:
    """Text to another kind, as SQL converts a string literal: ``'2025-01-01'`` to a date, ``'08:30'`` to a time."""
    values = v.data.tolist()
    mask = v.nulls()
    try:
        if kind == "date":
            data = np.array([np.datetime64(s, "D") if not m else placeholder("date") for s, m in zip(values, mask,
                                                                                                      strict=True)])
        elif kind == "ts":
            data = np.array([np.datetime64(s.replace(" ", "T"), "s") if not m else placeholder("ts")
                             for s, m in zip(values, mask, strict=True)], dtype="datetime64[s]")
        elif kind == "time":
            data = np.array([_time_seconds(s) if not m else 0 for s, m in zip(values, mask, strict=True)],
                            dtype=np.int64).astype("timedelta64[s]")
        elif kind == "int":
            data = np.array([int(s) if not m else 0 for s, m in zip(values, mask, strict=True)], dtype=np.int64)
        elif kind == "float":
            data = np.array([float(s) if not m else 0.0 for s, m in zip(values, mask, strict=True)])
        else:
            data = np.array([s.lower() in ("t", "true", "1", "yes", "on") for s in values])
    except ValueError as exc:
        raise ExprError(f"cannot read text as {kind}: {exc}") from None
    return Vec(kind, data, v.null)


def _time_seconds(text: str) -> int:
    parts = [int(p) for p in text.strip().split(":")]
    if not 2 <= len(parts) <= 3 or not (0 <= parts[0] < 24 and 0 <= parts[1] < 60):
        raise ValueError(f"bad time {text!r}")
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0)


def text_of(v: Vec) -> Array:
    """Values as text, the way SQL prints them (placeholders at NULL positions)."""
    if v.kind in ("str", "null"):
        return v.data
    if v.kind == "int":
        return np.array(list(map(str, v.data.tolist())), dtype=object)
    if v.kind == "float":
        return np.array([number_text(x) for x in v.data.tolist()], dtype=object)
    if v.kind == "bool":
        return np.where(v.data, "true", "false").astype(object)
    if v.kind == "date":
        return np.datetime_as_string(v.data, unit="D").astype(object)
    if v.kind == "ts":
        return np.char.replace(np.datetime_as_string(v.data, unit="s"), "T", " ").astype(object)
    if v.kind == "time":
        secs = v.data.astype(np.int64) % SECONDS_PER_DAY
        return np.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in secs.tolist()], dtype=object)
    raise ExprError(f"cannot print {v.kind} values as text")


def number_text(x: float) -> str:
    """Shortest text that reads back as ``x``; whole numbers without a trailing ``.0``."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)
