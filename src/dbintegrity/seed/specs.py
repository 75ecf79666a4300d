"""How one column is filled: a small tree of *specs*, each producing all rows' values at once with numpy.

A spec is what a seed profile writes after a column name (``{choice: {...}}``, ``person.first_name``,
``{fk: users, where: "role = 'doctor'"}``...; see :mod:`dbintegrity.seed.profile` for the syntax).  Every
spec draws its randomness from its own stream, named after the table, column and branch, so values do not
depend on the order columns are computed in, and adding a column to a profile never changes another's.

Conditional specs (``cases``, ``mix``, ``same_as ... else``) evaluate each branch on the subset of rows it
applies to only, so a branch that picks distinct parents or draws a distribution sees exactly its rows.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from dbintegrity.seed.errors import ExprError, SeedError
from dbintegrity.seed.expr import Expr, Scope, round_half_away
from dbintegrity.seed.fixtures import RefTable
from dbintegrity.seed.vec import (
    NUMERIC,
    Array,
    Parent,
    Vec,
    common_kind,
    convert,
    nulls,
    of,
    placeholder,
    scalar,
    text_of,
)

ALPHABETS = {
    "digits": "0123456789", "hex": "0123456789abcdef", "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "bcrypt": "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
}
PATTERN_CLASSES = {"#": "0123456789", "%": "123456789", "?": ALPHABETS["upper"], "^": ALPHABETS["lower"],
                   "*": ALPHABETS["hex"]}
"""Characters of a ``pattern``: ``#`` a digit, ``%`` a digit 1-9, ``?`` A-Z, ``^`` a-z, ``*`` a hex digit."""


class Ctx(Protocol):
    """What a spec sees: the rows it fills (all of a table's, or a branch's subset) and the run's resources."""

    @property
    def n(self) -> int: ...

    @property
    def scope(self) -> Scope: ...

    @property
    def nullable(self) -> bool: ...

    def rng(self, key: str) -> np.random.Generator: ...

    def subset(self, idx: Array) -> Ctx: ...

    def serial(self) -> Array: ...

    def slot(self, name: str) -> tuple[RefTable, Array, Array]:
        """The reference table of slot ``name``, each row's line in it, and the lines the slot allows."""
        ...

    def pool(self, provider: str, size: int) -> Array: ...

    def parents(self, table: str, where: Expr | None, weight: Expr | None) -> tuple[Array, Array | None]:
        """Rows of an already generated ``table`` allowed by ``where``, and their cumulative weights."""
        ...

    def parent_column(self, table: str, column: str) -> Vec: ...


Param = float | int | Expr
"""A number, or an expression evaluated per row."""


def param_value(p: Param, ctx: Ctx, kind: str | None = None) -> Vec:
    """The parameter for every row, converted to ``kind`` first (so a literal is parsed once, not per row)."""
    v = p.fn(ctx.scope) if isinstance(p, Expr) else scalar(p)
    if kind is not None:
        v = convert(v, kind)
    return v.broadcast(ctx.n)


def param_columns(*params: Param | None) -> set[str]:
    out: set[str] = set()
    for p in params:
        if isinstance(p, Expr):
            out |= p.columns
    return out


@dataclass
class Spec(abc.ABC):
    """A node of a column's spec tree; ``key`` names its random stream."""

    key: str
    null: float = 0.0
    clip: tuple[Param | None, Param | None] | None = None
    round: int | None = None
    transform: str | None = None

    @abc.abstractmethod
    def make(self, ctx: Ctx) -> Vec:
        """The raw values for ``ctx.n`` rows."""

    def deps(self) -> set[str]:
        """Columns of the same table this spec reads (they must be filled first)."""
        return param_columns(*(self.clip or ()))

    def tables(self) -> set[str]:
        """Other tables this spec reads rows of (they must be generated first)."""
        return set()

    def children(self) -> list[Spec]:
        return []

    def walk(self) -> list[Spec]:
        out: list[Spec] = [self]
        for c in self.children():
            out += c.walk()
        return out

    def generate(self, ctx: Ctx) -> Vec:
        """``make`` plus the modifiers every spec takes: clip, round, transform, then a NULL fraction."""
        v = self.make(ctx).broadcast(ctx.n)
        if self.clip is not None:
            v = _clip(v, self.clip, ctx)
        if self.round is not None:
            if v.kind not in ("int", "float"):
                raise ExprError(f"round: needs numbers, got {v.kind} values")
            v = of("float", round_half_away(v.data.astype(np.float64), self.round), v.null)
        if self.transform is not None:
            v = transform(v, self.transform)
        if self.null > 0:
            v = v.with_null(ctx.rng(self.key + "#null").random(ctx.n) < self.null)
        return v


def _clip(v: Vec, bounds: tuple[Param | None, Param | None], ctx: Ctx) -> Vec:
    """Values limited to [lo, hi]; a NULL bound (from an expression) leaves the value alone."""
    out = v
    for bound, fn in ((bounds[0], np.maximum), (bounds[1], np.minimum)):
        if bound is None:
            continue
        b = param_value(bound, ctx)
        kind = "float" if out.kind in NUMERIC and "float" in (out.kind, b.kind) else out.kind
        x, y = convert(out, kind), convert(b, kind)
        out = Vec(kind, np.where(y.nulls(), x.data, fn(x.data, y.data)), x.null, x.parent)
    return out


_SLUG = re.compile(r"[^a-z0-9._@+-]")


def transform(v: Vec, how: str) -> Vec:
    text = text_of(v).tolist()
    if how == "lower":
        out = [t.lower() for t in text]
    elif how == "upper":
        out = [t.upper() for t in text]
    else:  # slug: what an e-mail address or a login may contain
        out = [_SLUG.sub("", t.lower().replace(" ", "")) for t in text]
    return of("str", np.array(out, dtype=object), v.null)


def scatter(n: int, parts: list[tuple[Array, Vec]]) -> Vec:
    """Assemble a column from per-branch values: ``parts`` are (row indices, values for them); others NULL."""
    kinds = [v.kind for _, v in parts] or ["null"]
    kind = common_kind(kinds)
    if kind == "null":
        return nulls("str", n)
    dtype = np.dtype(of(kind, [placeholder(kind)]).data.dtype)
    data = np.full(n, placeholder(kind), dtype=dtype)
    null = np.ones(n, dtype=bool)
    tables = {v.parent.table if v.parent is not None else None for _, v in parts}
    keep_parent = len(tables) == 1 and None not in tables
    index = np.full(n, -1, dtype=np.int64) if keep_parent else None
    for idx, v in parts:
        if len(idx) == 0:
            continue
        cv = convert(v.broadcast(len(idx)), kind)
        data[idx] = cv.data
        null[idx] = cv.nulls()
        if index is not None and v.parent is not None:
            index[idx] = v.parent.index
    parent = Parent(next(iter(tables)) or "", index) if index is not None else None
    return of(kind, data, null if null.any() else None, parent)


# -- leaves ------------------------------------------------------------------------------------------------
@dataclass
class ConstSpec(Spec):
    value: Any = None

    def make(self, ctx: Ctx) -> Vec:
        return scalar(self.value)


@dataclass
class ChoiceSpec(Spec):
    values: list[Any] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    cover: bool = False
    """The first rows take every value of positive weight once, so small tables still have each."""

    def domain(self) -> Vec:
        kinds = {type(v) for v in self.values}
        if kinds <= {bool}:
            return of("bool", list(self.values))
        if kinds <= {int}:
            return of("int", list(self.values))
        if kinds <= {int, float}:
            return of("float", [float(v) for v in self.values])
        return of("str", np.array([str(v) for v in self.values], dtype=object))

    def indices(self, ctx: Ctx) -> Array:
        w = np.asarray(self.weights, dtype=np.float64)
        cum = np.cumsum(w / w.sum())
        idx = np.searchsorted(cum, ctx.rng(self.key).random(ctx.n), side="right")
        idx = np.minimum(idx, len(w) - 1)
        if self.cover:
            positive = np.flatnonzero(w > 0)
            k = min(len(positive), ctx.n)
            idx[:k] = positive[:k]
        return idx

    def make(self, ctx: Ctx) -> Vec:
        return self.domain().take(self.indices(ctx))


@dataclass
class PoolSpec(Spec):
    provider: str = ""
    size: int = 1000

    def domain(self, ctx: Ctx) -> Array:
        return ctx.pool(self.provider, self.size)

    def make(self, ctx: Ctx) -> Vec:
        pool = self.domain(ctx)
        return of("str", pool[ctx.rng(self.key).integers(0, len(pool), ctx.n)])


@dataclass
class RefSpec(Spec):
    slot: str = ""
    column: str = ""

    def make(self, ctx: Ctx) -> Vec:
        table, lines, _ = ctx.slot(self.slot)
        return table.columns[self.column].take(lines)


@dataclass
class NumberSpec(Spec):
    """``int: [lo, hi]`` (inclusive), ``uniform: [lo, hi]`` or ``normal: [mean, sd]``; bounds may be expressions."""

    dist: str = "int"
    a: Param = 0
    b: Param = 1

    def deps(self) -> set[str]:
        return super().deps() | param_columns(self.a, self.b)

    def make(self, ctx: Ctx) -> Vec:
        a, b = param_value(self.a, ctx), param_value(self.b, ctx)
        for p in (a, b):
            if p.kind not in ("int", "float", "null"):
                raise ExprError(f"{self.dist}: bounds must be numbers, got {p.kind} values")
        x, y = convert(a, "float").data, convert(b, "float").data
        null = _either_null(a, b)
        rng = ctx.rng(self.key)
        if self.dist == "normal":
            return of("float", x + y * rng.standard_normal(ctx.n), null)
        u = rng.random(ctx.n)
        if self.dist == "uniform":
            return of("float", x + (y - x) * u, null)
        lo, hi = np.ceil(x), np.floor(y)
        hi = np.maximum(hi, lo)
        return of("int", (lo + np.floor(u * (hi - lo + 1))).astype(np.int64), null)


def _either_null(a: Vec, b: Vec) -> Array | None:
    if a.null is None and b.null is None:
        return None
    return a.nulls() | b.nulls()


@dataclass
class RangeSpec(Spec):
    """``date: [from, to]``, ``timestamp: [from, to]`` or ``time: [from, to]`` with ``step`` (minutes, times)."""

    kind: str = "date"
    lo: Param = 0
    hi: Param = 0
    step: int = 1

    def deps(self) -> set[str]:
        return super().deps() | param_columns(self.lo, self.hi)

    def make(self, ctx: Ctx) -> Vec:
        lo, hi = param_value(self.lo, ctx, self.kind), param_value(self.hi, ctx, self.kind)
        unit = {"date": 1, "ts": 1, "time": 60 * self.step}[self.kind]
        a = lo.data.astype(np.int64)
        b = np.maximum(hi.data.astype(np.int64), a)
        if self.kind == "time":
            a = -(-a // unit)  # first step at or after the lower bound
            b = np.maximum(b // unit, a)
        span = b - a + 1
        offset = np.floor(ctx.rng(self.key).random(ctx.n) * span).astype(np.int64)
        values = (a + offset) * unit if self.kind == "time" else a + offset
        dtype = {"date": "datetime64[D]", "ts": "datetime64[s]", "time": "timedelta64[s]"}[self.kind]
        return of(self.kind, values.astype(dtype), _either_null(lo, hi))


@dataclass
class ExprSpec(Spec):
    expr: Expr | None = None

    def deps(self) -> set[str]:
        assert self.expr is not None
        return super().deps() | self.expr.columns

    def make(self, ctx: Ctx) -> Vec:
        assert self.expr is not None
        return self.expr.eval(ctx.scope)


@dataclass
class SerialSpec(Spec):
    def make(self, ctx: Ctx) -> Vec:
        return of("int", ctx.serial())


@dataclass
class UuidSpec(Spec):
    """Version-4 UUID text from the stream's random bytes, formatted for all rows in one numpy pass."""

    def make(self, ctx: Ctx) -> Vec:
        n = ctx.n
        raw = np.frombuffer(ctx.rng(self.key).bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
        raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
        raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
        hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
        h = np.empty((n, 16, 2), dtype=np.uint8)
        h[:, :, 0] = hexdigits[raw >> 4]
        h[:, :, 1] = hexdigits[raw & 15]
        flat = h.reshape(n, 32)
        out = np.full((n, 37), ord("-"), dtype=np.uint8)
        for dst, src in ((slice(0, 8), slice(0, 8)), (slice(9, 13), slice(8, 12)), (slice(14, 18), slice(12, 16)),
                         (slice(19, 23), slice(16, 20)), (slice(24, 36), slice(20, 32))):
            out[:, dst] = flat[:, src]
        out[:, 36] = ord("\n")
        return of("str", np.array(_lines(out), dtype=object))


def _lines(block: Array) -> list[str]:
    """Rows of an ASCII byte matrix whose last column is a newline, as Python strings (one C-speed split)."""
    return block.tobytes().decode("ascii").split("\n")[:-1] if len(block) else []


@dataclass
class PatternSpec(Spec):
    """Random characters by position: each element is a literal character or an alphabet to draw from."""

    positions: list[str] = field(default_factory=list)
    """One entry per character: a one-character literal, or an alphabet (two or more characters)."""
    classes: list[bool] = field(default_factory=list)

    def make(self, ctx: Ctx) -> Vec:
        n, width = ctx.n, len(self.positions)
        rng = ctx.rng(self.key)
        out = np.empty((n, width + 1), dtype=np.uint8)
        for j, (chars, is_class) in enumerate(zip(self.positions, self.classes, strict=True)):
            if is_class:
                table = np.frombuffer(chars.encode("ascii"), dtype=np.uint8)
                out[:, j] = table[rng.integers(0, len(table), n)]
            else:
                out[:, j] = ord(chars)
        out[:, width] = ord("\n")
        return of("str", np.array(_lines(out), dtype=object))


def pattern_positions(pattern: str) -> tuple[list[str], list[bool]]:
    """Parse a ``pattern``: class characters (``# % ? ^ *``) draw, others are literal, ``\\`` escapes one."""
    positions: list[str] = []
    classes: list[bool] = []
    escaped = False
    for ch in pattern:
        if not escaped and ch == "\\":
            escaped = True
            continue
        if ord(ch) > 127:
            raise ExprError(f"pattern {pattern!r}: only ASCII characters are supported")
        if not escaped and ch in PATTERN_CLASSES:
            positions.append(PATTERN_CLASSES[ch])
            classes.append(True)
        else:
            positions.append(ch)
            classes.append(False)
        escaped = False
    return positions, classes


@dataclass
class ParentSpec(Spec):
    """A value of a row of another (already generated) table: ``fk: users`` or ``pick: patients.id``.

    Remembers which parent row each value came from, so ``column.parent_col`` paths are index lookups.
    ``unique`` gives every row a different parent (one-to-one links); rows beyond the supply are NULL.
    """

    table: str = ""
    column: str = ""
    where: tuple[Expr, ...] = ()
    """Conditions tried in order: the first that some parent rows meet decides (a preference, then a fallback)."""
    weight: Expr | None = None
    unique: bool = False

    def tables(self) -> set[str]:
        return {self.table}

    def make(self, ctx: Ctx) -> Vec:
        n = ctx.n
        candidates, cumulative = ctx.parents(self.table, None, self.weight) if not self.where else (np.zeros(0), None)
        for cond in self.where:
            candidates, cumulative = ctx.parents(self.table, cond, self.weight)
            if len(candidates):
                break
        rng = ctx.rng(self.key)
        if len(candidates) == 0:
            if ctx.nullable or n == 0:
                return nulls("str", n)
            where = f" where {' or else '.join(w.text for w in self.where)}" if self.where else ""
            raise SeedError(f"{self.key}: no rows of {self.table}{where} to reference, and the column is NOT NULL; "
                            "raise the rows of that table or the scale, or widen the condition")
        index: Array
        if self.unique:
            picks = rng.permutation(candidates)[:n]
            if len(picks) < n and not ctx.nullable:
                raise SeedError(f"{self.key}: needs {n} distinct rows of {self.table}, there are {len(candidates)}")
            index = np.full(n, -1, dtype=np.int64)
            index[: len(picks)] = picks
        elif cumulative is not None:
            index = candidates[np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"),
                                          len(candidates) - 1)]
        else:
            index = candidates[rng.integers(0, len(candidates), n)]
        missing = index < 0
        values = ctx.parent_column(self.table, self.column).take(np.where(missing, 0, index))
        data = np.where(missing, placeholder(values.kind), values.data) if missing.any() else values.data
        null = missing | values.nulls()
        return Vec(values.kind, data, null if null.any() else None, Parent(self.table, index))


# -- composites --------------------------------------------------------------------------------------------
@dataclass
class CasesSpec(Spec):
    """``cases: [{if: cond, then: spec}, ...], else: spec``: the first true condition decides the row's spec."""

    branches: list[tuple[Expr, Spec]] = field(default_factory=list)
    other: Spec | None = None

    def deps(self) -> set[str]:
        out = super().deps()
        for cond, spec in self.branches:
            out |= cond.columns | spec.deps()
        return out | (self.other.deps() if self.other is not None else set())

    def tables(self) -> set[str]:
        return set().union(*(s.tables() for s in self.children()))

    def children(self) -> list[Spec]:
        return [s for _, s in self.branches] + ([self.other] if self.other is not None else [])

    def make(self, ctx: Ctx) -> Vec:
        remaining = np.ones(ctx.n, dtype=bool)
        parts: list[tuple[Array, Vec]] = []
        for cond, spec in self.branches:
            true, _ = cond.truth(ctx.scope)
            pick = true & remaining
            remaining &= ~pick
            parts.append(_branch(spec, ctx, pick))
        if self.other is not None:
            parts.append(_branch(self.other, ctx, remaining))
        return scatter(ctx.n, parts)


def _branch(spec: Spec, ctx: Ctx, mask: Array) -> tuple[Array, Vec]:
    idx = np.flatnonzero(mask)
    return idx, spec.generate(ctx.subset(idx)) if len(idx) else nulls("null", 0)


@dataclass
class MixSpec(Spec):
    """``mix: [[weight, spec], ...]``: each row takes one spec, chosen by weight (a mixture distribution)."""

    weights: list[float] = field(default_factory=list)
    specs: list[Spec] = field(default_factory=list)

    def deps(self) -> set[str]:
        return super().deps().union(*(s.deps() for s in self.specs))

    def tables(self) -> set[str]:
        return set().union(*(s.tables() for s in self.specs))

    def children(self) -> list[Spec]:
        return list(self.specs)

    def make(self, ctx: Ctx) -> Vec:
        w = np.asarray(self.weights, dtype=np.float64)
        branch = np.minimum(np.searchsorted(np.cumsum(w / w.sum()), ctx.rng(self.key).random(ctx.n), side="right"),
                            len(w) - 1)
        return scatter(ctx.n, [_branch(s, ctx, branch == i) for i, s in enumerate(self.specs)])


@dataclass
class SameAsSpec(Spec):
    """``same_as: path`` copies a value (usually through a foreign key); ``else`` fills rows where it is NULL."""

    path: Expr | None = None
    other: Spec | None = None

    def deps(self) -> set[str]:
        assert self.path is not None
        return super().deps() | self.path.columns | (self.other.deps() if self.other is not None else set())

    def tables(self) -> set[str]:
        return self.other.tables() if self.other is not None else set()

    def children(self) -> list[Spec]:
        return [self.other] if self.other is not None else []

    def make(self, ctx: Ctx) -> Vec:
        assert self.path is not None
        v = self.path.eval(ctx.scope)
        if self.other is None or not v.has_nulls():
            return v
        missing = v.nulls()
        present = np.flatnonzero(~missing)
        return scatter(ctx.n, [(present, v.take(present)), _branch(self.other, ctx, missing)])


@dataclass
class TemplateSpec(Spec):
    """``template: "${first_name}.${last_name}${_serial}@example.org"``; ``${####}`` are inline patterns."""

    parts: list[str | tuple[Expr, str] | PatternSpec] = field(default_factory=list)

    def deps(self) -> set[str]:
        out = super().deps()
        for p in self.parts:
            if isinstance(p, tuple):
                out |= p[0].columns
        return out

    def make(self, ctx: Ctx) -> Vec:
        out = np.full(ctx.n, "", dtype=object)
        null: Array | None = None
        for part in self.parts:
            if isinstance(part, str):
                out = out + part
                continue
            if isinstance(part, PatternSpec):
                v = part.make(ctx)
            else:
                expr, fmt = part
                v = expr.eval(ctx.scope)
                if fmt:
                    v = of("str", np.array([format(x, fmt) for x in v.data.tolist()], dtype=object), v.null)
            out = out + text_of(v)
            if v.null is not None:
                null = v.null if null is None else (null | v.null)
        return of("str", out, null)


@dataclass
class ListSpec(Spec):
    """``list: spec`` joins ``count`` distinct values of a finite domain (a pool, a reference, a choice).

    Over a reference, the list starts with the row's own line of that reference, so a bill whose
    description and fee come from the ``cpt`` slot lists that procedure's code first.
    """

    item: Spec | None = None
    count: ChoiceSpec | Expr | None = None
    sep: str = ", "

    def deps(self) -> set[str]:
        out = super().deps()
        return out | (self.count.columns if isinstance(self.count, Expr) else set())

    def make(self, ctx: Ctx) -> Vec:
        n, rng = ctx.n, ctx.rng(self.key)
        if isinstance(self.count, Expr):
            counts = convert(self.count.eval(ctx.scope), "int").data
        else:
            assert self.count is not None
            counts = convert(self.count.make(ctx).broadcast(n), "int").data
        if isinstance(self.item, RefSpec):
            table, lines, candidates = ctx.slot(self.item.slot)
            domain = text_of(table.columns[self.item.column].take(candidates)).astype(object)
            position = np.zeros(len(table.weights), dtype=np.int64)
            position[candidates] = np.arange(len(candidates))
            first = position[lines]
        elif isinstance(self.item, PoolSpec):
            domain = self.item.domain(ctx)
            first = rng.integers(0, len(domain), n)
        elif isinstance(self.item, ChoiceSpec):
            domain = text_of(self.item.domain()).astype(object)
            first = self.item.indices(ctx)
        else:
            raise ExprError("list: needs a pool, a reference or a choice to draw from")
        m = len(domain)
        counts = np.clip(counts, 0, m)
        width = int(counts.max()) if n else 0
        offsets: list[Array] = []
        out = domain[first].copy()
        for j in range(1, width):
            off = rng.integers(1, max(m - j, 1) + 1, n)  # distinct from the earlier ones: skip past each
            for prev in sorted_offsets(offsets):
                off = off + (off >= prev)
            offsets.append(off)
            more = counts > j
            out[more] = out[more] + self.sep + domain[(first[more] + off[more]) % m]
        return of("str", out, counts == 0)


def sorted_offsets(offsets: list[Array]) -> list[Array]:
    """Earlier offsets in ascending order per row, for the skip-past-each trick that keeps draws distinct."""
    if len(offsets) < 2:
        return offsets
    stacked = np.sort(np.stack(offsets), axis=0)
    return list(stacked)
