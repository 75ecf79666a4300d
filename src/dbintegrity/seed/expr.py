"""SQL expressions evaluated over whole columns at once: the seed profile's language for values and rules.

A profile says ``appointment_date >= CAST(created_at AS DATE)`` or
``expires_at <= created_at + INTERVAL '24 hours'`` in the SQL a reviewer already reads; this module
evaluates such text with numpy over all rows of a table in one go, with SQL's NULL semantics (three-valued
logic, NULL propagation; ``GREATEST``/``LEAST`` skip NULLs as in PostgreSQL).  A name is a column of the
row being generated; ``fk.col`` follows a foreign key to the parent row (``patient_id.date_of_birth``), and
chains of them work too.  ``CURRENT_DATE``/``CURRENT_TIMESTAMP``/``NOW()`` are the profile's ``as_of``
instant, not the wall clock, so the same seed gives the same rows on any day.

It is deliberately separate from :mod:`dbintegrity.probes.evaluate`, which checks one row exactly (decimals,
refusals wherever engines disagree) to judge an engine; here speed over millions of values matters, the
values are our own, and floats are rounded to the column's scale before they are written.

Supported: literals, ``DATE '...'``, ``INTERVAL 'n unit'``, ``+ - * / %``, comparisons, ``AND OR NOT``,
``IS [NOT] NULL``, ``IN``, ``BETWEEN``, ``CASE``, ``COALESCE``, ``GREATEST``, ``LEAST``, ``ROUND``, ``FLOOR``,
``CEIL``, ``ABS``, ``LOWER``, ``UPPER``, ``LENGTH``, ``||``, ``CONCAT``, ``CAST``/``::`` and ``DATE()``, plus
``YEARS_BETWEEN(a, b)`` (whole years from a to b: an age) and ``DAYS_BETWEEN(a, b)``.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import sqlglot
from sqlglot import exp

from dbintegrity.seed.errors import ExprError
from dbintegrity.seed.vec import (
    NUMERIC,
    SECONDS_PER_DAY,
    TEMPORAL,
    Array,
    Parent,
    Vec,
    common_kind,
    convert,
    of,
    scalar,
    text_of,
    union_null,
)
from dbintegrity.sqltext.expr import NEUTRAL


class Scope(Protocol):
    """Where names are looked up: the rows being generated (or a parent table, or a reference file)."""

    @property
    def n(self) -> int: ...

    @property
    def now(self) -> np.datetime64: ...

    def column(self, path: tuple[str, ...]) -> Vec: ...


Fn = Callable[[Scope], Vec]


@dataclass(frozen=True)
class Expr:
    """A compiled expression: its text, the column paths it reads, and the function that evaluates it."""

    text: str
    paths: frozenset[tuple[str, ...]]
    fn: Fn = field(repr=False, compare=False)

    @property
    def columns(self) -> set[str]:
        """Names of the scope's own columns it reads (the first element of each path)."""
        return {p[0] for p in self.paths}

    def eval(self, scope: Scope) -> Vec:
        """The values for every row of ``scope`` (a length-1 result is spread over all rows)."""
        return self.fn(scope).broadcast(scope.n)

    def truth(self, scope: Scope) -> tuple[Array, Array]:
        """(true, false) masks of a condition; rows where it is NULL are in neither."""
        v = self.eval(scope)
        if v.kind not in ("bool", "null"):
            raise ExprError(f"{self.text!r} is not a condition (it gives {v.kind} values)")
        known = ~v.nulls()
        data = v.data.astype(bool) if v.kind == "bool" else np.zeros(len(v), dtype=bool)
        return data & known, ~data & known


@functools.lru_cache(maxsize=2048)
def compile_expr(text: str) -> Expr:
    """Parse ``text`` once; unknown functions and syntax errors are ExprErrors naming the construct."""
    try:
        tree = sqlglot.parse_one(str(text), read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExprError(f"cannot parse {text!r}: {first}") from None
    if tree is None:
        raise ExprError(f"empty expression {text!r}")
    paths = frozenset(tuple(p.name for p in col.parts) for col in tree.find_all(exp.Column))
    return Expr(str(text), paths, _build(tree))


# -- the compiler ------------------------------------------------------------------------------------------
def _build(node: exp.Expr) -> Fn:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise ExprError(f"{node.sql(dialect=NEUTRAL)!r} ({type(node).__name__}) is not supported in seed "
                        "profile expressions")
    return handler(node)


def _column(node: exp.Expr) -> Fn:
    assert isinstance(node, exp.Column)
    path = tuple(p.name for p in node.parts)
    return lambda s: s.column(path)


def _literal(node: exp.Expr) -> Fn:
    assert isinstance(node, exp.Literal)
    text = str(node.this)
    value: str | int | float = text
    if not node.is_string:
        value = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    v = scalar(value)
    return lambda s: v


def _const(value: Any) -> Fn:
    v = scalar(value)
    return lambda s: v


def _paren(node: exp.Expr) -> Fn:
    return _build(node.this)


def _now(_node: exp.Expr) -> Fn:
    return lambda s: of("ts", np.array([s.now], dtype="datetime64[s]"))


def _today(_node: exp.Expr) -> Fn:
    return lambda s: of("date", np.array([s.now], dtype="datetime64[s]").astype("datetime64[D]"))


def _pair(a: Vec, b: Vec) -> tuple[Vec, Vec]:
    """Both operands over the same rows: a one-value operand is spread over the other's (even zero) rows."""
    n = len(b) if len(a) == 1 else len(a)
    return a.broadcast(n), b.broadcast(n)


def _bool(data: Array, null: Array | None) -> Vec:
    return of("bool", data, null)


def _as_bool(v: Vec, what: str) -> Vec:
    if v.kind == "null":
        return Vec("bool", np.zeros(len(v), dtype=bool), v.nulls())
    if v.kind != "bool":
        raise ExprError(f"{what} needs a condition, got {v.kind} values")
    return v


# -- logic -------------------------------------------------------------------------------------------------
def _not(node: exp.Expr) -> Fn:
    inner = _build(node.this)

    def fn(s: Scope) -> Vec:
        v = _as_bool(inner(s), "NOT")
        return _bool(~v.data, v.null)
    return fn


def _logic(is_and: bool) -> Callable[[exp.Expr], Fn]:
    def build(node: exp.Expr) -> Fn:
        left, right = _build(node.this), _build(node.expression)

        def fn(s: Scope) -> Vec:
            a, b = _pair(_as_bool(left(s), "AND/OR"), _as_bool(right(s), "AND/OR"))
            an, bn = a.nulls(), b.nulls()
            at, af = a.data & ~an, ~a.data & ~an
            bt, bf = b.data & ~bn, ~b.data & ~bn
            true, false = (at & bt, af | bf) if is_and else (at | bt, af & bf)
            return _bool(true, ~(true | false))
        return fn
    return build


def _is(node: exp.Expr) -> Fn:
    if not isinstance(node.expression, exp.Null):
        raise ExprError(f"only IS [NOT] NULL is supported, not {node.sql()!r}")
    inner = _build(node.this)
    negate = bool(node.args.get("negate"))

    def fn(s: Scope) -> Vec:
        mask = inner(s).nulls()
        return _bool(~mask if negate else mask.copy(), None)
    return fn


# -- comparison --------------------------------------------------------------------------------------------
def _coerce(a: Vec, b: Vec) -> tuple[Vec, Vec]:
    """Bring two operands to comparable kinds, converting a text literal to the other side's type."""
    if a.kind == b.kind:
        return a, b
    if "null" in (a.kind, b.kind):
        kind = b.kind if a.kind == "null" else a.kind
        return convert(a, kind), convert(b, kind)
    if a.kind in NUMERIC and b.kind in NUMERIC:
        return convert(a, "float"), convert(b, "float")
    if a.kind in TEMPORAL and b.kind in TEMPORAL:
        return convert(a, "ts"), convert(b, "ts")
    if {a.kind, b.kind} == {"interval", "months"}:
        return convert(a, "interval"), convert(b, "interval")
    if a.kind == "str" and a.is_scalar:
        return convert(a, b.kind), b
    if b.kind == "str" and b.is_scalar:
        return a, convert(b, a.kind)
    raise ExprError(f"cannot compare {a.kind} values with {b.kind} values")


_COMPARE: dict[type[exp.Expr], Callable[[Any, Any], Any]] = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.LT: operator.lt, exp.LTE: operator.le,
    exp.GT: operator.gt, exp.GTE: operator.ge,
}


def compare(op: Callable[[Any, Any], Any], a: Vec, b: Vec) -> Vec:
    a, b = _pair(*_coerce(a, b))
    data = np.asarray(op(a.data, b.data), dtype=bool)
    return _bool(data, union_null(a.null, b.null))


def _comparison(node: exp.Expr) -> Fn:
    op = _COMPARE[type(node)]
    left, right = _build(node.this), _build(node.expression)
    return lambda s: compare(op, left(s), right(s))


def _in(node: exp.Expr) -> Fn:
    if node.args.get("query") is not None:
        raise ExprError("IN (SELECT ...) is not supported")
    this = _build(node.this)
    members = [_build(e) for e in node.expressions]

    def fn(s: Scope) -> Vec:
        v = this(s)
        out: Vec | None = None
        for m in members:
            eq = compare(operator.eq, v, m(s))
            out = eq if out is None else _or(out, eq)
        assert out is not None
        return out
    return fn


def _or(a: Vec, b: Vec) -> Vec:
    a, b = _pair(a, b)
    an, bn = a.nulls(), b.nulls()
    true = (a.data & ~an) | (b.data & ~bn)
    false = (~a.data & ~an) & (~b.data & ~bn)
    return _bool(true, ~(true | false))


def _between(node: exp.Expr) -> Fn:
    this, low, high = _build(node.this), _build(node.args["low"]), _build(node.args["high"])

    def fn(s: Scope) -> Vec:
        v = this(s)
        ge, le = compare(operator.ge, v, low(s)), compare(operator.le, v, high(s))
        a, b = _pair(ge, le)
        an, bn = a.nulls(), b.nulls()
        true = (a.data & ~an) & (b.data & ~bn)
        false = (~a.data & ~an) | (~b.data & ~bn)
        return _bool(true, ~(true | false))
    return fn


# -- arithmetic --------------------------------------------------------------------------------------------
def add_months(d: Array, months: Array) -> Array:
    """Calendar arithmetic on dates: the day is clipped to the target month's length (Jan 31 + 1 month = Feb 28)."""
    m = d.astype("datetime64[M]")
    day = (d - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + months.astype(np.int64).astype("timedelta64[M]")
    length = ((nm + np.timedelta64(1, "M")).astype("datetime64[D]") - nm.astype("datetime64[D]")).astype(np.int64)
    out: Array = nm.astype("datetime64[D]") + np.minimum(day, length - 1).astype("timedelta64[D]")
    return out


def _shift_months(v: Vec, months: Array) -> Array:
    if v.kind == "date":
        return add_months(v.data, months)
    days = v.data.astype("datetime64[D]")
    tod = v.data - days.astype("datetime64[s]")
    out: Array = add_months(days, months).astype("datetime64[s]") + tod
    return out


def arithmetic(op: str, a: Vec, b: Vec) -> Vec:
    """``a op b`` with PostgreSQL's typing of dates, timestamps, times and intervals."""
    a, b = _pair(a, b)
    null = union_null(a.null, b.null)
    ka, kb = a.kind, b.kind
    if "null" in (ka, kb):
        other = kb if ka == "null" else ka
        kind = "float" if other in NUMERIC else other
        return Vec(kind, convert(a if ka != "null" else b, kind).data, np.ones(len(a), dtype=bool))
    with np.errstate(all="ignore"):
        if ka in NUMERIC and kb in NUMERIC:
            return _numeric(op, a, b, null)
        if op in "+-" and ka == "date" and kb == "int":
            days = b.data.astype("timedelta64[D]")
            return of("date", a.data + days if op == "+" else a.data - days, null)
        if op == "+" and ka == "int" and kb == "date":
            return of("date", b.data + a.data.astype("timedelta64[D]"), null)
        if op == "-" and ka == "date" and kb == "date":
            return of("int", (a.data - b.data).astype(np.int64), null)
        if op == "-" and ka in TEMPORAL and kb in TEMPORAL:
            return of("interval", convert(a, "ts").data - convert(b, "ts").data, null)
        if op in "+-" and ka in TEMPORAL and kb == "months":
            return of(ka, _shift_months(a, b.data if op == "+" else -b.data), null)
        if op == "+" and ka == "months" and kb in TEMPORAL:
            return of(kb, _shift_months(b, a.data), null)
        if op in "+-" and ka in TEMPORAL and kb == "interval":
            ts = convert(a, "ts").data
            return of("ts", ts + b.data if op == "+" else ts - b.data, null)
        if op == "+" and ka == "interval" and kb in TEMPORAL:
            return of("ts", convert(b, "ts").data + a.data, null)
        if op == "+" and {ka, kb} == {"date", "time"}:
            d, t = (a, b) if ka == "date" else (b, a)
            return of("ts", d.data.astype("datetime64[s]") + t.data, null)
        if op in "+-" and ka == "time" and kb == "interval":
            secs = (a.data + b.data if op == "+" else a.data - b.data).astype(np.int64) % SECONDS_PER_DAY
            return of("time", secs.astype("timedelta64[s]"), null)
        if ka == kb and ka in ("interval", "months") and op in "+-":
            return of(ka, a.data + b.data if op == "+" else a.data - b.data, null)
        if op == "*" and {ka, kb} <= {"interval", "int", "float"} and "interval" in (ka, kb):
            iv, num = (a, b) if ka == "interval" else (b, a)
            secs = np.rint(iv.data.astype(np.int64) * num.data.astype(np.float64)).astype(np.int64)
            return of("interval", secs.astype("timedelta64[s]"), null)
        if op == "*" and "months" in (ka, kb) and {ka, kb} <= {"months", "int", "float"}:
            mv, num = (a, b) if ka == "months" else (b, a)
            if num.kind == "int":
                return of("months", mv.data * num.data, null)
            return arithmetic("*", convert(mv, "interval"), num)
        if op == "/" and ka == "interval" and kb in NUMERIC:
            secs = np.rint(a.data.astype(np.int64) / b.data.astype(np.float64))
            bad = ~np.isfinite(secs)
            return of("interval", np.where(bad, 0, secs).astype(np.int64).astype("timedelta64[s]"),
                      union_null(null, bad if bad.any() else None))
    raise ExprError(f"cannot compute {ka} {op} {kb}")


def _numeric(op: str, a: Vec, b: Vec, null: Array | None) -> Vec:
    ints = a.kind == "int" and b.kind == "int"
    x, y = a.data, b.data
    if op == "/":
        out = x.astype(np.float64) / y.astype(np.float64)
    elif op == "%":
        out = np.fmod(x, y) if ints else np.fmod(x.astype(np.float64), y.astype(np.float64))
    else:
        out = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op](x, y)
    if op in "/%":
        bad = y == 0  # a division by zero is NULL here (MySQL's answer; PostgreSQL raises)
        if bad.any():
            out = np.where(bad, 0, out)
            null = union_null(null, bad)
    kind = "int" if ints and op != "/" else "float"
    return of(kind, np.asarray(out).astype(np.int64 if kind == "int" else np.float64), null)


def _binary(op: str) -> Callable[[exp.Expr], Fn]:
    def build(node: exp.Expr) -> Fn:
        left, right = _build(node.this), _build(node.expression)
        return lambda s: arithmetic(op, left(s), right(s))
    return build


def _neg(node: exp.Expr) -> Fn:
    inner = _build(node.this)

    def fn(s: Scope) -> Vec:
        v = inner(s)
        if v.kind not in ("int", "float", "interval", "months"):
            raise ExprError(f"cannot negate {v.kind} values")
        return Vec(v.kind, -v.data, v.null)
    return fn


_UNITS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": SECONDS_PER_DAY, "WEEK": 7 * SECONDS_PER_DAY}


def _interval(node: exp.Expr) -> Fn:
    unit_node = node.args.get("unit")
    unit = str(unit_node.name if unit_node is not None else "").upper().rstrip("S")
    text = str(node.this.name if isinstance(node.this, exp.Literal) else node.this.sql())
    if not unit:  # INTERVAL '3 days' that sqlglot did not split
        parts = text.split()
        if len(parts) != 2:
            raise ExprError(f"INTERVAL {text!r}: write one number and one unit, e.g. INTERVAL '3 days'")
        text, unit = parts[0], parts[1].upper().rstrip("S")
    try:
        amount = float(text)
    except ValueError:
        raise ExprError(f"INTERVAL {text!r} {unit}: the amount must be a number") from None
    if unit in ("MONTH", "YEAR"):
        if amount != int(amount):
            raise ExprError(f"INTERVAL '{text} {unit.lower()}s': months and years must be whole numbers")
        months = of("months", np.array([int(amount) * (12 if unit == "YEAR" else 1)], dtype=np.int64))
        return lambda s: months
    if unit not in _UNITS:
        raise ExprError(f"INTERVAL unit {unit!r} is not one of second, minute, hour, day, week, month, year")
    seconds = of("interval", np.array([round(amount * _UNITS[unit])], dtype=np.int64).astype("timedelta64[s]"))
    return lambda s: seconds


# -- conditionals and functions ----------------------------------------------------------------------------
def choose(conditions: list[Array], values: list[Vec], default: Vec, n: int) -> Vec:
    """Per row, the value of the first true condition (CASE): kinds unified, NULLs and parents carried."""
    kind = common_kind([v.kind for v in [*values, default]])
    values = [convert(v.broadcast(n), kind) for v in values]
    default = convert(default.broadcast(n), kind)
    data = default.data.copy()
    null = default.nulls().copy()
    parents = [v.parent for v in [*values, default]]
    same_parent = all(p is not None for p in parents) and len({p.table for p in parents if p is not None}) == 1
    pindex = default.parent.index.copy() if same_parent and default.parent is not None else None
    taken = np.zeros(n, dtype=bool)
    for cond, v in zip(conditions, values, strict=True):
        pick = cond & ~taken
        taken |= pick
        data[pick] = v.data[pick]
        null[pick] = v.nulls()[pick]
        if pindex is not None and v.parent is not None:
            pindex[pick] = v.parent.index[pick]
    parent = Parent(parents[0].table, pindex) if pindex is not None and parents[0] is not None else None
    return of(kind, data, null if null.any() else None, parent)


def _case(node: exp.Expr) -> Fn:
    subject = _build(node.this) if node.args.get("this") is not None else None
    branches = [(_build(i.this), _build(i.args["true"])) for i in node.args.get("ifs") or []]
    default_node = node.args.get("default")
    default = _build(default_node) if default_node is not None else _const(None)

    def fn(s: Scope) -> Vec:
        n = s.n
        conds = []
        for when, _ in branches:
            w = when(s)
            c = compare(operator.eq, subject(s), w) if subject is not None else _as_bool(w, "CASE WHEN")
            c = c.broadcast(n)
            conds.append(c.data & ~c.nulls())
        return choose(conds, [then(s) for _, then in branches], default(s), n)
    return fn


def _if(node: exp.Expr) -> Fn:
    cond, then = _build(node.this), _build(node.args["true"])
    other = _build(node.args["false"]) if node.args.get("false") is not None else _const(None)

    def fn(s: Scope) -> Vec:
        c = _as_bool(cond(s), "IF").broadcast(s.n)
        return choose([c.data & ~c.nulls()], [then(s)], other(s), s.n)
    return fn


def _coalesce(node: exp.Expr) -> Fn:
    args = [_build(node.this), *[_build(e) for e in node.expressions]]

    def fn(s: Scope) -> Vec:
        vals = [a(s).broadcast(s.n) for a in args]
        conds = [~v.nulls() for v in vals[:-1]]
        return choose(conds, vals[:-1], vals[-1], s.n)
    return fn


def _extreme(largest: bool) -> Callable[[exp.Expr], Fn]:
    def build(node: exp.Expr) -> Fn:
        args = [_build(node.this), *[_build(e) for e in node.expressions]]

        def fn(s: Scope) -> Vec:
            vals = [a(s).broadcast(s.n) for a in args]
            kind = common_kind([v.kind for v in vals])
            vals = [convert(v, kind) for v in vals]
            best = vals[0]
            for v in vals[1:]:
                bn, vn = best.nulls(), v.nulls()
                better = (v.data > best.data) if largest else (v.data < best.data)
                take = ~vn & (bn | better)
                data = np.where(take, v.data, best.data)
                best = of(kind, data, bn & vn)
            return best
        return fn
    return build


def _numeric_fn(name: str) -> Callable[[exp.Expr], Fn]:
    def build(node: exp.Expr) -> Fn:
        inner = _build(node.this)
        places = node.args.get("decimals")
        digits = _build(places) if places is not None else None

        def fn(s: Scope) -> Vec:
            v = inner(s)
            if v.kind not in NUMERIC:
                raise ExprError(f"{name.upper()} needs numbers, got {v.kind} values")
            if name == "abs":
                return Vec(v.kind, np.abs(v.data), v.null)
            if v.kind == "int" and (name != "round" or digits is None):
                return v
            x = v.data.astype(np.float64)
            if name in ("floor", "ceil"):
                return of("float", np.floor(x) if name == "floor" else np.ceil(x), v.null)
            if digits is None:
                return of("float", round_half_away(x, 0), v.null)
            v, d = _pair(v, digits(s))
            return of("float", round_half_away(v.data.astype(np.float64), d.data.astype(np.int64)),
                      union_null(v.null, d.null))
        return fn
    return build


def round_half_away(x: Array, places: Array | int) -> Array:
    """SQL ROUND of numerics: halves away from zero (numpy's round goes to even)."""
    scale = np.power(10.0, places)
    with np.errstate(all="ignore"):
        out: Array = np.sign(x) * np.floor(np.abs(x) * scale + 0.5 + 1e-9) / scale
    return out


def _text_fn(convert_one: Callable[[str], Any], kind: str) -> Callable[[exp.Expr], Fn]:
    def build(node: exp.Expr) -> Fn:
        inner = _build(node.this)

        def fn(s: Scope) -> Vec:
            v = inner(s)
            return of(kind, np.array([convert_one(t) for t in text_of(v).tolist()], dtype=object if kind == "str"
                                     else np.int64), v.null)
        return fn
    return build


def concat(values: list[Vec], n: int, *, skip_nulls: bool) -> Vec:
    """Text concatenation: ``||`` is NULL when any part is (PostgreSQL), CONCAT() skips NULL parts."""
    out = np.full(n, "", dtype=object)
    null: Array | None = None
    for value in values:
        v = value.broadcast(n)
        out = out + text_of(v)
        if not skip_nulls:
            null = union_null(null, v.null)
    return of("str", out, null)


def _dpipe(node: exp.Expr) -> Fn:
    left, right = _build(node.this), _build(node.expression)
    return lambda s: concat([left(s), right(s)], s.n, skip_nulls=False)


def _concat(node: exp.Expr) -> Fn:
    args = [_build(e) for e in node.expressions]
    return lambda s: concat([a(s) for a in args], s.n, skip_nulls=True)


_CASTS = {
    "DATE": "date", "TIMESTAMP": "ts", "TIMESTAMPTZ": "ts", "DATETIME": "ts", "TIME": "time",
    "INT": "int", "BIGINT": "int", "SMALLINT": "int", "TINYINT": "int", "DECIMAL": "float", "DOUBLE": "float",
    "FLOAT": "float", "TEXT": "str", "VARCHAR": "str", "CHAR": "str", "BOOLEAN": "bool",
}


def _cast(node: exp.Expr) -> Fn:
    to = node.args["to"]
    name = str(to.this.name if hasattr(to.this, "name") else to.this).upper().replace("DTYPE.", "")
    kind = _CASTS.get(name)
    if kind is None:
        raise ExprError(f"CAST to {name} is not supported (use one of {', '.join(sorted(_CASTS))})")
    inner = _build(node.this)

    def fn(s: Scope) -> Vec:
        v = inner(s)
        if kind == "int" and v.kind == "float":  # SQL casts round
            return Vec("int", np.nan_to_num(round_half_away(v.data, 0)).astype(np.int64), v.null)
        return convert(v, kind)
    return fn


def _date_fn(node: exp.Expr) -> Fn:
    inner = _build(node.this)
    return lambda s: convert(inner(s), "date")


def _dates(v: Vec) -> Array:
    if v.kind not in TEMPORAL:
        raise ExprError(f"expected dates or timestamps, got {v.kind} values")
    out: Array = convert(v, "date").data
    return out


def years_between(a: Array, b: Array) -> Array:
    """Whole years from date ``a`` to date ``b``: someone born on ``a`` is this old on ``b``."""
    ya, yb = a.astype("datetime64[Y]").astype(np.int64), b.astype("datetime64[Y]").astype(np.int64)
    ma, mb = a.astype("datetime64[M]").astype(np.int64) % 12, b.astype("datetime64[M]").astype(np.int64) % 12
    da = (a - a.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    db = (b - b.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    before: Array = (mb < ma) | ((mb == ma) & (db < da))
    out: Array = yb - ya - before.astype(np.int64)
    return out


def _anonymous(node: exp.Expr) -> Fn:
    name = str(node.name).upper()
    args = [_build(e) for e in node.expressions]
    if name in ("YEARS_BETWEEN", "DAYS_BETWEEN") and len(args) == 2:
        def fn(s: Scope) -> Vec:
            a, b = _pair(args[0](s), args[1](s))
            da, db = _dates(a), _dates(b)
            data = years_between(da, db) if name == "YEARS_BETWEEN" else (db - da).astype(np.int64)
            return of("int", data, union_null(a.null, b.null))
        return fn
    if name == "NOW" and not args:
        return _now(node)
    raise ExprError(f"function {name}() is not supported in seed profile expressions")


_HANDLERS: dict[type[exp.Expr], Callable[[exp.Expr], Fn]] = {
    exp.Column: _column, exp.Literal: _literal, exp.Paren: _paren,
    exp.Boolean: lambda n: _const(bool(n.this)), exp.Null: lambda n: _const(None),
    exp.CurrentTimestamp: _now, exp.CurrentDate: _today,
    exp.Not: _not, exp.And: _logic(True), exp.Or: _logic(False), exp.Is: _is,
    exp.In: _in, exp.Between: _between,
    exp.Add: _binary("+"), exp.Sub: _binary("-"), exp.Mul: _binary("*"), exp.Div: _binary("/"),
    exp.Mod: _binary("%"), exp.Neg: _neg, exp.Interval: _interval,
    exp.Case: _case, exp.If: _if, exp.Coalesce: _coalesce,
    exp.Greatest: _extreme(True), exp.Least: _extreme(False),
    exp.Round: _numeric_fn("round"), exp.Floor: _numeric_fn("floor"), exp.Ceil: _numeric_fn("ceil"),
    exp.Abs: _numeric_fn("abs"),
    exp.Lower: _text_fn(str.lower, "str"), exp.Upper: _text_fn(str.upper, "str"), exp.Length: _text_fn(len, "int"),
    exp.DPipe: _dpipe, exp.Concat: _concat, exp.Cast: _cast, exp.Date: _date_fn, exp.Anonymous: _anonymous,
    **{cls: _comparison for cls in _COMPARE},
}
