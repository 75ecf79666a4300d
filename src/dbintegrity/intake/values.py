"""One CSV field to one typed value of a contract column, and to the engine's bulk-load text.

Every field is judged here against the column's neutral contract type, the way both engines would judge it
in strict mode, so a bad value is reported with its file and line before anything is written, instead of
surfacing as one engine error for a whole load (or, on MySQL's ``LOAD DATA``, as a silent truncation):

* integers within their type's range; decimals with at most the type's digits (more decimals are refused,
  not rounded: the seed's CSV should not lose cents silently); booleans as ``1/0/true/false``;
* text within ``varchar(n)``/``char(n)`` characters (MySQL's ``TEXT``: 65,535 bytes); no NUL character;
* ENUM labels exactly as the contract spells them (MySQL would fold case; PostgreSQL would refuse);
* dates, timestamps and times in the **declared** input format (:class:`DateFormat`), never guessed per row:
  ``03/04/2024`` is 3 April under ``DD/MM/YYYY`` and 4 March under ``MM/DD/YYYY``, and a value that does not
  fit the declared format is an error even if another format would read it;
* an empty field is NULL (the CSV files of the seed's ETL have no other NULL marker).

The load text is the seeder's (:mod:`dbintegrity.seed.encode`): tab-separated, ``\\N`` for NULL, backslash
escapes, ISO dates, so the same bulk loaders (COPY, LOAD DATA LOCAL) read it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from dbintegrity.pack.model import Column
from dbintegrity.probes.synthesis import INT_RANGES, _decimal_bounds, _size

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
TEXT_BYTES = 65_535
"""MySQL ``TEXT`` holds at most this many bytes; the contract's ``text`` is portable only within it."""
_TOKENS = {"YYYY": ("%Y", r"\d{4}"), "MM": ("%m", r"\d{2}"), "DD": ("%d", r"\d{2}")}
_BOOLEANS = {"1": True, "0": False, "true": True, "false": False, "t": True, "f": False}
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+)(?:\.(\d*))?|[+-]?\.(\d+)")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")


class BadValue(ValueError):
    """The field does not fit its column; the message is the reason of the report line."""


@dataclass(frozen=True)
class DateFormat:
    """A declared date format such as ``DD/MM/YYYY``: ``DD``, ``MM``, ``YYYY`` and any separators.

    Timestamps are the date in this format, a space or ``T``, and ``HH:MM[:SS]``.  Day and month need
    two digits (``03/04/2024``, not ``3/4/2024``), so a field that fits is never ambiguous.
    """

    spelling: str
    regex: re.Pattern[str]
    strptime: str

    @classmethod
    def parse(cls, spelling: str) -> DateFormat:
        pattern, fmt, rest, seen = "", "", spelling, set()
        while rest:
            token = next((t for t in _TOKENS if rest.startswith(t)), None)
            if token is not None:
                seen.add(token)
                fmt += _TOKENS[token][0]
                pattern += _TOKENS[token][1]
                rest = rest[len(token):]
            elif rest[0].isalnum():
                raise ValueError(f"date format {spelling!r}: {rest[0]!r} is not part of DD, MM or YYYY")
            else:
                fmt += rest[0].replace("%", "%%")
                pattern += re.escape(rest[0])
                rest = rest[1:]
        if seen != set(_TOKENS):
            raise ValueError(f"date format {spelling!r} must contain DD, MM and YYYY once each, e.g. DD/MM/YYYY")
        return cls(spelling, re.compile(pattern), fmt)

    def date(self, text: str) -> dt.date:
        if not self.regex.fullmatch(text):
            raise BadValue(f"not a date in the declared format {self.spelling}")
        try:
            return dt.datetime.strptime(text, self.strptime).date()
        except ValueError:
            raise BadValue(f"no such date (format {self.spelling})") from None

    def timestamp(self, text: str) -> dt.datetime:
        date_part, sep, time_part = text.replace("T", " ", 1).partition(" ")
        day = self.date(date_part)
        if not sep:
            return dt.datetime.combine(day, dt.time())
        return dt.datetime.combine(day, parse_time(time_part, f"{self.spelling} HH:MM[:SS]"))


ISO = DateFormat.parse("YYYY-MM-DD")


def parse_time(text: str, spelling: str = "HH:MM[:SS]") -> dt.time:
    m = _TIME.fullmatch(text)
    if not m:
        raise BadValue(f"not a time of day in the format {spelling}")
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise BadValue("no such time of day")
    return dt.time(h, mi, s)


Parsed = tuple[object, str]
"""The typed value (what CHECKs are evaluated on) and its load text."""


Parser = Callable[[str], Parsed]


def parser_for(col: Column, dates: DateFormat) -> Parser:
    """The function that turns one non-empty field of ``col`` into (value, load text), or raises BadValue."""
    fam = col.family
    if col.enum is not None:
        return _enum(col)
    if fam in INT_RANGES:
        return _integer(col)
    if fam == "decimal":
        return _decimal(col)
    if fam in ("float", "double", "real"):
        return _float(col)
    if fam == "date":
        return lambda text: (d := dates.date(text), d.isoformat())
    if fam in ("timestamp", "datetime"):
        return lambda text: (t := dates.timestamp(text), t.isoformat(sep=" "))
    if fam == "time":
        return lambda text: (t := parse_time(text), t.isoformat())
    return {"boolean": _boolean, "json": _json}.get(fam, _text)(col)


def _enum(col: Column) -> Parser:
    labels, shown = set(col.enum or ()), ", ".join(col.enum or ())

    def parse(text: str) -> Parsed:
        if text not in labels:
            raise BadValue(f"not one of the labels {shown}")
        return text, _escape(text)
    return parse


def _integer(col: Column) -> Parser:
    low, high = INT_RANGES[col.family]

    def parse(text: str) -> Parsed:
        if not _INTEGER.fullmatch(text):
            raise BadValue(f"not a whole number ({col.type})")
        n = int(text)
        if not low <= n <= high:
            raise BadValue(f"out of range for {col.type} ({low} to {high})")
        return n, str(n)
    return parse


def _decimal(col: Column) -> Parser:
    precision, scale = _decimal_bounds(col.type)

    def parse(text: str) -> Parsed:
        m = _DECIMAL.fullmatch(text)
        if not m:
            raise BadValue(f"not a number ({col.type})")
        whole = (m.group(1) or "").lstrip("0")
        decimals = (m.group(2) or m.group(3) or "").rstrip("0")
        if len(decimals) > scale:
            raise BadValue(f"more than {scale} decimals ({col.type}): it would be rounded")
        if len(whole) > precision - scale:
            raise BadValue(f"too large for {col.type}")
        value = Decimal(text)
        return value, f"{value:.{scale}f}"
    return parse


def _float(col: Column) -> Parser:
    def parse(text: str) -> Parsed:
        try:
            value = float(text)
        except ValueError:
            raise BadValue(f"not a number ({col.type})") from None
        if not math.isfinite(value):
            raise BadValue("not a finite number")
        return Decimal(text), repr(value)
    return parse


def _boolean(col: Column) -> Parser:
    def parse(text: str) -> Parsed:
        value = _BOOLEANS.get(text.lower())
        if value is None:
            raise BadValue("not a boolean (1, 0, true, false)")
        return value, "1" if value else "0"
    return parse


def _json(col: Column) -> Parser:
    def parse(text: str) -> Parsed:
        try:
            json.loads(text)
        except ValueError as exc:
            raise BadValue(f"not JSON ({exc.args[0].split(':')[0]})") from None
        return text, _escape(text)
    return parse


def _text(col: Column) -> Parser:
    size = _size(col.type)
    is_text = col.family == "text"

    def parse(text: str) -> Parsed:
        if "\x00" in text:
            raise BadValue("contains a NUL character, which PostgreSQL cannot store")
        if size is not None and len(text) > size:
            raise BadValue(f"{len(text)} characters, longer than {col.type}")
        if is_text and len(text.encode("utf-8")) > TEXT_BYTES:
            raise BadValue(f"longer than {TEXT_BYTES} bytes (MySQL TEXT)")
        return text, _escape(text)
    return parse


def _escape(text: str) -> str:
    return text.translate(_ESCAPES) if any(ch in text for ch in "\\\t\n\r") else text
