"""Rows for every table of a pack, parents first, from the contract and the seed profile.

:class:`World` orders the tables by their foreign keys, fills each table column by column (a column's spec
from the profile, else a type-based fallback built from the contract), and then checks the result before
any child can reference it: NOT NULL, ENUM labels, lengths and ranges that both engines accept are hard
errors (the profile is wrong); rows that break a CHECK, a UNIQUE key or a business rule of the profile are
dropped and counted, so a constraint can never reach the database broken.  A profile that would lose more
than a tenth of a table that way is reported as wrong instead (tables the profile leaves to type-based
values rely on this filter: e.g. a composite UNIQUE key over random values).

Randomness comes from streams named ``(seed, table, spec key, rows already there)``: the same seed gives
the same rows, whichever engine they are for and in whatever order columns are computed; appending to a
seeded database gives new rows (new ids, serials after the existing ones).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dbintegrity.model import Column, Schema, Table
from dbintegrity.seed.errors import ExprError, ProfileError, SeedError
from dbintegrity.seed.expr import Expr, compile_expr, round_half_away
from dbintegrity.seed.fixtures import RefTable, derive_seed
from dbintegrity.seed.profile import AUTO_COLUMNS, Profile, Rule, TableProfile
from dbintegrity.seed.specs import (
    ALPHABETS,
    ChoiceSpec,
    ConstSpec,
    Ctx,
    NumberSpec,
    ParentSpec,
    PatternSpec,
    PoolSpec,
    RangeSpec,
    SerialSpec,
    Spec,
    TemplateSpec,
    UuidSpec,
)
from dbintegrity.seed.vec import Array, Parent, Vec, convert, nulls, of

FAMILY_KIND = {
    "varchar": "str", "char": "str", "text": "str", "enum": "str", "set": "str", "json": "str", "uuid": "str",
    "integer": "int", "smallint": "int", "tinyint": "int", "bigint": "int", "year": "int",
    "decimal": "float", "float": "float", "double": "float", "boolean": "bool", "date": "date",
    "timestamp": "ts", "datetime": "ts", "time": "time",
}
INT_LIMITS = {"integer": 2**31, "smallint": 2**15, "tinyint": 2**7, "bigint": 2**63, "year": 2**15}
TS_RANGE = (np.datetime64("1970-01-01T00:00:01", "s"), np.datetime64("2038-01-19T03:14:07", "s"))
"""MySQL TIMESTAMP's range (UTC): the narrower engine decides what both may hold."""
DATE_RANGE = (np.datetime64("1000-01-01", "D"), np.datetime64("9999-12-31", "D"))
MAX_DROP_SHARE = 0.1


def decimal_scale(col: Column) -> int:
    if col.family != "decimal" or "(" not in col.type:
        return 0
    inner = col.type.split("(", 1)[1].rstrip(")")
    return int(inner.partition(",")[2] or 0)


def decimal_limit(col: Column) -> float:
    inner = col.type.split("(", 1)[1].rstrip(")") if "(" in col.type else "10,0"
    p, _, s = inner.partition(",")
    return float(10 ** (int(p) - int(s or 0)))


def text_size(col: Column) -> int | None:
    if col.family in ("varchar", "char") and "(" in col.type:
        head = col.type.split("(", 1)[1].rstrip(")").split(",")[0]
        return int(head) if head.isdigit() else None
    return None


def written_columns(table: Table) -> list[Column]:
    """The columns the seeder writes, in table order: all but generated ones."""
    return [c for c in table.columns.values() if c.generated is None]


class TableGen:
    """One table being filled (and, once done, a finished table other tables read): a Scope and a Ctx."""

    def __init__(self, world: World, table: Table, n: int, offset: int) -> None:
        self.world = world
        self.table = table
        self.name = table.name
        self.offset = offset
        self._n = n
        self.cols: dict[str, Vec] = {"_row": of("int", np.arange(n, dtype=np.int64)),
                                     "_serial": of("int", np.arange(offset + 1, offset + n + 1, dtype=np.int64))}
        self._slots: dict[str, tuple[RefTable, Array, Array]] = {}
        self._paths: dict[tuple[str, ...], Vec] = {}
        self._nullable = True
        self.dropped: dict[str, int] = {}

    # -- Scope -----------------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return self._n

    @property
    def now(self) -> np.datetime64:
        return self.world.profile.as_of

    def column(self, path: tuple[str, ...]) -> Vec:
        if path in self._paths:
            return self._paths[path]
        head = self.cols.get(path[0])
        if head is None and len(path) == 2 and self._is_slot(path[0]):
            ref, lines, _ = self.slot(path[0])
            if path[1] not in ref.columns:
                raise ExprError(f"{ref.path.name} has no column {path[1]!r} (it has {', '.join(ref.columns)})")
            v = ref.columns[path[1]].take(lines)
            self._paths[path] = v
            return v
        if head is None:
            raise ExprError(f"{self.name}.{path[0]} is not available (not a column, or not filled yet)")
        if len(path) == 1:
            return head
        v = self.world.follow(self.name, path[0], head, path[1:])
        self._paths[path] = v
        return v

    def _is_slot(self, name: str) -> bool:
        tp = self.world.profile.tables.get(self.name)
        return (tp is not None and name in tp.slots) or self.world.profile.fixtures.has_ref(name)

    # -- Ctx -------------------------------------------------------------------------------------------
    @property
    def scope(self) -> TableGen:
        return self

    @property
    def nullable(self) -> bool:
        return self._nullable

    def rng(self, key: str) -> np.random.Generator:
        return np.random.default_rng(derive_seed(self.world.seed, "rows", self.name, key, self.offset))

    def subset(self, idx: Array) -> Ctx:
        return SubCtx(self, idx)

    def serial(self) -> Array:
        return self.cols["_serial"].data

    def slot(self, name: str) -> tuple[RefTable, Array, Array]:
        if name not in self._slots:
            tp = self.world.profile.tables.get(self.name)
            slot = tp.slots.get(name) if tp is not None else None
            ref = self.world.profile.fixtures.ref(slot.ref if slot is not None else name)
            candidates = np.arange(ref.n)
            if slot is not None and slot.where is not None:
                true, _ = slot.where.truth(RefScope(ref, self.now))
                candidates = np.flatnonzero(true)
                if len(candidates) == 0:
                    raise ProfileError(f"{self.world.profile.where}: tables.{self.name}.refs.{name}: no line of "
                                       f"{ref.path.name} satisfies {slot.where.text}")
            w = ref.weights[candidates]
            cum = np.cumsum(w / w.sum())
            pick = np.minimum(np.searchsorted(cum, self.rng(f"#slot:{name}").random(self.n), side="right"),
                              len(candidates) - 1)
            self._slots[name] = (ref, candidates[pick], candidates)
        return self._slots[name]

    def pool(self, provider: str, size: int) -> Array:
        return self.world.profile.fixtures.pool(provider, size)

    def parents(self, table: str, where: Expr | None, weight: Expr | None) -> tuple[Array, Array | None]:
        return self.world.candidates(table, where, weight)

    def parent_column(self, table: str, column: str) -> Vec:
        return self.world.column_at(table, (column,), None)


class SubCtx:
    """The rows of one branch of a conditional spec: the same streams and resources, a subset of rows."""

    def __init__(self, base: TableGen, idx: Array) -> None:
        self.base = base
        self.idx = idx

    @property
    def n(self) -> int:
        return len(self.idx)

    @property
    def now(self) -> np.datetime64:
        return self.base.now

    def column(self, path: tuple[str, ...]) -> Vec:
        return self.base.column(path).take(self.idx)

    @property
    def scope(self) -> SubCtx:
        return self

    @property
    def nullable(self) -> bool:
        return self.base.nullable

    def rng(self, key: str) -> np.random.Generator:
        return self.base.rng(key)

    def subset(self, idx: Array) -> Ctx:
        return SubCtx(self.base, self.idx[idx])

    def serial(self) -> Array:
        out: Array = self.base.serial()[self.idx]
        return out

    def slot(self, name: str) -> tuple[RefTable, Array, Array]:
        ref, lines, candidates = self.base.slot(name)
        return ref, lines[self.idx], candidates

    def pool(self, provider: str, size: int) -> Array:
        return self.base.pool(provider, size)

    def parents(self, table: str, where: Expr | None, weight: Expr | None) -> tuple[Array, Array | None]:
        return self.base.parents(table, where, weight)

    def parent_column(self, table: str, column: str) -> Vec:
        return self.base.parent_column(table, column)


class RefScope:
    """A reference file as a scope, for the ``where`` of a slot."""

    def __init__(self, ref: RefTable, now: np.datetime64) -> None:
        self.ref = ref
        self._now = now

    @property
    def n(self) -> int:
        return self.ref.n

    @property
    def now(self) -> np.datetime64:
        return self._now

    def column(self, path: tuple[str, ...]) -> Vec:
        if len(path) != 1 or path[0] not in self.ref.columns:
            raise ExprError(f"{self.ref.path.name} has no column {'.'.join(path)}")
        return self.ref.columns[path[0]]


@dataclass
class Frame:
    """A finished table: its rows (columns of values) and what happened while making them."""

    name: str
    gen: TableGen
    written: list[Column]
    seconds: float
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.gen.n

    def column(self, name: str) -> Vec:
        return self.gen.cols[name]


class World:
    """All tables of one seeding run: their order, their rows, and the lookups between them."""

    def __init__(self, contract: Schema, profile: Profile, *, seed: int, scale: float,
                 offsets: dict[str, int] | None = None, log: Callable[[str], None] | None = None) -> None:
        self.contract = contract
        self.profile = profile
        self.seed = seed
        self.scale = scale
        self.offsets = offsets or {}
        self.log = log or (lambda _m: None)
        self.frames: dict[str, TableGen] = {}
        self._candidates: dict[tuple[str, str, str], tuple[Array, Array | None]] = {}
        self._id_maps: dict[tuple[str, str], dict[object, int]] = {}
        self.deferred: set[tuple[str, str]] = set()
        self.order = self._plan()
        self.specs = {name: self._specs(self.contract.tables[name]) for name in self.order}

    # -- planning --------------------------------------------------------------------------------------
    def _plan(self) -> list[str]:
        """Tables parents first (profile order breaks ties); nullable FKs in a cycle are left NULL."""
        names = list(self.contract.tables)
        rank: dict[str, int] = {}
        for n in [*self.profile.tables, *sorted(names)]:
            rank.setdefault(n, len(rank))
        edges: dict[str, set[str]] = {n: set() for n in names}
        nullable_edge: dict[tuple[str, str], list[str]] = {}
        for t in self.contract.tables.values():
            for fk in t.foreign_keys:
                if fk.ref_table not in edges:
                    continue
                cols = list(fk.columns)
                if fk.ref_table == t.name or all(t.columns[c].nullable for c in cols):
                    nullable_edge.setdefault((t.name, fk.ref_table), []).extend(cols)
                if fk.ref_table != t.name:
                    edges[t.name].add(fk.ref_table)
                elif all(t.columns[c].nullable for c in cols):
                    self.deferred |= {(t.name, c) for c in cols}
                else:
                    raise ProfileError(f"{t.name}.{','.join(cols)} is a NOT NULL foreign key to its own table: "
                                       "no first row can exist")
            tp = self.profile.tables.get(t.name)
            if tp is not None:
                for spec in tp.columns.values():
                    edges[t.name] |= {x for x in spec.tables() if x != t.name}
                if tp.per is not None:
                    edges[t.name].add(tp.per.table)
        self.readers: dict[str, set[str]] = {n: set() for n in names}
        for child, parents in edges.items():
            for parent in parents:
                self.readers[parent].add(child)
        order: list[str] = []
        left = set(names)
        while left:
            ready = sorted((n for n in left if not (edges[n] & left)), key=lambda n: rank[n])
            if not ready:
                breakable = sorted((k for k in nullable_edge if k[0] in left and k[1] in left),
                                   key=lambda k: rank[k[0]])
                if not breakable:
                    raise ProfileError(f"tables {', '.join(sorted(left))} reference each other through NOT NULL "
                                       "foreign keys: no first row can exist")
                child, parent = breakable[0]
                edges[child].discard(parent)
                self.deferred |= {(child, c) for c in nullable_edge[(child, parent)]}
                self.log(f"{child}: foreign key to {parent} left NULL (the tables reference each other)")
                continue
            order.append(ready[0])
            left.remove(ready[0])
        return order

    def skipped(self, name: str) -> bool:
        """``rows: 0`` in the profile: the seeder writes none (e.g. a table its triggers fill)."""
        tp = self.profile.tables.get(name)
        return tp is not None and tp.per is None and tp.rows == 0

    def release(self, name: str) -> None:
        """Forget a finished table that no other table reads (keeps memory flat at large scales)."""
        if not self.readers.get(name):
            self.frames.pop(name, None)
            self._id_maps = {k: v for k, v in self._id_maps.items() if k[0] != name}
            self._candidates = {k: v for k, v in self._candidates.items() if k[0] != name}

    def rows_at_scale(self, name: str) -> int | None:
        """Rows of ``name`` at this scale (None for per-parent tables: known once the parents are made)."""
        tp = self.profile.tables.get(name)
        if tp is not None and tp.per is not None:
            return None
        if self.skipped(name):
            return 0
        base = tp.rows if tp is not None and tp.rows is not None else self.profile.default_rows
        return max(tp.min_rows if tp is not None else 1, round(base * self.scale))

    def estimate_rows(self) -> dict[str, int]:
        """Expected rows per table, for progress: per-parent tables from the mean count per parent."""
        out: dict[str, int] = {}
        for name in self.order:
            n = self.rows_at_scale(name)
            if n is None:
                per = self.profile.tables[name].per
                assert per is not None
                w = np.asarray(per.count.weights) / sum(per.count.weights)
                n = round(out.get(per.table, 0) * float(np.dot(w, per.count.values)))
            out[name] = n
        return out

    def _specs(self, table: Table) -> dict[str, Spec]:
        tp = self.profile.tables.get(table.name)
        specs: dict[str, Spec] = dict(tp.columns) if tp is not None else {}
        for col in written_columns(table):
            if (table.name, col.name) in self.deferred:
                specs[col.name] = ConstSpec(f"{table.name}.{col.name}", value=None)
            elif col.name not in specs and not (tp is not None and tp.per is not None and tp.per.column == col.name):
                specs[col.name] = fallback_spec(table, col, self.profile)
        return specs

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, name: str) -> Frame:
        started = time.perf_counter()
        table = self.contract.tables[name]
        tp = self.profile.tables.get(name)
        offset = self.offsets.get(name, 0)
        if tp is not None and tp.per is not None:
            gen = self._per_parent(table, tp, offset)
        else:
            n = self.rows_at_scale(name)
            assert n is not None
            gen = TableGen(self, table, n, offset)
        specs = self.specs[name]
        where = f"{self.profile.where}: tables.{name}.columns"
        slots = set(tp.slots) if tp is not None else set()
        for cname in _column_order(name, specs, set(gen.cols) | slots):
            col = table.columns.get(cname)
            gen._nullable = col is None or col.nullable
            try:
                v = specs[cname].generate(gen)
                gen.cols[cname] = finalize(col, v) if col is not None else v
            except ExprError as exc:
                raise ProfileError(f"{where}.{cname}: {exc}") from None
        for col in table.columns.values():
            if col.generated is not None:
                try:
                    gen.cols[col.name] = finalize(col, compile_expr(col.generated).eval(gen))
                except ExprError:
                    self.log(f"{name}.{col.name}: generated as {col.generated}, not computed here")
        check_values(gen, table, self.profile)
        dropped = enforce(gen, table, tp.rules if tp is not None else [], self)
        self.frames[name] = gen
        frame = Frame(name, gen, written_columns(table), time.perf_counter() - started, dropped)
        for reason, count in dropped.items():
            self.log(f"{name}: dropped {count} generated rows breaking {reason}")
        return frame

    def _per_parent(self, table: Table, tp: TableProfile, offset: int) -> TableGen:
        per = tp.per
        assert per is not None
        candidates, _ = self.candidates(per.table, per.where, None)
        probe = TableGen(self, table, len(candidates), offset)
        counts = per.count.make(probe).broadcast(len(candidates)).data.astype(np.int64)
        n = int(counts.sum())
        parent_rows = np.repeat(candidates, counts)
        gen = TableGen(self, table, n, offset)
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        gen.cols["_rank"] = of("int", np.arange(n, dtype=np.int64) - starts)
        ref = self.column_at(per.table, (per.ref_column,), None)
        gen.cols[per.column] = Vec(ref.kind, ref.data[parent_rows], None, Parent(per.table, parent_rows))
        return gen

    # -- lookups between tables -------------------------------------------------------------------------
    def candidates(self, table: str, where: Expr | None, weight: Expr | None) -> tuple[Array, Array | None]:
        key = (table, where.text if where is not None else "", weight.text if weight is not None else "")
        if key not in self._candidates:
            frame = self._frame(table)
            rows = np.arange(frame.n)
            if where is not None:
                true, _ = where.truth(frame)
                rows = np.flatnonzero(true)
            cumulative = None
            if weight is not None and len(rows):
                w = convert(weight.eval(frame), "float")
                values = np.where(w.nulls(), 0.0, np.maximum(w.data, 0.0))[rows]
                if values.sum() > 0:
                    cumulative = np.cumsum(values / values.sum())
            self._candidates[key] = (rows, cumulative)
        return self._candidates[key]

    def _frame(self, table: str) -> TableGen:
        frame = self.frames.get(table)
        if frame is None:
            raise ExprError(f"table {table} has no rows yet (it must be generated before the tables that read it)")
        return frame

    def column_at(self, table: str, path: tuple[str, ...], index: Array | None) -> Vec:
        """Column ``path`` of ``table`` at row ``index`` (all rows when None; -1 gives NULL)."""
        frame = self._frame(table)
        head = frame.cols.get(path[0])
        if head is None:
            raise ExprError(f"table {table} has no column {path[0]}")
        if index is None:
            v = head
        elif frame.n == 0:
            v = nulls(head.kind, len(index))
        else:
            missing = index < 0
            v = head.take(np.where(missing, 0, index)).with_null(missing if missing.any() else None)
        if len(path) == 1:
            return v
        return self.follow(table, path[0], v, path[1:])

    def follow(self, table: str, column: str, v: Vec, rest: tuple[str, ...]) -> Vec:
        """Values of ``rest`` in the rows that ``table.column`` (values ``v``) points at."""
        fk = self.contract.tables[table].fk_for((column,)) if table in self.contract.tables else None
        if v.parent is not None and (fk is None or v.parent.table == fk.ref_table):
            target, index = v.parent.table, v.parent.index
        elif fk is not None:
            target = fk.ref_table
            index = self.lookup(target, fk.ref_columns[0], v)
        else:
            raise ExprError(f"{table}.{column} is not a foreign key, so {column}.{'.'.join(rest)} cannot be followed")
        return self.column_at(target, rest, np.where(v.nulls(), -1, index))

    def lookup(self, table: str, column: str, v: Vec) -> Array:
        """Row numbers of ``table`` whose ``column`` equals each value of ``v`` (-1 where none does)."""
        key = (table, column)
        if key not in self._id_maps:
            values = self._frame(table).cols[column].data.tolist()
            self._id_maps[key] = {x: i for i, x in enumerate(values)}
        m = self._id_maps[key]
        return np.fromiter((m.get(x, -1) for x in v.data.tolist()), dtype=np.int64, count=len(v))


def _column_order(table: str, specs: dict[str, Spec], ready: set[str]) -> list[str]:
    """Columns in an order where each spec's inputs come first; a cycle is a ProfileError naming it."""
    deps = {name: {d for s in spec.walk() for d in s.deps()} - ready - {name} for name, spec in specs.items()}
    order: list[str] = []
    done = set(ready)
    pending = list(specs)
    while pending:
        progressed = False
        for name in list(pending):
            missing = deps[name] - done
            if missing - set(specs):
                raise ProfileError(f"{table}.{name} reads {', '.join(sorted(missing - set(specs)))}, "
                                   "which nothing fills")
            if not missing:
                order.append(name)
                done.add(name)
                pending.remove(name)
                progressed = True
        if not progressed:
            raise ProfileError(f"{table}: columns {', '.join(pending)} depend on each other in a cycle")
    return order


# -- fallbacks ---------------------------------------------------------------------------------------------
def fallback_spec(table: Table, col: Column, profile: Profile) -> Spec:
    """A type-based spec for a column the profile does not mention: the vectorised twin of synth.random_value."""
    key = f"{table.name}.{col.name}"
    fam = col.family
    fk = table.fk_for((col.name,))
    unique = (col.name,) in table.uniques or table.primary_key == (col.name,)
    spec: Spec
    if fk is not None:
        spec = ParentSpec(key, table=fk.ref_table, column=fk.ref_columns[0])
    elif unique:
        spec = _unique_spec(key, col)
    elif col.enum is not None and fam in ("enum", "set"):
        spec = ChoiceSpec(key, values=list(col.enum), weights=[1.0] * len(col.enum))
    elif fam == "boolean":
        spec = ChoiceSpec(key, values=[True, False], weights=[1.0, 1.0])
    elif fam in ("varchar", "char"):
        size = text_size(col) or 255
        spec = (PoolSpec(key, provider="lorem.word", size=profile.pool_size) if size >= 16 else
                PatternSpec(key, positions=[ALPHABETS["lower"]] * min(size, 8), classes=[True] * min(size, 8)))
    elif fam == "text":
        spec = PoolSpec(key, provider="lorem.sentence", size=min(profile.pool_size, 500))
    elif fam in INT_LIMITS:
        lo, hi = _check_range(table, col, (1990, 2030) if fam == "year" else (0, 100 if fam == "tinyint" else 1000))
        spec = NumberSpec(key, dist="int", a=lo, b=hi)
    elif fam in ("decimal", "float", "double"):
        top = min(decimal_limit(col) - 1, 10_000.0) if fam == "decimal" else 1000.0
        lo, hi = _check_range(table, col, (0, top))
        spec = NumberSpec(key, dist="uniform", a=lo, b=hi, round=decimal_scale(col) if fam == "decimal" else 2)
    elif fam in ("date", "timestamp", "datetime"):
        kind = "date" if fam == "date" else "ts"
        now = "CURRENT_DATE" if kind == "date" else "CURRENT_TIMESTAMP"
        spec = RangeSpec(key, kind=kind, lo=compile_expr(f"{now} - INTERVAL '{profile.history_years} years'"),
                         hi=compile_expr(now))
    elif fam == "time":
        spec = RangeSpec(key, kind="time", lo=compile_expr("'00:00'"), hi=compile_expr("'23:59'"))
    elif fam == "json":
        spec = TemplateSpec(key, parts=['{"n": ', (compile_expr("_serial"), ""), "}"])
    elif fam == "uuid":
        spec = UuidSpec(key)
    elif col.nullable:
        spec = ConstSpec(key, value=None)
    else:
        raise SeedError(f"{key}: type {col.type} has no value generator; give the column a spec in the seed profile")
    if col.nullable and not unique:
        spec.null = profile.null
    return spec


def _unique_spec(key: str, col: Column) -> Spec:
    fam = col.family
    size = text_size(col)
    if fam == "uuid" or (fam in ("varchar", "char") and (size or 36) >= 32):
        return UuidSpec(key)
    if fam in ("integer", "bigint", "smallint"):
        return SerialSpec(key)
    if fam in ("varchar", "char", "text"):
        prefix = col.name[: max(0, (size or 64) - 11)]
        return TemplateSpec(key, parts=[f"{prefix}-" if prefix else "", (compile_expr("_serial"), "")])
    raise SeedError(f"{key}: cannot make unique values of type {col.type}; give the column a spec in the seed profile")


def _check_range(table: Table, col: Column, default: tuple[float, float]) -> tuple[float, float]:
    """The default range narrowed to what the table's single-column CHECKs allow, when they bound it."""
    from dbintegrity.evaluate import Unsupported
    from dbintegrity.synth import boundaries_for, checks_of

    try:
        bounds = [b for b in boundaries_for(table, col.name) if isinstance(b, int | float) and not isinstance(b, bool)]
        checks = [c for c in checks_of(table) if set(c.columns) == {col.name}]
        ok = [b for b in bounds if all(c.check_passes({col.name: b}) for c in checks)]
    except Unsupported:
        return default
    if len(ok) >= 2:
        return float(min(ok)), float(max(ok))
    return default


# -- finishing and checking ----------------------------------------------------------------------------------
def finalize(col: Column | None, v: Vec) -> Vec:
    """Values converted to what the column stores: its kind, decimals rounded to its scale."""
    if col is None:
        return v
    kind = FAMILY_KIND.get(col.family)
    if kind is None:
        if v.has_nulls() and v.nulls().all():
            return convert(v, "str")
        raise ExprError(f"type {col.type} cannot be seeded")
    out = convert(v, kind)
    if col.family == "decimal":
        out = Vec("float", round_half_away(out.data, decimal_scale(col)), out.null, out.parent)
    return out


def check_values(gen: TableGen, table: Table, profile: Profile) -> None:
    """What no engine would accept is the profile's fault: NULL in NOT NULL, unknown labels, too long, out of range."""
    for col in written_columns(table):
        v = gen.cols[col.name]
        where = f"{profile.where}: tables.{table.name}.columns.{col.name}"
        present = ~v.nulls()
        if not col.nullable and not present.all():
            raise ProfileError(f"{where}: {int((~present).sum())} of {gen.n} rows are NULL in a NOT NULL column")
        values = v.data[present]
        if not len(values):
            continue
        if col.enum is not None and col.family == "enum":
            bad = sorted(set(values.tolist()) - set(col.enum))
            if bad:
                raise ProfileError(f"{where}: {bad[0]!r} is not an ENUM label ({', '.join(col.enum)})")
        size = text_size(col)
        if size is not None:
            longest = max(map(len, values.tolist()))
            if longest > size:
                example = next(x for x in values.tolist() if len(x) == longest)
                raise ProfileError(f"{where}: {example!r} has {longest} characters, the column holds {size}")
        if col.family in INT_LIMITS:
            limit = INT_LIMITS[col.family]
            if values.min() < -limit or values.max() >= limit:
                raise ProfileError(f"{where}: values from {values.min()} to {values.max()} do not fit {col.type}")
        if col.family == "decimal" and np.abs(values).max() >= decimal_limit(col):
            raise ProfileError(f"{where}: {np.abs(values).max()} does not fit {col.type}")
        low, high = TS_RANGE if col.family == "timestamp" else DATE_RANGE
        lo, hi = low.astype(values.dtype), high.astype(values.dtype)
        if col.family in ("date", "timestamp", "datetime") and (values.min() < lo or values.max() > hi):
            raise ProfileError(f"{where}: values from {values.min()} to {values.max()} leave the range both engines "
                               f"store ({low} .. {high})")


def enforce(gen: TableGen, table: Table, rules: list[Rule], world: World) -> dict[str, int]:
    """Drop rows that break a CHECK, a UNIQUE key or a profile rule; check foreign keys; return drop counts."""
    n = gen.n
    drop = np.zeros(n, dtype=bool)
    counts: dict[str, int] = {}

    def mark(reason: str, bad: Array) -> None:
        new = bad & ~drop
        if new.any():
            counts[reason] = counts.get(reason, 0) + int(new.sum())
            drop[:] |= new

    for check in table.checks:
        try:
            _, false = compile_expr(check.expression).truth(gen)
        except ExprError as exc:
            world.log(f"{table.name}: CHECK ({check.expression}) not evaluated here: {exc}")
            continue
        mark(f"CHECK ({check.expression})", false)
    for rule in rules:
        try:
            if rule.check is not None:
                _, false = rule.check.truth(gen)
                mark(f"rule {rule.name}", false)
        except ExprError as exc:
            raise ProfileError(f"{world.profile.where}: rule {rule.describe()}: {exc}") from None
    keys: list[tuple[str, tuple[str, ...], Expr | None]] = [(f"UNIQUE ({', '.join(u)})", u, None)
                                                             for u in table.uniques]
    if table.primary_key:
        keys.insert(0, (f"PRIMARY KEY ({', '.join(table.primary_key)})", table.primary_key, None))
    keys += [(f"rule {r.name}", r.unique, r.where) for r in rules if r.unique]
    for reason, cols, cond in keys:
        mask = ~drop
        if cond is not None:
            true, _ = cond.truth(gen)
            mask &= true
        mark(reason, duplicates([gen.cols[c] for c in cols], mask))
    check_references(gen, table, world)
    total = int(drop.sum())
    profiled = table.name in world.profile.tables
    if profiled and total > max(2, MAX_DROP_SHARE * n):
        worst = ", ".join(f"{r}: {c}" for r, c in sorted(counts.items(), key=lambda kv: -kv[1]))
        raise ProfileError(f"{world.profile.where}: tables.{table.name}: {total} of {n} generated rows break "
                           f"constraints ({worst}); make the profile produce valid rows")
    if total:
        keep = np.flatnonzero(~drop)
        gen.cols = {name: v.take(keep) for name, v in gen.cols.items()}
        gen._n = len(keep)
        gen._paths.clear()
        gen._slots = {k: (r, lines[keep], c) for k, (r, lines, c) in gen._slots.items()}
    return counts


def check_references(gen: TableGen, table: Table, world: World) -> None:
    """Every foreign-key value is an id of a generated parent row (known by construction for fk: specs)."""
    for fk in table.foreign_keys:
        if len(fk.columns) != 1:
            continue
        v = gen.cols[fk.columns[0]]
        if (table.name, fk.columns[0]) in world.deferred or not len(v):
            continue
        if v.parent is None or v.parent.table != fk.ref_table:
            found = world.lookup(fk.ref_table, fk.ref_columns[0], v)
            bad = (found < 0) & ~v.nulls()
            if bad.any():
                raise ProfileError(f"{world.profile.where}: tables.{table.name}.columns.{fk.columns[0]}: "
                                   f"{int(bad.sum())} values are not ids of {fk.ref_table}; fill it with fk: or "
                                   "same_as:")


def duplicates(vs: list[Vec], eligible: Array) -> Array:
    """Rows whose key repeats an earlier eligible row's (NULLs never collide; text compares case-folded,
    since MySQL's default collation does)."""
    n = len(eligible)
    for v in vs:
        eligible = eligible & ~v.nulls()
    rows = np.flatnonzero(eligible)
    columns = [list(map(str.casefold, v.data[rows].tolist())) if v.kind == "str" else v.data[rows].tolist()
               for v in vs]
    keys = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
    if len(set(keys)) == len(keys):  # the usual case, decided in C
        return np.zeros(n, dtype=bool)
    seen: set[object] = set()
    dup = np.zeros(n, dtype=bool)
    for i, k in zip(rows.tolist(), keys, strict=True):
        if k in seen:
            dup[i] = True
        else:
            seen.add(k)
    return dup


__all__ = ["AUTO_COLUMNS", "Frame", "World", "written_columns"]
