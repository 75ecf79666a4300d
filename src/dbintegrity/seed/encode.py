"""Rows as bulk-load text, which is also the canonical form the checksums are computed over.

One format serves both engines: tab-separated fields, one row per line, ``\\N`` for NULL, and backslash
escapes for backslash, tab, newline and carriage return.  It is PostgreSQL's ``COPY ... FROM STDIN`` text
format and MySQL's ``LOAD DATA`` default (``FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'``), and the two
engines read it the same way: dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DD HH:MM:SS`` in UTC, booleans
``1``/``0``, decimals with exactly the column's scale.  Because the bytes sent are the canonical form, the
checksum of a table is the same on both engines by construction and changes with any value.

Text is made a column at a time: small domains (dates, times of day, small integers) through lookup
tables, everything else through one vectorised conversion; the rows are then joined in C.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np

from dbintegrity.pack.model import Column
from dbintegrity.seed.columns import decimal_scale
from dbintegrity.seed.errors import SeedError
from dbintegrity.seed.generate import Frame
from dbintegrity.seed.vec import SECONDS_PER_DAY, Array, Vec

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_LOOKUP_SPAN = 400_000
"""A column whose values span fewer integers than this is formatted through a lookup table."""


@dataclass(frozen=True)
class Encoded:
    """One table's rows in load format, its column names, row count and checksum."""

    table: str
    columns: list[str]
    rows: int
    data: bytes
    checksum: str

    @property
    def header(self) -> bytes:
        return ("\t".join(self.columns) + "\n").encode()


def encode(frame: Frame) -> Encoded:
    """The table's written columns, in table order, rows in primary-key order, as load text with its SHA-256.

    Primary-key order makes the canonical form independent of how rows were generated, and it is the fast
    order to load: each insert lands on the right-most page of the clustered (InnoDB) or primary-key
    (PostgreSQL) B-tree instead of a random one.  Keys here are integers or lower-case hex UUID text,
    which both engines' collations order by code point.
    """
    columns = [c.name for c in frame.written]
    order = key_order(frame)
    fields = [encode_column(c, frame.column(c.name) if order is None else frame.column(c.name).take(order))
              for c in frame.written]
    text = "\n".join(map("\t".join, zip(*fields, strict=True))) + "\n" if frame.n else ""
    data = text.encode("utf-8")
    digest = hashlib.sha256(("\t".join(columns) + "\n").encode())
    digest.update(data)
    return Encoded(frame.name, columns, frame.n, data, digest.hexdigest())


def key_order(frame: Frame) -> Array | None:
    """Row order by the single-column primary key (None: keep generation order)."""
    pk = frame.gen.table.primary_key
    if len(pk) != 1 or frame.n < 2:
        return None
    v = frame.column(pk[0])
    if v.kind not in ("int", "str"):
        return None
    order: Array = np.argsort(v.data, kind="stable")
    return order


def encode_column(col: Column, v: Vec) -> list[str]:
    """Field text of every row of one column (``\\N`` for NULL, escapes applied)."""
    if v.kind == "str":
        out = _escaped(v.data)
    elif v.kind == "int":
        out = _integers(v.data)
    elif v.kind == "float":
        out = _decimals(v.data, decimal_scale(col) if col.family == "decimal" else None)
    elif v.kind == "bool":
        out = np.where(v.data, "1", "0").astype(object)
    elif v.kind == "date":
        out = _dates(v.data.astype(np.int64))
    elif v.kind == "ts":
        out = _timestamps(v.data.astype(np.int64))
    elif v.kind == "time":
        out = _times()[v.data.astype(np.int64) % SECONDS_PER_DAY]
    else:
        raise SeedError(f"{col.name}: cannot encode {v.kind} values")
    if v.null is not None and v.null.any():
        out = out.copy() if out is v.data else out
        out[v.null] = NULL
    result: list[str] = out.tolist()
    return result


def _escaped(data: Array) -> Array:
    values = data.tolist()
    joined = "".join(values)
    if "\x00" in joined:
        raise SeedError("a generated text contains a NUL character, which PostgreSQL cannot store")
    if any(ch in joined for ch in "\\\t\n\r"):
        values = [s.translate(_ESCAPES) for s in values]
        return np.array(values, dtype=object)
    return data


def _integers(data: Array) -> Array:
    if not len(data):
        return np.array([], dtype=object)
    lo, hi = int(data.min()), int(data.max())
    if hi - lo < _LOOKUP_SPAN:
        table = np.array([str(i) for i in range(lo, hi + 1)], dtype=object)
        out: Array = table[data - lo]
        return out
    return np.array(list(map(str, data.tolist())), dtype=object)


def _decimals(data: Array, scale: int | None) -> Array:
    if scale is None:
        return np.array([repr(float(x)) for x in data.tolist()], dtype=object)
    scaled = np.rint(data * 10.0**scale).astype(np.int64)
    if not len(scaled):
        return np.array([], dtype=object)
    lo, hi = int(scaled.min()), int(scaled.max())
    if hi - lo < _LOOKUP_SPAN:
        table = np.array([_fixed(i, scale) for i in range(lo, hi + 1)], dtype=object)
        out: Array = table[scaled - lo]
        return out
    if scale == 0 or lo < 0:
        return np.array([_fixed(i, scale) for i in scaled.tolist()], dtype=object)
    whole, frac = np.divmod(scaled, 10**scale)
    fractions = np.array([f".{i:0{scale}d}" for i in range(10**scale)], dtype=object)
    out = np.array(list(map(str, whole.tolist())), dtype=object) + fractions[frac]
    return out


def _fixed(units: int, scale: int) -> str:
    """``units`` / 10**scale with exactly ``scale`` decimals, without float formatting."""
    if scale == 0:
        return str(units)
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**scale)
    return f"{sign}{whole}.{frac:0{scale}d}"


def _dates(days: Array, suffix: str = "") -> Array:
    if not len(days):
        return np.array([], dtype=object)
    lo, hi = int(days.min()), int(days.max())
    text = np.datetime_as_string(np.arange(lo, hi + 1).astype("datetime64[D]"), unit="D")
    table = np.array([t + suffix for t in text.tolist()], dtype=object)
    out: Array = table[days - lo]
    return out


def _timestamps(seconds: Array) -> Array:
    days = np.floor_divide(seconds, SECONDS_PER_DAY)
    out: Array = _dates(days, " ") + _times()[seconds - days * SECONDS_PER_DAY]
    return out


@functools.cache
def _times() -> Array:
    return np.array([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(SECONDS_PER_DAY)],
                    dtype=object)
