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

from dbintegrity.pack.model import Column, Schema, Table
from dbintegrity.seed.checks import check_values, enforce
from dbintegrity.seed.columns import fallback_spec, finalize, written_columns
from dbintegrity.seed.errors import ExprError, ProfileError
from dbintegrity.seed.expr import Expr, compile_expr
from dbintegrity.seed.fixtures import RefTable, derive_seed
from dbintegrity.seed.profile import Profile, TableProfile
from dbintegrity.seed.specs import ConstSpec, Ctx, Spec
from dbintegrity.seed.vec import Array, Parent, Vec, convert, nulls, of


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

    def keep_rows(self, keep: Array) -> None:
        """Only the rows at ``keep`` remain (the others broke a constraint); nothing references them yet."""
        self.cols = {name: v.take(keep) for name, v in self.cols.items()}
        self._n = len(keep)
        self._paths.clear()
        self._slots = {k: (r, lines[keep], c) for k, (r, lines, c) in self._slots.items()}

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
            if tp is not None and tp.lines == ref.name and (slot is None or slot.where is None):  # rows: {lines: ...}
                pick = np.arange(self.n) % len(candidates)  # row i is line i
            else:
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
        if tp is not None and tp.lines is not None:
            return tp.rows  # the reference file's lines: a scale adds no codes
        base = tp.rows if tp is not None and tp.rows is not None else self.profile.default_rows
        rows = max(tp.min_rows if tp is not None else 1, round(base * self.scale))
        return min(rows, tp.max_rows) if tp is not None and tp.max_rows is not None else rows

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
