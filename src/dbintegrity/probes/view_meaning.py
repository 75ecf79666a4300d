"""``views.yml``: what each view of a pack MEANS, and a Python oracle that computes its answer.

The contract says a view exists with these columns; that proves nothing about its answers.  A pack's
``sql/<pack>/views.yml`` states each view's meaning in engine-neutral terms that never mention its SQL:

.. code-block:: yaml

    views:
      current_admissions:
        from: admissions                 # one candidate output row per row of this table
        parents: {w: [ward_id]}          # FK chains whose parent row the expressions read as w.<column>
        where: "status = 'admitted'"     # which candidates are in the view (omitted: all of them)
        key: [id]                        # output columns that find a candidate's row in the view
        columns:                         # every output column: a neutral expression (a bare name reads `from`)
          id: id
          ward_name: w.name
          days: {unchecked: "calendar arithmetic the evaluator refuses"}
        appears_with: {status: "'admitted'"}       # values that make a new row qualify
        disappears_with: {status: "'discharged'"}  # an UPDATE of that row after which it no longer does
      ward_occupancy:
        from: wards
        key: [ward_id]
        columns: {ward_id: id, name: name, occupied: occupied}
        aggregates:
          occupied:                      # a name the where and columns read
            count: "*"                   # count, sum, avg, min or max, of a neutral expression over `over`
            over: admissions
            via: [ward_id]               # FK chain from `over` up to `from`: admissions.ward_id -> wards
            where: "status = 'admitted'"
            counts_with: {status: "'admitted'"}      # a new child that must be counted
            uncounts_with: {status: "'discharged'"}  # an UPDATE of it after which it is not

Every value is a neutral SQL expression (strings are SQL: ``"'admitted'"`` is the literal), evaluated in
Python by :mod:`dbintegrity.probes.evaluate` over the rows the probe wrote (read back from the base tables, so
defaults, generated columns and triggers count), never by the database: the expected answer is independent
of the view's own SQL.  ``CURRENT_DATE``, ``CURRENT_TIMESTAMP``, ``NOW()`` and ``LOCALTIMESTAMP`` read the
clock the probe froze (see :meth:`dbintegrity.probes.session.ProbeSession.freeze_clock`); SQL aggregate semantics
hold (``sum`` of no rows is NULL, ``count`` is 0).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp

from dbintegrity.errors import ContractError
from dbintegrity.pack.model import ForeignKey, Schema
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.probes.evaluate import Expr, Unsupported, compile_expr
from dbintegrity.sqltext.expr import NEUTRAL

VIEWS_FILE = "views.yml"
AGGREGATES = ("count", "sum", "avg", "min", "max")
TODAY, NOW = "dbi_clock_today", "dbi_clock_now"
"""The names the clock's two readings take inside compiled expressions."""
_CLOCK_DATE = tuple(getattr(exp, n) for n in ("CurrentDate",) if hasattr(exp, n))
_CLOCK_TIME = tuple(getattr(exp, n) for n in ("CurrentTimestamp", "CurrentDatetime", "Localtimestamp",
                                             "CurrentTimestampLTZ") if isinstance(getattr(exp, n, None), type))


class Hop:
    """One step of an FK chain: from ``table`` through ``fk`` to its parent."""

    def __init__(self, table: str, fk: ForeignKey) -> None:
        self.table, self.fk = table, fk


@dataclass(frozen=True)
class Neutral:
    """A neutral expression of views.yml, compiled once; ``reads_clock`` when it reads CURRENT_DATE or NOW()."""

    text: str
    expr: Expr
    reads_clock: bool

    def value(self, ctx: Mapping[str, Any]) -> Any:
        return self.expr.evaluate(ctx)


@dataclass(frozen=True)
class Aggregate:
    name: str
    function: str
    argument: Neutral | None
    """None for ``count: "*"``."""
    over: str
    via: tuple[Hop, ...]
    where: Neutral | None
    counts_with: dict[str, Neutral]
    uncounts_with: dict[str, Neutral]


@dataclass(frozen=True)
class Meaning:
    view: str
    source: str
    """The ``from`` table."""
    where: Neutral | None
    key: tuple[str, ...]
    columns: dict[str, Neutral | None]
    """Output column -> expression; None: not compared (``unchecked``, with its reason in ``unchecked``)."""
    parents: dict[str, tuple[Hop, ...]] = field(default_factory=dict)
    aggregates: dict[str, Aggregate] = field(default_factory=dict)
    appears_with: dict[str, Neutral] = field(default_factory=dict)
    disappears_with: dict[str, Neutral] = field(default_factory=dict)
    unchecked: dict[str, str] = field(default_factory=dict)

    @property
    def reads_clock(self) -> bool:
        exprs: list[Neutral | None] = [self.where, *self.columns.values(), *self.appears_with.values(),
                                       *self.disappears_with.values()]
        for agg in self.aggregates.values():
            exprs += [agg.argument, agg.where, *agg.counts_with.values(), *agg.uncounts_with.values()]
        return any(e is not None and e.reads_clock for e in exprs)


# ---------------------------------------------------------------------------------------------------
# Reading views.yml
# ---------------------------------------------------------------------------------------------------
def load(path: Path, schema: Schema) -> dict[str, Meaning]:
    """The meanings of ``path`` checked against the contract; a missing file states no meaning.

    Every error is one line naming the file, its line and the key: ``views.yml:12: views.x.where: ...``.
    """
    if not path.is_file():
        return {}
    data = read_yaml(path, ContractError)
    lines = _lines(path)
    if not isinstance(data, dict) or not isinstance(data.get("views"), dict):
        raise ContractError(f"{path}: expected a mapping with a 'views' key (format: dbintegrity.probes.view_meaning)")
    out = {}
    for name, body in data["views"].items():
        where = f"{path}:{lines.get(str(name), 1)}: views.{name}"
        try:
            out[str(name)] = _meaning(str(name), body, schema, where)
        except Unsupported as exc:
            raise ContractError(f"{where}: {exc}") from None
    return out


def _lines(path: Path) -> dict[str, int]:
    """Line of each view's entry, for error messages."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for k, v in root.value:
        if k.value == "views" and isinstance(v, yaml.MappingNode):
            return {vk.value: vk.start_mark.line + 1 for vk, _ in v.value}
    return {}


def _meaning(name: str, body: Any, schema: Schema, where: str) -> Meaning:
    if name not in schema.views:
        raise ContractError(f"{where}: the contract declares no view {name}")
    if not isinstance(body, dict):
        raise ContractError(f"{where}: expected a mapping with from, key and columns")
    unknown = set(body) - {"from", "parents", "where", "key", "columns", "aggregates", "appears_with",
                           "disappears_with"}
    if unknown:
        raise ContractError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: from, parents, where, key, columns, "
                            "aggregates, appears_with, disappears_with)")
    source = str(body.get("from") or "")
    if source not in schema.tables:
        raise ContractError(f"{where}.from: {source!r} is not a table of the contract")
    parents = {str(alias): _chain(schema, source, chain, f"{where}.parents.{alias}")
               for alias, chain in (body.get("parents") or {}).items()}
    aggregates = {}
    for agg_name, spec in (body.get("aggregates") or {}).items():
        aggregates[str(agg_name)] = _aggregate(str(agg_name), spec, schema, source, f"{where}.aggregates.{agg_name}")
    view_cols = schema.views[name].columns
    columns: dict[str, Neutral | None] = {}
    unchecked: dict[str, str] = {}
    given = body.get("columns") or {}
    if not isinstance(given, dict):
        raise ContractError(f"{where}.columns: expected a mapping of output column to expression")
    extra = [c for c in given if c not in view_cols]
    if extra:
        raise ContractError(f"{where}.columns.{extra[0]}: the contract's view {name} has no such column "
                            f"(it has {', '.join(view_cols)})")
    for col in view_cols:
        spec = given.get(col, col if col in schema.tables[source].columns else None)
        if spec is None:
            raise ContractError(f"{where}.columns.{col}: say what the column holds (an expression, or "
                                "{unchecked: reason})")
        if isinstance(spec, dict):
            reason = str(spec.get("unchecked") or "").strip()
            if not reason:
                raise ContractError(f"{where}.columns.{col}: a mapping must be {{unchecked: reason}}")
            columns[col], unchecked[col] = None, reason
        else:
            columns[col] = neutral(spec, f"{where}.columns.{col}")
    key = tuple(str(k) for k in body.get("key") or ())
    if not key or any(k not in view_cols for k in key) or any(columns[k] is None for k in key):
        raise ContractError(f"{where}.key: name the checked output columns that find a candidate's row "
                            f"(of {', '.join(view_cols)})")
    return Meaning(name, source, neutral(body["where"], f"{where}.where") if body.get("where") is not None else None,
                   key, columns, parents, aggregates,
                   _values(body.get("appears_with"), schema, source, f"{where}.appears_with"),
                   _values(body.get("disappears_with"), schema, source, f"{where}.disappears_with"), unchecked)


def _aggregate(name: str, spec: Any, schema: Schema, source: str, where: str) -> Aggregate:
    if not isinstance(spec, dict):
        raise ContractError(f"{where}: expected a mapping with one of {', '.join(AGGREGATES)}, over and via")
    functions = [f for f in AGGREGATES if f in spec]
    if len(functions) != 1:
        raise ContractError(f"{where}: give exactly one of {', '.join(AGGREGATES)}")
    function = functions[0]
    arg = spec[function]
    argument = None if function == "count" and str(arg).strip() == "*" else neutral(arg, f"{where}.{function}")
    over = str(spec.get("over") or "")
    if over not in schema.tables:
        raise ContractError(f"{where}.over: {over!r} is not a table of the contract")
    via = _chain(schema, over, spec.get("via"), f"{where}.via")
    if not via or via[-1].fk.ref_table != source:
        raise ContractError(f"{where}.via: the FK chain from {over} must end at {source}")
    return Aggregate(name, function, argument, over, via,
                     neutral(spec["where"], f"{where}.where") if spec.get("where") is not None else None,
                     _values(spec.get("counts_with"), schema, over, f"{where}.counts_with"),
                     _values(spec.get("uncounts_with"), schema, over, f"{where}.uncounts_with"))


def _chain(schema: Schema, start: str, chain: Any, where: str) -> tuple[Hop, ...]:
    """``[room_id, department_id]`` from ``start``: each name an FK column of the table the previous hop reached."""
    if isinstance(chain, str):
        chain = [chain]
    if not isinstance(chain, list) or not chain:
        raise ContractError(f"{where}: expected a list of FK columns, e.g. [room_id, department_id]")
    hops, table = [], start
    for col in chain:
        cols = tuple(c.strip() for c in str(col).split(","))
        fk = schema.tables[table].fk_for(cols)
        if fk is None:
            raise ContractError(f"{where}: {table}.{','.join(cols)} is not a FOREIGN KEY of the contract")
        hops.append(Hop(table, fk))
        table = fk.ref_table
    return tuple(hops)


def _values(spec: Any, schema: Schema, table: str, where: str) -> dict[str, Neutral]:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise ContractError(f"{where}: expected a mapping of column to expression")
    out = {}
    for col, value in spec.items():
        if col not in schema.tables[table].columns:
            raise ContractError(f"{where}.{col}: {table} has no such column in the contract")
        out[str(col)] = neutral(value, f"{where}.{col}")
    return out


def neutral(value: Any, where: str) -> Neutral:
    """Compile one views.yml value: qualified ``w.name`` reads parent ``w``, the clock reads the frozen clock."""
    text = "TRUE" if value is True else "FALSE" if value is False else "NULL" if value is None else str(value)
    try:
        return _compile(text)
    except Unsupported as exc:
        raise ContractError(f"{where}: {exc}") from None


@functools.lru_cache(maxsize=1024)
def _compile(text: str) -> Neutral:
    try:
        tree = sqlglot.parse_one(text, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise Unsupported(f"cannot parse {text!r}: {exc}") from None
    clock = False

    def rewrite(node: exp.Expr) -> exp.Expr:
        nonlocal clock
        if _CLOCK_DATE and isinstance(node, _CLOCK_DATE):
            clock = True
            return exp.column(TODAY)
        if _CLOCK_TIME and isinstance(node, _CLOCK_TIME):
            clock = True
            return exp.column(NOW)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "now" and not node.expressions:
            clock = True
            return exp.column(NOW)
        if isinstance(node, exp.Column) and node.table:
            return exp.column(f"{node.table}__{node.name}")
        return node

    tree = tree.transform(rewrite)
    return Neutral(text, compile_expr(tree.sql(dialect=NEUTRAL)), clock)


# ---------------------------------------------------------------------------------------------------
# The oracle
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    """What the session's clock reads: local wall-clock time (naive) and its offset from UTC."""

    local: dt.datetime
    offset: dt.timedelta = dt.timedelta(0)

    def context(self) -> dict[str, Any]:
        return {TODAY: self.local.date(), NOW: self.local}


World = Sequence[tuple[str, Mapping[str, Any]]]
"""The rows the probe wrote, as stored: (table, row)."""


@dataclass(frozen=True)
class Candidate:
    """One row of the ``from`` table and what the view must say about it."""

    row: Mapping[str, Any]
    qualifies: bool
    key: tuple[Any, ...]
    values: dict[str, Any]
    """Expected value of every checked output column."""
    context: dict[str, Any]


def parent_of(world: World, hop: Hop, row: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The world row ``hop`` reaches from ``row``; None when the FK is NULL or its parent is not in the world."""
    want = [row.get(c) for c in hop.fk.columns]
    if any(v is None for v in want):
        return None
    return next((r for t, r in world if t == hop.fk.ref_table
                 and [r.get(c) for c in hop.fk.ref_columns] == want), None)


def follow(world: World, hops: Sequence[Hop], row: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    for hop in hops:
        if row is None:
            return None
        row = parent_of(world, hop, row)
    return row


def aggregate_value(agg: Aggregate, world: World, group: Mapping[str, Any], clock: Clock | None) -> Any:
    """The aggregate over the ``over`` rows whose chain reaches ``group``, with SQL's semantics."""
    values: list[Any] = []
    matched = 0
    for table, row in world:
        if table != agg.over or follow(world, agg.via, row) is not group:
            continue
        ctx = {**row, **(clock.context() if clock else {})}
        if agg.where is not None and not _true(agg.where.value(ctx)):
            continue
        matched += 1
        if agg.argument is not None:
            value = agg.argument.value(ctx)
            if value is not None:
                values.append(value)
    if agg.function == "count":
        return matched if agg.argument is None else len(values)
    if not values:
        return None
    if agg.function == "sum":
        return sum(values[1:], start=values[0])
    if agg.function == "avg":
        return sum(Decimal(str(v)) for v in values) / len(values)
    return min(values) if agg.function == "min" else max(values)


def candidates(meaning: Meaning, world: World, clock: Clock | None) -> list[Candidate]:
    """Every ``from`` row of the world with its verdict (in the view or not) and its expected output."""
    out = []
    for table, row in world:
        if table != meaning.source:
            continue
        ctx: dict[str, Any] = dict(row)
        if clock is not None:
            ctx.update(clock.context())
        for alias, hops in meaning.parents.items():
            parent = follow(world, hops, row)
            for col in _all_columns(world, hops[-1].fk.ref_table):
                ctx[f"{alias}__{col}"] = None if parent is None else parent.get(col)
        for name, agg in meaning.aggregates.items():
            ctx[name] = aggregate_value(agg, world, row, clock)
        qualifies = meaning.where is None or _true(meaning.where.value(ctx))
        values = {c: e.value(ctx) for c, e in meaning.columns.items() if e is not None}
        out.append(Candidate(row, qualifies, tuple(values[k] for k in meaning.key), values, ctx))
    return out


def _all_columns(world: World, table: str) -> set[str]:
    return {c for t, r in world if t == table for c in r}


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, int | Decimal) and not isinstance(value, bool) and value != 0)


def same(want: Any, have: Any) -> bool:
    """Equal as SQL values across engines: numbers by value (COUNT is bigint, SUM decimal), booleans as 0/1,
    averages to the four decimal places MySQL keeps."""
    if want is None or have is None:
        return want is None and have is None
    if isinstance(want, bool) or isinstance(have, bool):
        return bool(want) == bool(have) and isinstance(want, bool | int) and isinstance(have, bool | int)
    if isinstance(want, int | float | Decimal) and isinstance(have, int | float | Decimal):
        a, b = Decimal(str(want)), Decimal(str(have))
        if a == b:
            return True
        return abs(a - b) <= Decimal("0.00005") * max(Decimal(1), abs(a))  # AVG: MySQL keeps 4 places, PostgreSQL 16+
    if isinstance(want, dt.datetime) and isinstance(have, dt.datetime):
        return want.replace(microsecond=0) == have.replace(microsecond=0) or want == have
    if isinstance(want, dt.timedelta) and isinstance(have, dt.time):
        return want == dt.timedelta(hours=have.hour, minutes=have.minute, seconds=have.second)
    if isinstance(want, dt.time) and isinstance(have, dt.timedelta):  # MySQL: a view's TIME column as PyMySQL gives it
        return have == dt.timedelta(hours=want.hour, minutes=want.minute, seconds=want.second)
    return bool(want == have)
