"""The last word before rows can be referenced: what no engine would take is an error, what breaks a rule
is dropped.

NULL in a NOT NULL column, a value that is not an ENUM label, text too long, numbers or timestamps out of
the range both engines store: the profile is wrong, and the error says where.  Rows that break a CHECK, a
UNIQUE key (text compared case-folded, as MySQL's default collation does) or a rule of the profile are
dropped and counted before any child row can point at them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dbintegrity.pack.model import Table
from dbintegrity.seed.columns import (
    DATE_RANGE,
    INT_LIMITS,
    MAX_DROP_SHARE,
    TS_RANGE,
    decimal_limit,
    text_size,
    written_columns,
)
from dbintegrity.seed.errors import ExprError, ProfileError
from dbintegrity.seed.expr import Expr, compile_expr
from dbintegrity.seed.profile import Profile, Rule
from dbintegrity.seed.repair import repair
from dbintegrity.seed.vec import Array, Vec

if TYPE_CHECKING:
    from dbintegrity.seed.generate import TableGen, World


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
    if table.name not in world.profile.tables:
        mended = repair(gen.cols, table, world.seed, world.contract)
        if mended:
            world.log(f"{table.name}: {mended} type-based rows rewritten to meet CHECKs that relate columns")

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
        gen.keep_rows(np.flatnonzero(~drop))
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
