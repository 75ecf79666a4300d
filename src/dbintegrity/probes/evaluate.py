"""Evaluate neutral CHECK and generated-column expressions in Python, with SQL semantics.

The constraint probes insert a row, watch whether the engine accepts it, and compare that verdict with the
declared rule evaluated here.  That comparison only proves something if this evaluator is independent of
the engines and faithful to SQL, so it implements the semantics by hand (three-valued logic, NULL
propagation, exact decimal arithmetic) instead of asking a database, and it refuses (:class:`Unsupported`)
wherever MySQL and PostgreSQL disagree or the answer depends on something we do not model.  A refusal
becomes a skip reason; a guess would become a false failure or, worse, a false pass.

Input is the neutral form produced by :func:`dbintegrity.sqltext.expr.normalize`: PostgreSQL-flavoured text in
which casts of literals and columns have already been removed.  That is why a string literal compared with
a number, date or time is converted to the other side's type (``dob >= '1900-01-01'``,
``x >= '-1'`` from PostgreSQL's ``'-1'::integer``), as both engines do for literals.

Deliberate limits, each a place where the engines differ or where we would need the column's type:

* strings compare by code point, case- and trailing-space-sensitive (PostgreSQL ``C`` collation, MySQL
  ``_bin`` collations); case-insensitive MySQL collations are not modelled, and ``LIKE`` is case-sensitive;
* ``/`` between two integers is refused (MySQL returns a decimal, PostgreSQL truncates); a decimal quotient
  is returned only when exact and short enough that neither engine rounds it (see :func:`_divide`);
* division or modulo by zero is refused (PostgreSQL raises an error, MySQL returns NULL);
* integers are unbounded: engine overflow errors are not reproduced;
* ``GREATEST``/``LEAST`` (NULL handling differs), ``CURRENT_DATE``/``NOW()`` and other non-deterministic
  functions, JSON operators, sub-queries and unknown functions are refused;
* regular expressions (``~``, ``~*``, ``REGEXP_LIKE``) are evaluated only in the subset the engines agree
  on (:mod:`dbintegrity.sqltext.regex`), and intervals only in fixed units (seconds to weeks: months and years
  are calendar arithmetic).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, Inexact
from functools import lru_cache
from typing import Any, Final

import sqlglot
from sqlglot import exp

from dbintegrity.sqltext import regex as sqlregex
from dbintegrity.sqltext.expr import NEUTRAL

__all__ = ["Expr", "Unsupported", "compile_expr"]

Row = Mapping[str, object]
_Fn = Callable[[Row], object]


class Unsupported(Exception):
    """The expression uses something we cannot evaluate faithfully; the message says what (a skip reason)."""


# Addition, subtraction, multiplication, negation and rounding of decimals are exact in both engines, so we
# compute them with unbounded precision rather than Python's default 28 digits.
_EXACT: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)

_NUMERIC: Final = frozenset({"int", "decimal", "float"})
_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
_DURATION = re.compile(r"(-?)(\d+):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
_BOOLEAN_TEXT: Final = {"t": True, "true": True, "y": True, "yes": True, "on": True, "1": True,
                        "f": False, "false": False, "n": False, "no": False, "off": False, "0": False}


@dataclass(frozen=True)
class Interval:
    """An SQL interval in fixed units; kept apart from ``timedelta``, which is how PyMySQL returns TIME."""

    delta: dt.timedelta


_INTERVAL_UNITS: Final = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 7 * 86400}


@dataclass(frozen=True)
class Expr:
    """A compiled neutral expression: evaluate it against rows and list the values worth probing.

    Build it with :func:`compile_expr`, which rejects unsupported constructs up front so a caller can skip a
    rule before generating any data for it.  Evaluation can still raise :class:`Unsupported` for a value the
    engines treat differently (an integer division, a division by zero, a time-zone-aware timestamp).
    """

    text: str
    columns: tuple[str, ...]
    _fn: _Fn = field(repr=False, compare=False)
    _bounds: tuple[tuple[str, tuple[object, ...]], ...] = field(repr=False, compare=False)
    _relative: tuple[tuple[str, _Fn], ...] = field(default=(), repr=False, compare=False)
    _examples: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), repr=False, compare=False)
    _patterns: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def evaluate(self, row: Mapping[str, object]) -> object | None:
        """The SQL value of the expression for ``row`` (``None`` is NULL).

        Column lookups are case-insensitive because identifiers reach us lower-cased while drivers report
        names as declared; a column missing from ``row`` reads as NULL, like a column the INSERT omitted.
        """
        lowered = {str(key).lower(): value for key, value in row.items()}
        return self._fn(lowered)

    def check_passes(self, row: Mapping[str, object]) -> bool:
        """Whether a CHECK constraint with this expression accepts ``row``: only FALSE rejects, NULL passes."""
        return _truth(self.evaluate(row)) is not False

    def boundaries(self) -> dict[str, list[object]]:
        """Per column compared with a constant, the constants and their neighbours, sorted and de-duplicated.

        Off-by-one mistakes (``>`` for ``>=``, a wrong scale) only show at the edge, so these are the values
        a probe should try: ``c - step, c, c + step`` for comparisons and BETWEEN (step 1 for integers, the
        constant's last decimal place for decimals, one day for dates, one second for times), the members
        plus one outsider for IN lists.  Columns never compared with a constant are absent.
        """
        return {column: list(values) for column, values in self._bounds}

    def examples(self, column: str) -> list[str]:
        """Values of ``column`` that match the regular expressions the expression applies to it."""
        return [value for name, values in self._examples if name == column.lower() for value in values]

    def patterns(self, column: str) -> list[str]:
        """The regular expressions (case-sensitive, supported ones) the expression matches ``column`` against."""
        return [pattern for name, pattern in self._patterns if name == column.lower()]

    def relative_boundaries(self, column: str, row: Mapping[str, object]) -> list[object]:
        """Values of ``column`` at the edge of a comparison with other columns of ``row``.

        ``expires_at <= created_at + INTERVAL '1 DAY'`` has no constant to probe around; once ``created_at``
        is known, ``created_at + 1 day`` and its neighbours are the edge.  Comparisons whose other side is
        NULL or cannot be evaluated for this row give nothing.
        """
        lowered = {str(key).lower(): value for key, value in row.items()}
        out: list[object] = []
        for name, other in self._relative:
            if name != column.lower():
                continue
            try:
                value = other(lowered)
                if value is not None and not isinstance(value, Interval):
                    out += _neighbours(_probe_value(value))
            except Unsupported:
                continue
        return out


def compile_expr(text: str) -> Expr:
    """Compile neutral expression ``text``; raises :class:`Unsupported` for anything we cannot evaluate.

    Compiling everything eagerly (rather than failing lazily on the first row that reaches an odd branch)
    lets callers skip a rule early with a precise reason.
    """
    try:
        tree = sqlglot.parse_one(text, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as error:
        raise Unsupported(f"cannot parse expression {text!r}: {error}") from error
    compiler = _Compiler()
    fn = compiler.compile(tree)
    columns = tuple(compiler.columns)
    found = _find_boundaries(tree)
    bounds = tuple((column, tuple(_sorted_unique(found[column]))) for column in columns if found.get(column))
    return Expr(text=text, columns=columns, _fn=fn, _bounds=bounds, _relative=tuple(_find_relative(tree)),
                _examples=tuple(_find_examples(tree)), _patterns=tuple(_find_patterns(tree)))


# ---------------------------------------------------------------------------------------------- values


def _kind(value: object) -> str:
    """The SQL type family of a driver value; the order of tests matters (bool is an int, datetime a date)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, Decimal):
        if value.is_nan():
            raise Unsupported("NaN is not evaluated in Python (PostgreSQL orders it above all numbers)")
        return "decimal"
    if isinstance(value, float):
        if math.isnan(value):
            raise Unsupported("NaN is not evaluated in Python (PostgreSQL orders it above all numbers)")
        return "float"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, dt.time):
        return "time"
    if isinstance(value, dt.timedelta):  # PyMySQL returns TIME columns as timedelta
        return "duration"
    if isinstance(value, Interval):
        return "interval"
    raise Unsupported(f"a value of Python type {type(value).__name__} is not evaluated in Python")


def _truth(value: object) -> bool | None:
    """A value as a condition: booleans as such, numbers true when non-zero (MySQL stores BOOLEAN as 0/1)."""
    if value is None or isinstance(value, bool):
        return value
    if _kind(value) in _NUMERIC:
        return bool(value)
    raise Unsupported(f"a {_kind(value)} value used as a condition is not evaluated in Python")


def _parse_number(text: str) -> int | Decimal:
    """A numeric literal or numeric text, exactly: ``0.5`` must never become a binary float."""
    stripped = text.strip()
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _NUMBER.fullmatch(stripped):
        return Decimal(stripped)
    raise Unsupported(f"text {text!r} used as a number is not evaluated in Python")


def _parse_time(text: str) -> dt.time:
    match = _TIME.fullmatch(text)
    if match is None:
        raise Unsupported(f"text {text!r} used as a time is not evaluated in Python")
    hour, minute, second, fraction = match.groups()
    try:
        return dt.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError as error:
        raise Unsupported(f"text {text!r} is not a valid time") from error


def _parse_duration(text: str) -> dt.timedelta:
    match = _DURATION.fullmatch(text)
    if match is None:
        raise Unsupported(f"text {text!r} used as a MySQL TIME is not evaluated in Python")
    sign, hours, minutes, seconds, fraction = match.groups()
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0),
                         microseconds=int((fraction or "0").ljust(6, "0")))
    return -delta if sign else delta


def _from_text(text: str, other: object) -> object:
    """Convert a string to the type of the value it meets, as both engines do for a literal of unknown type."""
    kind = _kind(other)
    stripped = text.strip()
    try:
        if kind == "bool":
            if stripped.lower() in _BOOLEAN_TEXT:
                return _BOOLEAN_TEXT[stripped.lower()]
        elif kind in ("int", "decimal"):
            return _parse_number(stripped)
        elif kind == "float":
            return float(_parse_number(stripped))
        elif kind == "datetime" and _DATETIME.fullmatch(stripped):
            return dt.datetime.fromisoformat(stripped)
        elif kind == "date" and _DATE.fullmatch(stripped):  # a date column met with a timestamp text differs
            return dt.date.fromisoformat(stripped)
        elif kind == "time":
            return _parse_time(stripped)
        elif kind == "duration":
            return _parse_duration(stripped)
    except ValueError as error:
        raise Unsupported(f"text {text!r} is not a valid {kind}") from error
    raise Unsupported(f"comparing text {text!r} with a {kind} value is not evaluated in Python")


def _coerce_pair(left: object, right: object) -> tuple[Any, Any]:
    """Two non-NULL values brought to one comparable type, or Unsupported where the engines would differ."""
    left_kind, right_kind = _kind(left), _kind(right)
    if left_kind == "text" and right_kind != "text":
        left = _from_text(left, right)  # type: ignore[arg-type]
        left_kind = _kind(left)
    elif right_kind == "text" and left_kind != "text":
        right = _from_text(right, left)  # type: ignore[arg-type]
        right_kind = _kind(right)
    kinds = {left_kind, right_kind}
    if kinds <= _NUMERIC:
        if "float" in kinds:  # both engines compare a float with an exact number as double precision
            return float(left), float(right)  # type: ignore[arg-type]
        return left, right
    if kinds <= {"bool", "int"}:  # MySQL's BOOLEAN is TINYINT(1): TRUE = 1
        return left, right
    if kinds == {"date", "datetime"}:  # a date meets a timestamp at midnight
        left, right = (_at_midnight(value) if not isinstance(value, dt.datetime) else value
                       for value in (left, right))
    if kinds == {"time", "duration"}:
        left, right = (_as_duration(value) for value in (left, right))
    if len(kinds) == 1 or kinds in ({"date", "datetime"}, {"time", "duration"}):
        if isinstance(left, (dt.datetime, dt.time)) and isinstance(right, (dt.datetime, dt.time)) and (
                (left.tzinfo is None) != (right.tzinfo is None)):
            raise Unsupported("comparing time-zone-aware and naive values depends on the session time zone")
        return left, right
    raise Unsupported(f"comparing a {left_kind} value with a {right_kind} value is not evaluated in Python")


def _at_midnight(value: object) -> dt.datetime:
    assert isinstance(value, dt.date)
    return dt.datetime.combine(value, dt.time())


def _as_duration(value: object) -> object:
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise Unsupported("a time with a time zone compared with a MySQL TIME is not evaluated in Python")
        return dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second,
                            microseconds=value.microsecond)
    return value


def _compare(left: object, right: object) -> int | None:
    """SQL comparison: -1, 0 or 1, or None (unknown) when either side is NULL."""
    if left is None or right is None:
        return None
    a, b = _coerce_pair(left, right)
    return int(a > b) - int(a < b)


def _numbers(left: object, right: object, operator: str) -> tuple[Any, Any]:
    """Operands of arithmetic, with a text literal read as a number; non-numbers are refused."""
    left_kind, right_kind = _kind(left), _kind(right)
    if left_kind == "text" and right_kind in _NUMERIC:
        left, left_kind = _parse_number(left), "decimal"  # type: ignore[arg-type]
    elif right_kind == "text" and left_kind in _NUMERIC:
        right, right_kind = _parse_number(right), "decimal"  # type: ignore[arg-type]
    if left_kind not in _NUMERIC or right_kind not in _NUMERIC:
        raise Unsupported(f"{operator} on {left_kind} and {right_kind} values is not evaluated in Python")
    if isinstance(left, float) or isinstance(right, float):
        return float(left), float(right)  # type: ignore[arg-type]
    return left, right


def _interval_arithmetic(left: object, right: object, operator: str) -> object:
    """A timestamp or date moved by a fixed interval; a date becomes a timestamp, as in PostgreSQL (MySQL keeps
    a date when the interval is whole days, which compares equal: a date meets a timestamp at midnight)."""
    if operator == "+" and isinstance(left, Interval):
        left, right = right, left
    if not isinstance(right, Interval) or operator not in ("+", "-") or not isinstance(left, dt.date):
        raise Unsupported(f"{operator} on {_kind(left)} and {_kind(right)} values is not evaluated in Python")
    moment = left if isinstance(left, dt.datetime) else _at_midnight(left)
    if moment.tzinfo is not None:
        raise Unsupported("interval arithmetic on a time-zone-aware timestamp depends on the session time zone")
    return moment + right.delta if operator == "+" else moment - right.delta


def _decimal(value: int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _scale(value: int | Decimal) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _add(left: Any, right: Any) -> object:
    if isinstance(left, float) or (isinstance(left, int) and isinstance(right, int)):
        return left + right
    return _EXACT.add(_decimal(left), _decimal(right))


def _subtract(left: Any, right: Any) -> object:
    if isinstance(left, float) or (isinstance(left, int) and isinstance(right, int)):
        return left - right
    return _EXACT.subtract(_decimal(left), _decimal(right))


def _multiply(left: Any, right: Any) -> object:
    if isinstance(left, float) or (isinstance(left, int) and isinstance(right, int)):
        return left * right
    return _EXACT.multiply(_decimal(left), _decimal(right))


def _divide(left: Any, right: Any) -> object:
    """``/`` where both engines agree: floats, or an exact decimal quotient that neither engine rounds.

    MySQL gives the quotient the dividend's scale plus ``div_precision_increment`` (4); PostgreSQL keeps at
    least 16 significant digits and at least the larger operand scale.  An exact quotient inside both limits
    is what both return; anything else would be a guess at one engine's rounding, so it is refused.
    """
    if right == 0:
        raise Unsupported("division by zero (PostgreSQL raises an error, MySQL returns NULL)")
    if isinstance(left, float):  # a double divided by anything is a double in both engines
        return left / float(right)
    if isinstance(left, int) and isinstance(right, int):
        raise Unsupported("/ between two integers is not evaluated in Python "
                          "(MySQL returns a decimal, PostgreSQL truncates)")
    context = Context(prec=80)
    quotient = context.divide(_decimal(left), _decimal(right))
    reduced = quotient.normalize(_EXACT)
    postgres_exact = len(reduced.as_tuple().digits) <= 16 or _scale(reduced) <= max(_scale(left), _scale(right))
    mysql_exact = _scale(reduced) <= _scale(left) + 4
    if context.flags[Inexact] or not (postgres_exact and mysql_exact):
        raise Unsupported(f"{left} / {right} is rounded differently by MySQL and PostgreSQL")
    return quotient


def _modulo(left: Any, right: Any) -> object:
    """``%`` truncates toward zero in both engines: the result has the dividend's sign, unlike Python's."""
    if isinstance(left, float):
        raise Unsupported("% on floating-point values is not evaluated in Python (PostgreSQL has no such operator)")
    if right == 0:
        raise Unsupported("modulo by zero (PostgreSQL raises an error, MySQL returns NULL)")
    if isinstance(left, int) and isinstance(right, int):
        remainder = abs(left) % abs(right)
        return -remainder if left < 0 else remainder
    return _EXACT.remainder(_decimal(left), _decimal(right))


def _integer_divide(left: Any, right: Any) -> object:
    """MySQL ``DIV`` and PostgreSQL ``div()``: the quotient truncated toward zero."""
    if isinstance(left, float):
        raise Unsupported("DIV on floating-point values is not evaluated in Python")
    if right == 0:
        raise Unsupported("division by zero (PostgreSQL raises an error, MySQL returns NULL)")
    quotient = _EXACT.divide_int(_decimal(left), _decimal(right))
    return int(quotient)


def _negate(value: object) -> object:
    if value is None:
        return None
    kind = _kind(value)
    if kind == "decimal":
        return _EXACT.minus(value)  # type: ignore[arg-type]
    if kind in ("int", "float"):
        return -value  # type: ignore[operator]
    raise Unsupported(f"unary minus on a {kind} value is not evaluated in Python")


def _absolute(value: object) -> object:
    if value is None:
        return None
    kind = _kind(value)
    if kind == "decimal":
        return _EXACT.abs(value)  # type: ignore[arg-type]
    if kind in ("int", "float"):
        return abs(value)  # type: ignore[arg-type]
    raise Unsupported(f"ABS of a {kind} value is not evaluated in Python")


def _round(value: object, places: object) -> object:
    """ROUND half away from zero, as both engines round exact numbers; float rounding differs, so refused."""
    if value is None or places is None:
        return None
    if _kind(places) not in ("int", "decimal") or places != int(places):  # type: ignore[call-overload]
        raise Unsupported(f"ROUND to {places!r} places is not evaluated in Python")
    digits = int(places)  # type: ignore[call-overload]
    kind = _kind(value)
    if kind == "int" and digits >= 0:
        return value
    if kind not in ("int", "decimal"):
        raise Unsupported(f"ROUND of a {kind} value is not evaluated in Python (the engines round floats differently)")
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP,  # type: ignore[arg-type]
                                       context=_EXACT)
    return int(rounded) if kind == "int" else rounded


def _to_text(value: object) -> str:
    """A value as text where both engines print it alike; booleans, floats and timestamps print differently."""
    kind = _kind(value)
    if kind == "text":
        return value  # type: ignore[return-value]
    if kind == "int":
        return str(value)
    if kind == "decimal":
        return format(value, "f")
    if kind == "date":
        return value.isoformat()  # type: ignore[attr-defined, no-any-return]
    raise Unsupported(f"a {kind} value converted to text is not evaluated in Python (the engines print it differently)")


def _one_to_one(text: str, convert: Callable[[str], str]) -> str:
    """Case mapping per character, keeping characters whose mapping changes length (``ß``), as the engines do."""
    return "".join(mapped if len(mapped := convert(char)) == 1 else char for char in text)


def _text_argument(value: object, function: str) -> str:
    if not isinstance(value, str):
        raise Unsupported(f"{function} of a {_kind(value)} value is not evaluated in Python")
    return value


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    """Translate a LIKE pattern: ``%`` any run, ``_`` one character, ``escape`` quotes the next character."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if escape is not None and char == escape:
            if index + 1 == len(pattern):
                raise Unsupported("a LIKE pattern ending in the escape character (PostgreSQL raises, MySQL matches it)")
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


# ---------------------------------------------------------------------------------------------- compiler


def _names(*names: str) -> tuple[type[exp.Expr], ...]:
    """The sqlglot classes among ``names`` that this sqlglot version defines."""
    return tuple(getattr(exp, name) for name in names if isinstance(getattr(exp, name, None), type))


_NON_DETERMINISTIC: Final = _names(
    "CurrentDate", "CurrentDatetime", "CurrentTime", "CurrentTimestamp", "CurrentTimestampLTZ", "Localtime",
    "Localtimestamp", "Rand", "Uuid", "CurrentUser", "CurrentSchema", "UnixSeconds",
)
_COMPARISONS: Final[dict[type[exp.Expr], Callable[[int], bool]]] = {
    exp.EQ: lambda order: order == 0,
    exp.NEQ: lambda order: order != 0,
    exp.GT: lambda order: order > 0,
    exp.GTE: lambda order: order >= 0,
    exp.LT: lambda order: order < 0,
    exp.LTE: lambda order: order <= 0,
}
_ARITHMETIC: Final[dict[type[exp.Expr], tuple[str, Callable[[Any, Any], object]]]] = {
    exp.Add: ("+", _add),
    exp.Sub: ("-", _subtract),
    exp.Mul: ("*", _multiply),
    exp.Div: ("/", _divide),
    exp.Mod: ("%", _modulo),
    exp.IntDiv: ("DIV", _integer_divide),
}
_INTEGER_RANGES: Final = {
    exp.DataType.Type.TINYINT: 2**7, exp.DataType.Type.SMALLINT: 2**15, exp.DataType.Type.MEDIUMINT: 2**23,
    exp.DataType.Type.INT: 2**31, exp.DataType.Type.BIGINT: 2**63,
}
_TEXT_TYPES: Final = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR}


def _describe(node: exp.Expr) -> str:
    """A skip reason naming the construct, in words a schema author recognises."""
    if isinstance(node, (exp.Query, exp.Subquery, exp.Exists)):
        return f"sub-query {node.sql(dialect=NEUTRAL)!r} is not evaluated in Python"
    if isinstance(node, exp.Anonymous):
        return f"function {node.name.lower()} is not evaluated in Python"
    if isinstance(node, exp.Func):
        return f"function {node.sql_name().lower()} is not evaluated in Python"
    return f"{node.key} expression {node.sql(dialect=NEUTRAL)!r} is not evaluated in Python"


class _Compiler:
    """Turns a sqlglot tree into nested closures, recording referenced columns in first-appearance order.

    Dispatch is on the exact node class so that a subclass with different semantics (``TRY_CAST`` is a
    ``Cast``) is refused rather than silently evaluated as its parent.
    """

    def __init__(self) -> None:
        self.columns: list[str] = []
        self._handlers: dict[type[exp.Expr], Callable[[Any], _Fn]] = {
            exp.Column: self._column, exp.Literal: self._literal, exp.Boolean: self._boolean,
            exp.Null: self._null, exp.Paren: self._paren, exp.Not: self._not, exp.And: self._and,
            exp.Or: self._or, exp.Xor: self._xor, exp.Is: self._is, exp.In: self._in,
            exp.Between: self._between, exp.Like: self._like, exp.ILike: self._like, exp.Escape: self._escape,
            exp.NullSafeEQ: self._null_safe, exp.NullSafeNEQ: self._null_safe, exp.Neg: self._neg,
            exp.Case: self._case, exp.If: self._if, exp.Coalesce: self._coalesce, exp.Nullif: self._nullif,
            exp.Length: self._length, exp.Lower: self._lower, exp.Upper: self._upper, exp.Trim: self._trim,
            exp.Abs: self._abs, exp.Round: self._round, exp.Cast: self._cast, exp.DPipe: self._dpipe,
            exp.Concat: self._concat, exp.RegexpLike: self._regexp, exp.RegexpILike: self._regexp,
            exp.Interval: self._interval,
        }
        for kind in _COMPARISONS:
            self._handlers[kind] = self._comparison
        for kind in _ARITHMETIC:
            self._handlers[kind] = self._arithmetic

    def compile(self, node: exp.Expr) -> _Fn:
        if isinstance(node, _NON_DETERMINISTIC):
            name = node.sql_name().lower() if isinstance(node, exp.Func) else node.key
            raise Unsupported(f"function {name} is non-deterministic and is not evaluated in Python")
        if isinstance(node, (exp.Greatest, exp.Least)):
            raise Unsupported(f"function {node.key} is not evaluated in Python "
                              "(MySQL returns NULL if any argument is NULL, PostgreSQL ignores NULLs)")
        handler = self._handlers.get(type(node))
        if handler is None:
            raise Unsupported(_describe(node))
        return handler(node)

    def _optional(self, node: exp.Expr | None) -> _Fn | None:
        return None if node is None else self.compile(node)

    # -- leaves

    def _column(self, node: exp.Column) -> _Fn:
        name = node.name.lower()
        if not name or isinstance(node.this, exp.Star):
            raise Unsupported(_describe(node))
        if name not in self.columns:
            self.columns.append(name)
        return lambda row: row.get(name)

    def _literal(self, node: exp.Literal) -> _Fn:
        value: object = node.this if node.is_string else _parse_number(node.this)
        return lambda _row: value

    def _boolean(self, node: exp.Boolean) -> _Fn:
        value = bool(node.this)
        return lambda _row: value

    def _null(self, _node: exp.Null) -> _Fn:
        return lambda _row: None

    def _paren(self, node: exp.Paren) -> _Fn:
        return self.compile(node.this)

    # -- logic

    def _not(self, node: exp.Not) -> _Fn:
        operand = self.compile(node.this)

        def fn(row: Row) -> object:
            value = _truth(operand(row))
            return None if value is None else not value

        return fn

    def _and(self, node: exp.And) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)

        def fn(row: Row) -> object:  # FALSE AND anything is FALSE, even NULL
            first = _truth(left(row))
            if first is False:
                return False
            second = _truth(right(row))
            if second is False:
                return False
            return None if first is None or second is None else True

        return fn

    def _or(self, node: exp.Or) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)

        def fn(row: Row) -> object:  # TRUE OR anything is TRUE, even NULL
            first = _truth(left(row))
            if first is True:
                return True
            second = _truth(right(row))
            if second is True:
                return True
            return None if first is None or second is None else False

        return fn

    def _xor(self, node: exp.Xor) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)

        def fn(row: Row) -> object:
            first, second = _truth(left(row)), _truth(right(row))
            return None if first is None or second is None else first != second

        return fn

    def _is(self, node: exp.Is) -> _Fn:
        operand, target, negate = self.compile(node.this), node.expression, bool(node.args.get("negate"))
        if isinstance(target, exp.Null):
            return lambda row: (operand(row) is None) != negate
        if isinstance(target, exp.Boolean):
            wanted = bool(target.this)
            return lambda row: (_truth(operand(row)) is wanted) != negate
        raise Unsupported(_describe(node))

    # -- predicates

    def _comparison(self, node: exp.Binary) -> _Fn:
        left, right, test = self.compile(node.this), self.compile(node.expression), _COMPARISONS[type(node)]

        def fn(row: Row) -> object:
            order = _compare(left(row), right(row))
            return None if order is None else test(order)

        return fn

    def _null_safe(self, node: exp.Binary) -> _Fn:
        left, right, equal = self.compile(node.this), self.compile(node.expression), isinstance(node, exp.NullSafeEQ)

        def fn(row: Row) -> object:
            first, second = left(row), right(row)
            if first is None or second is None:
                return (first is None and second is None) == equal
            return (_compare(first, second) == 0) == equal

        return fn

    def _in(self, node: exp.In) -> _Fn:
        if any(node.args.get(arg) for arg in ("query", "unnest", "field")):
            raise Unsupported(f"sub-query in {node.sql(dialect=NEUTRAL)!r} is not evaluated in Python")
        operand = self.compile(node.this)
        members = [self.compile(member) for member in node.expressions]

        def fn(row: Row) -> object:  # no match and a NULL member: unknown, not FALSE
            value = operand(row)
            if value is None:
                return None
            unknown = False
            for member in members:
                order = _compare(value, member(row))
                if order == 0:
                    return True
                unknown = unknown or order is None
            return None if unknown else False

        return fn

    def _between(self, node: exp.Between) -> _Fn:
        operand, low, high = (self.compile(node.args[arg]) for arg in ("this", "low", "high"))
        symmetric = bool(node.args.get("symmetric"))

        def within(value: object, lower: object, upper: object) -> bool | None:
            above, below = _compare(value, lower), _compare(value, upper)
            if (above is not None and above < 0) or (below is not None and below > 0):
                return False
            return None if above is None or below is None else True

        def fn(row: Row) -> object:
            value, lower, upper = operand(row), low(row), high(row)
            result = within(value, lower, upper)
            if not symmetric or result is True:
                return result
            other = within(value, upper, lower)
            return True if other is True else None if None in (result, other) else False

        return fn

    def _like(self, node: exp.Like | exp.ILike, escape: _Fn | None = None) -> _Fn:
        operand, pattern = self.compile(node.this), self.compile(node.expression)
        negate, fold = bool(node.args.get("negate")), isinstance(node, exp.ILike)

        def fn(row: Row) -> object:
            value, template = operand(row), pattern(row)
            marker = "\\" if escape is None else escape(row)
            if value is None or template is None or (escape is not None and marker is None):
                return None
            text, template = _text_argument(value, "LIKE"), _text_argument(template, "LIKE pattern")
            marker = _text_argument(marker, "LIKE ESCAPE")
            if len(marker) > 1:
                raise Unsupported("a LIKE escape of more than one character is not evaluated in Python")
            if fold:
                text, template = _one_to_one(text, str.lower), _one_to_one(template, str.lower)
            matched = _like_regex(template, marker or None).fullmatch(text) is not None
            return matched != negate

        return fn

    def _regexp(self, node: exp.RegexpLike | exp.RegexpILike) -> _Fn:
        """``x ~ 'p'`` (and MySQL's ``REGEXP_LIKE(x, 'p', 'c')``): only literal patterns, checked up front."""
        operand = self.compile(node.this)
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise Unsupported(f"a regular expression that is not a literal ({pattern.sql(dialect=NEUTRAL)}) "
                              "is not evaluated in Python")
        flag = node.args.get("flag")
        if flag is not None:
            raise Unsupported(f"regular expression flags ({flag.sql(dialect=NEUTRAL)}) are not evaluated in Python")
        ignore_case = isinstance(node, exp.RegexpILike)
        try:
            sqlregex.compile_pattern(pattern.this, ignore_case)
        except sqlregex.RegexUnsupported as exc:
            raise Unsupported(str(exc)) from None
        text = pattern.this

        def fn(row: Row) -> object:
            value = operand(row)
            if value is None:
                return None
            try:
                return sqlregex.matches(text, _text_argument(value, "~"), ignore_case)
            except sqlregex.RegexUnsupported as exc:
                raise Unsupported(str(exc)) from None

        return fn

    def _interval(self, node: exp.Interval) -> _Fn:
        unit = node.args.get("unit")
        amount = node.this
        name = (unit.name if unit is not None else "").upper().rstrip("S")
        if not (isinstance(amount, exp.Literal) and name in _INTERVAL_UNITS and _INT.fullmatch(amount.this.strip())):
            raise Unsupported(f"interval {node.sql(dialect=NEUTRAL)} is not evaluated in Python "
                              "(only whole numbers of seconds, minutes, hours, days or weeks)")
        value = Interval(dt.timedelta(seconds=int(amount.this) * _INTERVAL_UNITS[name]))
        return lambda _row: value

    def _escape(self, node: exp.Escape) -> _Fn:
        if type(node.this) not in (exp.Like, exp.ILike):
            raise Unsupported(_describe(node))
        escape = self.compile(node.expression)
        return self._like(node.this, escape)

    # -- arithmetic

    def _arithmetic(self, node: exp.Binary) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)
        symbol, operation = _ARITHMETIC[type(node)]

        def fn(row: Row) -> object:
            first, second = left(row), right(row)
            if first is None or second is None:
                return None
            if isinstance(first, Interval) or isinstance(second, Interval):
                return _interval_arithmetic(first, second, symbol)
            return operation(*_numbers(first, second, symbol))

        return fn

    def _neg(self, node: exp.Neg) -> _Fn:
        operand = self.compile(node.this)
        return lambda row: _negate(operand(row))

    # -- conditionals

    def _case(self, node: exp.Case) -> _Fn:
        base = self._optional(node.args.get("this"))
        branches: list[tuple[_Fn, _Fn]] = []
        for branch in node.args.get("ifs") or []:
            if not isinstance(branch, exp.If) or branch.args.get("false") is not None:
                raise Unsupported(_describe(node))
            branches.append((self.compile(branch.this), self.compile(branch.args["true"])))
        default = self._optional(node.args.get("default"))

        def fn(row: Row) -> object:
            subject = None if base is None else base(row)
            for condition, result in branches:
                hit = _compare(subject, condition(row)) == 0 if base is not None else _truth(condition(row)) is True
                if hit:
                    return result(row)
            return None if default is None else default(row)

        return fn

    def _if(self, node: exp.If) -> _Fn:
        condition, then = self.compile(node.this), self.compile(node.args["true"])
        otherwise = self._optional(node.args.get("false"))

        def fn(row: Row) -> object:
            if _truth(condition(row)) is True:
                return then(row)
            return None if otherwise is None else otherwise(row)

        return fn

    def _coalesce(self, node: exp.Coalesce) -> _Fn:
        arguments = [self.compile(node.this), *(self.compile(arg) for arg in node.expressions)]

        def fn(row: Row) -> object:
            for argument in arguments:
                value = argument(row)
                if value is not None:
                    return value
            return None

        return fn

    def _nullif(self, node: exp.Nullif) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)

        def fn(row: Row) -> object:
            value = left(row)
            return None if _compare(value, right(row)) == 0 else value

        return fn

    # -- functions

    def _length(self, node: exp.Length) -> _Fn:
        if node.args.get("binary"):
            raise Unsupported("byte length is not evaluated in Python")
        operand = self.compile(node.this)

        def fn(row: Row) -> object:  # characters, not bytes: PostgreSQL's length(), MySQL's char_length()
            value = operand(row)
            return None if value is None else len(_text_argument(value, "LENGTH"))

        return fn

    def _lower(self, node: exp.Lower) -> _Fn:
        operand = self.compile(node.this)

        def fn(row: Row) -> object:
            value = operand(row)
            return None if value is None else _one_to_one(_text_argument(value, "LOWER"), str.lower)

        return fn

    def _upper(self, node: exp.Upper) -> _Fn:
        operand = self.compile(node.this)

        def fn(row: Row) -> object:
            value = operand(row)
            return None if value is None else _one_to_one(_text_argument(value, "UPPER"), str.upper)

        return fn

    def _trim(self, node: exp.Trim) -> _Fn:
        if node.args.get("collation") is not None:
            raise Unsupported(_describe(node))
        operand, characters = self.compile(node.this), self._optional(node.args.get("expression"))
        position = str(node.args.get("position") or "BOTH").upper()

        def fn(row: Row) -> object:
            value = operand(row)
            strip = " " if characters is None else characters(row)
            if value is None or strip is None:
                return None
            text, strip = _text_argument(value, "TRIM"), _text_argument(strip, "TRIM characters")
            if len(strip) != 1:  # PostgreSQL strips any of the characters, MySQL the whole string repeatedly
                raise Unsupported("TRIM of a multi-character string is not evaluated in Python")
            if position == "LEADING":
                return text.lstrip(strip)
            if position == "TRAILING":
                return text.rstrip(strip)
            return text.strip(strip)

        return fn

    def _abs(self, node: exp.Abs) -> _Fn:
        operand = self.compile(node.this)
        return lambda row: _absolute(operand(row))

    def _round(self, node: exp.Round) -> _Fn:
        if node.args.get("truncate"):
            raise Unsupported(_describe(node))
        operand, places = self.compile(node.this), self._optional(node.args.get("decimals"))
        return lambda row: _round(operand(row), 0 if places is None else places(row))

    def _dpipe(self, node: exp.DPipe) -> _Fn:
        left, right = self.compile(node.this), self.compile(node.expression)

        def fn(row: Row) -> object:  # || propagates NULL
            first, second = left(row), right(row)
            return None if first is None or second is None else _to_text(first) + _to_text(second)

        return fn

    def _concat(self, node: exp.Concat) -> _Fn:
        arguments = [self.compile(arg) for arg in node.expressions]
        skip_nulls = bool(node.args.get("coalesce"))  # PostgreSQL's CONCAT(); MySQL's arrives as ||

        def fn(row: Row) -> object:
            values = [argument(row) for argument in arguments]
            if None in values and not skip_nulls:
                return None
            return "".join(_to_text(value) for value in values if value is not None)

        return fn

    def _cast(self, node: exp.Cast) -> _Fn:
        target = node.args["to"]
        if not isinstance(target, exp.DataType):
            raise Unsupported(_describe(node))
        kind = target.this
        try:
            parameters = [int(param.this.name) for param in target.expressions]
        except (AttributeError, ValueError) as error:
            raise Unsupported(f"cast to {target.sql(dialect=NEUTRAL)} is not evaluated in Python") from error
        if kind == exp.DataType.Type.DECIMAL and not parameters and isinstance(node.this, exp.IntDiv):
            return self.compile(node.this)  # sqlglot's spelling of DIV(a, b): already a whole number
        convert = _cast_function(kind, parameters, target.sql(dialect=NEUTRAL))
        operand = self.compile(node.this)

        def fn(row: Row) -> object:
            value = operand(row)
            return None if value is None else convert(value)

        return fn


def _cast_function(kind: object, parameters: list[int], name: str) -> Callable[[object], object]:
    """The conversion for ``CAST(... AS name)`` where both engines agree on it, else Unsupported now."""
    if kind in _INTEGER_RANGES and not parameters:
        limit = _INTEGER_RANGES[kind]

        def to_integer(value: object) -> object:
            source = _kind(value)
            if source == "text":
                value = _parse_number(value)  # type: ignore[arg-type]
                if not isinstance(value, int):
                    raise Unsupported(f"text {value} cast to {name} is not evaluated in Python")
            elif source not in ("int", "decimal", "bool"):
                raise Unsupported(f"a {source} value cast to {name} is not evaluated in Python")
            result = int(_round(int(value) if isinstance(value, bool) else value, 0))  # type: ignore[call-overload]
            if not -limit <= result < limit:
                raise Unsupported(f"{result} is out of range for {name}")
            return result

        return to_integer
    if kind == exp.DataType.Type.DECIMAL and len(parameters) <= 2:
        precision = parameters[0] if parameters else 10
        scale = parameters[1] if len(parameters) == 2 else 0

        def to_decimal(value: object) -> object:
            source = _kind(value)
            if source == "text":
                value = _parse_number(value)  # type: ignore[arg-type]
            elif source not in ("int", "decimal"):
                raise Unsupported(f"a {source} value cast to {name} is not evaluated in Python")
            rounded = _round(value, scale)
            assert isinstance(rounded, (int, Decimal))
            if not parameters and rounded != value:  # PostgreSQL keeps every digit, MySQL's DECIMAL is (10,0)
                raise Unsupported(f"{value} cast to an unconstrained {name} is not evaluated in Python")
            if _decimal(rounded).copy_abs() >= Decimal(1).scaleb(precision - scale):
                raise Unsupported(f"{value} is out of range for {name}")
            return _decimal(rounded).quantize(Decimal(1).scaleb(-scale), context=_EXACT) if parameters else rounded

        return to_decimal
    if kind == exp.DataType.Type.DOUBLE and not parameters:  # BMI = CAST(weight AS DOUBLE) / height²

        def to_double(value: object) -> object:
            source = _kind(value)
            if source not in ("int", "decimal", "float"):
                raise Unsupported(f"a {source} value cast to {name} is not evaluated in Python")
            return float(value)  # type: ignore[arg-type]

        return to_double
    if kind in _TEXT_TYPES and len(parameters) <= 1:
        width = parameters[0] if parameters else None
        return lambda value: _to_text(value)[:width]
    if kind == exp.DataType.Type.DATE and not parameters:

        def to_date(value: object) -> object:
            if isinstance(value, dt.datetime):
                if value.tzinfo is not None:
                    raise Unsupported("a time-zone-aware timestamp cast to DATE depends on the session time zone")
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str) and _DATE.fullmatch(value.strip()):
                try:
                    return dt.date.fromisoformat(value.strip())
                except ValueError as error:
                    raise Unsupported(f"text {value!r} is not a valid date") from error
            raise Unsupported(f"{value!r} cast to DATE is not evaluated in Python")

        return to_date
    raise Unsupported(f"cast to {name} is not evaluated in Python")


# ---------------------------------------------------------------------------------------------- boundaries


def _column_name(node: exp.Expr) -> str | None:
    while isinstance(node, exp.Paren):
        node = node.this
    return node.name.lower() if isinstance(node, exp.Column) and node.name else None


def _constant(node: exp.Expr) -> object | None:
    """The value of a column-free, evaluable sub-expression (``-1``, ``(-1)``, ``'1900-01-01'``), else None."""
    compiler = _Compiler()
    try:
        fn = compiler.compile(node)
        value = None if compiler.columns else fn({})
        return None if value is None else _probe_value(value)
    except Unsupported:
        return None


def _probe_value(value: object) -> object:
    """A constant as the value a probe should insert.

    Neutral text has lost its literal casts (PostgreSQL's ``'-1'::integer``, ``'1900-01-01'::date``), so
    text that reads canonically as a number, date, timestamp or time is taken as one; any other text stays
    text.  A text column compared with, say, ``'42'`` would get numeric probes: the caller knows the type.
    """
    if isinstance(value, Decimal) and value.is_finite() and _scale(value) == 0:
        return value.quantize(Decimal(1), context=_EXACT)  # 1.5e2 probes as 150, 0.00 keeps its scale
    if not isinstance(value, str):
        return value
    if re.fullmatch(r"-?(?:0|[1-9]\d*)", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return Decimal(value)
    try:
        if _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?", value):
            return dt.datetime.fromisoformat(value)
        if re.fullmatch(r"\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?", value):
            return dt.time.fromisoformat(value)
    except ValueError:
        return value
    return value


def _step(value: object) -> object:
    """The smallest meaningful move away from a constant of this type."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return Decimal(1).scaleb(min(exponent, 0) if isinstance(exponent, int) else 0)
    if isinstance(value, dt.datetime):
        return dt.timedelta(seconds=1) if value.microsecond == 0 else dt.timedelta(microseconds=1)
    if isinstance(value, dt.time):
        return dt.timedelta(seconds=1) if value.microsecond == 0 else dt.timedelta(microseconds=1)
    if isinstance(value, dt.date):
        return dt.timedelta(days=1)
    return 1


def _shift(value: object, direction: int) -> object | None:
    """``value`` moved one step up (``1``) or down (``-1``), or None at the edge of the type's range."""
    step = _step(value)
    try:
        if isinstance(value, (bool, str, float)):
            return None
        if isinstance(value, int):
            return value + direction
        if isinstance(value, Decimal):
            assert isinstance(step, Decimal)
            return _EXACT.add(value, step) if direction > 0 else _EXACT.subtract(value, step)
        assert isinstance(step, dt.timedelta)
        if isinstance(value, dt.time):
            moved = dt.datetime.combine(dt.date(2000, 1, 2), value) + direction * step
            return moved.timetz() if moved.date() == dt.date(2000, 1, 2) else None
        if isinstance(value, dt.date):
            return value + direction * step
    except OverflowError:
        return None
    return None


def _neighbours(value: object) -> list[object]:
    if isinstance(value, bool):
        return [False, True]
    around = [_shift(value, -1), value, _shift(value, 1)]
    return [item for item in around if item is not None]


def _outsider(members: list[object]) -> object | None:
    """One value of the members' type that is not among them, so a probe can try a value outside an IN list."""
    if not members:
        return None
    if all(isinstance(member, bool) for member in members):
        missing = {False, True} - set(members)
        return next(iter(missing), None)
    if all(_kind(member) in ("int", "decimal") for member in members):
        steps = [_step(member) for member in members]
        return _add(max(members), min(steps))  # type: ignore[type-var]
    if all(isinstance(member, dt.date) for member in members) or all(
            isinstance(member, dt.time) for member in members):
        try:
            return _shift(max(members), 1)  # type: ignore[type-var]
        except TypeError:  # dates mixed with timestamps
            return None
    texts = [member for member in members if isinstance(member, str)]
    if len(texts) == len(members):
        base = min(texts, key=len)  # same length as the shortest member, so a short VARCHAR still fits it
        for char in "zyxwvutsrqponmlkjihgfedcba9876543210":
            candidate = base[:-1] + char if base else char
            if candidate not in texts:
                return candidate
    return None


def _find_boundaries(tree: exp.Expr) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}

    def add(column: str | None, values: Iterable[object]) -> None:
        if column is not None:
            found.setdefault(column, []).extend(values)

    for node in tree.walk(bfs=False):
        if type(node) in _COMPARISONS or isinstance(node, (exp.NullSafeEQ, exp.NullSafeNEQ)):
            for side, other in ((node.this, node.expression), (node.expression, node.this)):
                column = _column_name(side)
                value = None if column is None else _constant(other)
                if value is not None:
                    add(column, _neighbours(value))
        elif isinstance(node, exp.Between):
            column = _column_name(node.this)
            for bound in (node.args["low"], node.args["high"]):
                value = None if column is None else _constant(bound)
                if value is not None:
                    add(column, _neighbours(value))
        elif isinstance(node, (exp.RegexpLike, exp.RegexpILike)) and isinstance(node.expression, exp.Literal):
            column = _column_name(node.this)
            with contextlib.suppress(sqlregex.RegexUnsupported):  # compile_expr has refused it already
                add(column, sqlregex.examples(node.expression.this))
        elif isinstance(node, exp.In) and node.expressions:
            column = _column_name(node.this)
            if column is not None:
                members = [value for value in map(_constant, node.expressions) if value is not None]
                outsider = _outsider(members)
                add(column, members if outsider is None else [*members, outsider])
    return found


def _find_examples(tree: exp.Expr) -> list[tuple[str, tuple[str, ...]]]:
    """(column, matching values) for each ``column ~ 'literal pattern'`` in the tree."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in tree.find_all(exp.RegexpLike, exp.RegexpILike):
        column = _column_name(node.this)
        pattern = node.expression
        if column is None or not (isinstance(pattern, exp.Literal) and pattern.is_string):
            continue
        ignore_case = isinstance(node, exp.RegexpILike)
        try:
            hits = tuple(x for x in sqlregex.examples(pattern.this) if sqlregex.matches(pattern.this, x, ignore_case))
        except sqlregex.RegexUnsupported:
            continue
        out.append((column, hits))
    return out


def _find_patterns(tree: exp.Expr) -> list[tuple[str, str]]:
    """(column, pattern) for each case-sensitive ``column ~ 'literal pattern'`` the engines read alike."""
    out: list[tuple[str, str]] = []
    for node in tree.find_all(exp.RegexpLike):
        column, pattern = _column_name(node.this), node.expression
        if column is None or not (isinstance(pattern, exp.Literal) and pattern.is_string):
            continue
        try:
            sqlregex.compile_pattern(pattern.this)
        except sqlregex.RegexUnsupported:
            continue
        out.append((column, pattern.this))
    return out


def _find_relative(tree: exp.Expr) -> list[tuple[str, _Fn]]:
    """(column, other side) for each comparison of a bare column with an expression of *other* columns."""
    out: list[tuple[str, _Fn]] = []
    for node in tree.walk(bfs=False):
        if type(node) not in _COMPARISONS:
            continue
        for side, other in ((node.this, node.expression), (node.expression, node.this)):
            column = _column_name(side)
            if column is None:
                continue
            compiler = _Compiler()
            try:
                fn = compiler.compile(other)
            except Unsupported:
                continue
            if compiler.columns and column not in compiler.columns:
                out.append((column, fn))
    return out


def _sorted_unique(values: list[object]) -> list[object]:
    """Sorted, with equal values of one family (``0`` and ``0.00``) kept once; mixed families sort by type."""
    unique: dict[tuple[str, object], object] = {}
    for value in values:
        family = "number" if _kind(value) in _NUMERIC else _kind(value)
        unique.setdefault((family, value), value)
    items = list(unique.values())
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=lambda value: (type(value).__name__, str(value)))
