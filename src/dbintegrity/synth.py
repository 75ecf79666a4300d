"""Constraint-aware row synthesis: Hypothesis strategies for rows a schema must accept, or must reject.

A :class:`Plan` is the list of inserts that makes one target row possible: parents first (every NOT
NULL foreign key gets a freshly made parent, nullable ones sometimes do), then the row itself.  Values
respect each column's type on both engines (MySQL's TIMESTAMP ends in 2038, so dates stay before it),
ENUM labels, UNIQUE keys (unique columns get a per-plan serial so parents never collide) and CHECKs
(values are drawn around the CHECK's own boundaries, and a row is kept only if every CHECK of its table
passes when evaluated in Python).  :func:`violating_plan` then breaks exactly one named constraint of the
target row, which is what the cross-engine differential and the mutation self-test feed on.

Everything is driven by the contract, not by the live database, so a schema that drifts from its
contract is probed for what it *should* do.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import random
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from dbintegrity.evaluate import Expr, Unsupported, compile_expr
from dbintegrity.model import Column, ForeignKey, Schema, Table

Draw = Callable[[st.SearchStrategy[Any]], Any]
ALPHABET = string.ascii_letters + string.digits
MAX_DEPTH = 8
_serial = itertools.count(1)


class Unsynthesizable(Exception):
    """No valid row can be built for this table from the contract; the message is a skip reason."""


@dataclass
class Insert:
    table: str
    row: dict[str, Any]


@dataclass
class Plan:
    """Inserts in dependency order; the last one is the target row."""

    inserts: list[Insert] = field(default_factory=list)

    def __repr__(self) -> str:
        # Hypothesis prints drawn values in reports; the full rows are in the probe's SQL instead.
        return f"Plan({len(self.inserts)} inserts: {', '.join(i.table for i in self.inserts)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    @property
    def target(self) -> Insert:
        return self.inserts[-1]

    def rows_of(self, table: str) -> list[dict[str, Any]]:
        return [i.row for i in self.inserts if i.table == table]


@dataclass(frozen=True)
class Violation:
    """The one constraint a violating plan breaks, and the kind of error engines should raise."""

    kind: str
    """fk, check, not_null, unique or invalid_value."""
    target: str
    """What was broken, readable: ``users.role``, ``insurance:unique(patient_id,coverage_type)``..."""


@functools.lru_cache(maxsize=4096)
def compiled(text: str) -> Expr:
    """Parsing with sqlglot costs far more than evaluating: compile each expression once per process."""
    return compile_expr(text)


def checks_of(table: Table) -> list[Expr]:
    """The table's CHECKs compiled for Python evaluation; an unsupported one makes the table unsynthesizable."""
    out = []
    for check in table.checks:
        try:
            out.append(compiled(check.expression))
        except Unsupported as exc:
            raise Unsynthesizable(f"{table.name}: CHECK ({check.expression}) cannot be evaluated in Python: {exc}") \
                from None
    return out


def generated_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns.values() if c.generated is not None}


def auto_columns(table: Table) -> set[str]:
    """Columns the engine fills itself (generated or auto-increment): never written by synthesis."""
    return generated_columns(table) | {c.name for c in table.columns.values() if c.default == "autoincrement"}


class PlanBuilder:
    """Builds one :class:`Plan`; used inside a ``st.composite`` strategy.

    The target row's values are drawn by Hypothesis (they are what a probe is about); parents and other
    supporting rows come from a :class:`random.Random` seeded by one Hypothesis draw.  Drawing every
    parent column through Hypothesis made FK worlds cost about 0.3 s of pure generation per example.
    """

    def __init__(self, schema: Schema, draw: Draw) -> None:
        self.schema = schema
        self.draw = draw
        self.rng = random.Random(draw(st.integers(0, 2**32 - 1)))
        self.plan = Plan()

    def row(self, table_name: str, overrides: Mapping[str, Any] | None = None, *,
            omit: frozenset[str] = frozenset(), fresh_parents: bool = False, depth: int = 0,
            trail: tuple[str, ...] = ()) -> dict[str, Any]:
        """Add the inserts for one row of ``table_name`` (and its parents) and return the row."""
        table = self.schema.tables.get(table_name)
        if table is None:
            raise Unsynthesizable(f"table {table_name} is not in the contract")
        if depth > MAX_DEPTH:
            raise Unsynthesizable(f"foreign keys nest deeper than {MAX_DEPTH} levels from {trail[0]}")
        overrides = dict(overrides or {})
        target = depth == 0
        row: dict[str, Any] = {}
        skip = auto_columns(table) | set(omit)
        for fk in table.foreign_keys:
            if any(c in overrides or c in skip for c in fk.columns):
                continue
            self._parent_for(table, fk, row, fresh_parents, depth, (*trail, table_name))
        uniques = unique_carriers(table)
        for col in table.columns.values():
            if col.name in skip or col.name in row:
                continue
            if col.name in overrides:
                row[col.name] = overrides[col.name]
                continue
            row[col.name] = self._value(table, col, unique=col.name in uniques, target=target)
        for name in list(row):
            if name in omit:
                del row[name]
        # CHECKs over a column the caller forced are the caller's business (it may be probing them).
        try:
            assume(all(check.check_passes(row) for check in checks_of(table)
                       if not set(check.columns) & set(overrides)))
            for col in table.columns.values():  # a generated value must fit its own column too
                if col.generated is not None:
                    assume(fits(col, compiled(col.generated).evaluate(row)))
        except Unsupported as exc:
            raise Unsynthesizable(f"{table_name}: {exc}") from None
        self.plan.inserts.append(Insert(table_name, row))
        return row

    def _parent_for(self, table: Table, fk: ForeignKey, row: dict[str, Any], fresh: bool, depth: int,
                    trail: tuple[str, ...]) -> None:
        cols = [table.columns[c] for c in fk.columns if c in table.columns]
        nullable = all(c.nullable for c in cols)
        circular = fk.ref_table in trail or fk.ref_table == table.name
        if nullable and (circular or (not fresh and self.rng.random() < 0.5)):
            for c in fk.columns:
                row[c] = None
            return
        if circular:
            raise Unsynthesizable(f"{table.name}.{fk.key} is a NOT NULL foreign key in a cycle "
                                  f"({' -> '.join((*trail, fk.ref_table))}): no first row can exist")
        parent = self.row(fk.ref_table, depth=depth + 1, trail=trail)
        for c, rc in zip(fk.columns, fk.ref_columns, strict=True):
            if rc not in parent:
                raise Unsynthesizable(f"{table.name}.{fk.key} references {fk.ref_table}.{rc}, which the engine "
                                      "fills itself (auto-increment): the probe cannot know its value")
            row[c] = parent[rc]

    def _value(self, table: Table, col: Column, *, unique: bool, target: bool) -> Any:
        if unique:
            return unique_value(col)
        if target:
            if col.nullable and col.default is None and self.draw(st.integers(0, 5)) == 0:
                return None
            return self.draw(value_strategy(col, tuple(boundaries_for(table, col.name))))
        if col.nullable and col.default is None and self.rng.random() < 0.15:
            return None
        return random_value(col, self.rng, boundaries_for(table, col.name))


def unique_carriers(table: Table) -> set[str]:
    """Columns that get a never-repeated value so that every UNIQUE key (and the PK) is unique.

    One column per key is enough.  A key that contains a foreign key is already unique through its fresh
    parent; otherwise the first column whose type can carry unique values is chosen (not an ENUM or a
    boolean, which have too few values).
    """
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    out: set[str] = set()
    for key in [*table.uniques, table.primary_key]:
        if not key or (len(key) > 1 and any(c in fk_cols for c in key)):
            continue
        carrier = next((c for c in key if table.columns[c].family not in ("enum", "set", "boolean")), key[0])
        out.add(carrier)
    return out


def fits(col: Column, value: Any) -> bool:
    """Whether ``value`` is storable in ``col`` on both engines (NULL always is, for this purpose)."""
    if value is None:
        return True
    fam = col.family
    if fam == "decimal":
        p, s = _decimal_bounds(col.type)
        q = Decimal(value).quantize(Decimal(1).scaleb(-s))
        return abs(q) < Decimal(10) ** (p - s)
    limits = {"integer": 2**31, "smallint": 2**15, "tinyint": 2**7, "bigint": 2**63}
    if fam in limits and isinstance(value, int | Decimal):
        return -limits[fam] <= value < limits[fam]
    if fam in ("varchar", "char") and isinstance(value, str):
        return len(value) <= (_size(col.type) or len(value))
    return True


def boundaries_for(table: Table, column: str) -> list[Any]:
    """Constants the table's CHECKs compare ``column`` with, and their neighbours."""
    out: list[Any] = []
    for check in checks_of(table):
        out += check.boundaries().get(column.lower(), [])
    return out


def unique_value(col: Column) -> Any:
    """A value no other synthesised row has, valid for the column's type."""
    n = next(_serial)
    fam = col.family
    if fam in ("varchar", "char", "text"):
        size = _size(col.type) or 64
        token = uuid.uuid4().hex if size >= 32 else f"{n:x}"
        if size >= 36 and col.name.endswith("id"):
            return str(uuid.uuid4())
        return token[:size]
    if fam in ("integer", "bigint", "smallint", "tinyint"):
        return 1_000_000 + n if fam in ("integer", "bigint") else n % 30_000
    if fam == "uuid":
        return str(uuid.uuid4())
    if fam == "decimal":
        return Decimal(n % 10**6)
    if fam in ("date",):
        return dt.date(1971, 1, 1) + dt.timedelta(days=n % 20_000)
    if fam in ("timestamp", "datetime"):
        return dt.datetime(1971, 1, 1) + dt.timedelta(seconds=n)
    raise Unsynthesizable(f"{col.name}: no unique values for type {col.type}")


def _size(type_name: str) -> int | None:
    if "(" in type_name:
        head = type_name.split("(", 1)[1].rstrip(")").split(",")[0]
        return int(head) if head.isdigit() else None
    return None


def _decimal_bounds(type_name: str) -> tuple[int, int]:
    inner = type_name.split("(", 1)[1].rstrip(")") if "(" in type_name else "10,0"
    p, _, s = inner.partition(",")
    return int(p), int(s or 0)


@functools.lru_cache(maxsize=4096)
def value_strategy(col: Column, boundaries: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    """Values of the column's type that both engines accept; biased to CHECK boundaries when given.

    Cached: building strategies (and Hypothesis describing their lambdas) is costly when done per draw.
    """
    base = _type_strategy(col)
    if boundaries:
        return st.one_of(st.sampled_from(sorted(set(boundaries), key=repr)), base)
    return base


def random_value(col: Column, rng: random.Random, boundaries: list[Any] | None = None) -> Any:
    """A value of the column's type from ``rng``: the cheap twin of :func:`value_strategy` for supporting rows."""
    if boundaries and rng.random() < 0.5:
        return rng.choice(boundaries)
    fam = col.family
    if col.enum is not None and fam == "enum":
        return rng.choice(col.enum)
    if col.enum is not None and fam == "set":
        return ",".join(lb for lb in col.enum if rng.random() < 0.3)
    if fam in ("varchar", "char", "text"):
        size = min(_size(col.type) or 12, 12)
        return "".join(rng.choices(ALPHABET, k=rng.randint(1, size)))
    ints = {"integer": 1000, "smallint": 1000, "tinyint": 100, "bigint": 1000, "year": 0}
    if fam in ints:
        return rng.randint(1901, 2155) if fam == "year" else rng.randint(-ints[fam], ints[fam])
    if fam == "boolean":
        return rng.random() < 0.5
    if fam == "decimal":
        p, s = _decimal_bounds(col.type)
        top = 10 ** min(p, 6) - 1
        return Decimal(rng.randint(0, top)).scaleb(-s) if p > s else Decimal(0)
    if fam in ("float", "double"):
        return round(rng.uniform(-1000, 1000), 2)
    if fam == "date":
        return dt.date(1971, 1, 2) + dt.timedelta(days=rng.randint(0, 24_000))
    if fam in ("timestamp", "datetime"):
        return dt.datetime(1971, 1, 2) + dt.timedelta(seconds=rng.randint(0, 2_000_000_000))
    if fam == "time":
        return dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    if fam == "json":
        return json.dumps({"k": rng.randint(0, 100)})
    if fam == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if fam == "binary":
        return rng.randbytes(rng.randint(0, 16))
    raise Unsynthesizable(f"{col.name}: type {col.type} has no value generator yet")


def _type_strategy(col: Column) -> st.SearchStrategy[Any]:
    fam = col.family
    if col.enum is not None and fam == "enum":
        return st.sampled_from(col.enum)
    if col.enum is not None and fam == "set":
        return st.lists(st.sampled_from(col.enum), unique=True).map(",".join)
    if fam in ("varchar", "char"):
        size = _size(col.type) or 1
        return st.text(ALPHABET, min_size=1, max_size=min(size, 40))
    if fam == "text":
        return st.text(ALPHABET + " ", min_size=1, max_size=60).map(str.strip).filter(bool)
    if fam == "integer":
        return st.one_of(st.integers(-1000, 1000), st.integers(-(2**31), 2**31 - 1))
    if fam == "smallint":
        return st.integers(-(2**15), 2**15 - 1)
    if fam == "tinyint":
        return st.integers(-128, 127)
    if fam == "bigint":
        return st.integers(-(2**63), 2**63 - 1)
    if fam == "boolean":
        return st.booleans()
    if fam == "decimal":
        p, s = _decimal_bounds(col.type)
        limit = Decimal(10) ** (p - s) - Decimal(1).scaleb(-s)
        return st.decimals(min_value=-limit, max_value=limit, places=s, allow_nan=False, allow_infinity=False)
    if fam in ("float", "double"):
        return st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32).map(lambda f: round(f, 2))
    if fam == "date":
        return st.dates(dt.date(1971, 1, 2), dt.date(2037, 12, 31))
    if fam in ("timestamp", "datetime"):
        return st.datetimes(dt.datetime(1971, 1, 2), dt.datetime(2037, 12, 31)).map(lambda d: d.replace(microsecond=0))
    if fam == "time":
        return st.times().map(lambda t: t.replace(microsecond=0))
    if fam == "json":
        leaf = st.one_of(st.integers(-100, 100), st.text(ALPHABET, max_size=8), st.booleans())
        return st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=6), leaf, max_size=3).map(json.dumps)
    if fam == "uuid":
        return st.uuids().map(str)
    if fam == "binary":
        return st.binary(max_size=16)
    if fam == "year":
        return st.integers(1901, 2155)
    raise Unsynthesizable(f"{col.name}: type {col.type} has no value strategy yet")


@st.composite
def valid_plan(draw: Draw, schema: Schema, table: str, overrides: Mapping[str, Any] | None = None,
               omit: frozenset[str] = frozenset(), fresh_parents: bool = False) -> Plan:
    """A plan whose every row the schema must accept."""
    builder = PlanBuilder(schema, draw)
    builder.row(table, overrides, omit=omit, fresh_parents=fresh_parents)
    return builder.plan


def violations(schema: Schema, table_name: str) -> list[Violation]:
    """Every single-constraint violation :func:`violating_plan` can make for ``table_name``."""
    table = schema.tables[table_name]
    auto = auto_columns(table)
    out = [Violation("not_null", f"{table_name}.{c.name}") for c in table.columns.values()
           if not c.nullable and c.name not in auto]
    out += [Violation("invalid_value", f"{table_name}.{c.name}") for c in table.columns.values()
            if c.enum is not None and c.family == "enum"]
    out += [Violation("fk", f"{table_name}.{fk.key}") for fk in table.foreign_keys]
    out += [Violation("unique", f"{table_name}:unique({','.join(u)})") for u in table.uniques]
    out += [Violation("check", f"{table_name}:check({c.expression})") for c in table.checks]
    return out


@st.composite
def violating_plan(draw: Draw, schema: Schema, table: str, violation: Violation) -> Plan:
    """A plan whose last insert breaks exactly ``violation`` and nothing else."""
    t = schema.tables[table]
    if violation.kind == "not_null":
        col = violation.target.split(".", 1)[1]
        return _as_plan(draw(valid_plan(schema, table, {col: None})))
    if violation.kind == "invalid_value":
        col = violation.target.split(".", 1)[1]
        return _as_plan(draw(valid_plan(schema, table, {col: "zz_not_a_label"})))
    if violation.kind == "fk":
        cols = violation.target.split(".", 1)[1].split(",")
        fk = t.fk_for(tuple(cols))
        assert fk is not None
        values = {c: unique_value(t.columns[c]) for c in cols}
        return _as_plan(draw(valid_plan(schema, table, values)))
    if violation.kind == "unique":
        cols = violation.target.split("(", 1)[1].rstrip(")").split(",")
        first = draw(valid_plan(schema, table, fresh_parents=True))
        dup = {c: first.target.row[c] for c in cols}
        assume(all(v is not None for v in dup.values()))
        second = draw(valid_plan(schema, table, dup))
        return Plan(first.inserts + second.inserts)
    if violation.kind == "check":
        expr = compile_expr(violation.target.split("(", 1)[1][:-1])
        bounds = expr.boundaries()
        assume(bool(bounds))
        col = draw(st.sampled_from(sorted(bounds)))
        value = draw(st.sampled_from(bounds[col]))
        plan = draw(valid_plan(schema, table, {col: value}))
        others = [c for c in checks_of(t) if c.text != expr.text]
        assume(not expr.check_passes(plan.target.row) and all(c.check_passes(plan.target.row) for c in others))
        return _as_plan(plan)
    raise ValueError(f"unknown violation kind {violation.kind}")


def _as_plan(value: Any) -> Plan:
    """``draw`` is untyped; the strategies drawn from here all produce plans."""
    assert isinstance(value, Plan)
    return value
