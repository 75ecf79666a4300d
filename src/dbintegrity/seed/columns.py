"""What a contract column means for generation: its kind of values, its limits, and type-based values.

A column the seed profile does not mention still gets values: :func:`fallback_spec` is the vectorised twin
of :func:`dbintegrity.probes.synthesis.random_value` (an ENUM label, a number inside the table's CHECK bounds, a date
in the profile's window, a reference to a parent row...), and :func:`finalize` converts whatever a spec
produced to what the column stores.
"""

from __future__ import annotations

import numpy as np

from dbintegrity.pack.model import Column, Table
from dbintegrity.seed.errors import ExprError, SeedError
from dbintegrity.seed.expr import compile_expr, round_half_away
from dbintegrity.seed.profile import Profile
from dbintegrity.seed.specs import (
    ALPHABETS,
    ChoiceSpec,
    ConstSpec,
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
from dbintegrity.seed.vec import Vec, convert

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
    elif examples := _check_examples(table, col):  # `dosage ~ '^...$'`: random words would never match
        spec = ChoiceSpec(key, values=examples, weights=[1.0] * len(examples))
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


def _check_examples(table: Table, col: Column) -> list[str]:
    """Values every regular-expression CHECK on ``col`` matches (none when no such CHECK reads it)."""
    from dbintegrity.probes.synthesis import Unsynthesizable, checks_of

    try:
        checks = [c for c in checks_of(table) if c.examples(col.name)]
        size = text_size(col)
        return [v for v in checks[0].examples(col.name) if (size is None or len(v) <= size)
                and all(c.check_passes({col.name: v}) for c in checks)] if checks else []
    except Unsynthesizable:
        return []


def _check_range(table: Table, col: Column, default: tuple[float, float]) -> tuple[float, float]:
    """The default range narrowed to what the table's single-column CHECKs allow, when they bound it."""
    from dbintegrity.probes.evaluate import Unsupported
    from dbintegrity.probes.synthesis import boundaries_for, checks_of

    try:
        bounds = [b for b in boundaries_for(table, col.name) if isinstance(b, int | float) and not isinstance(b, bool)]
        checks = [c for c in checks_of(table) if set(c.columns) == {col.name}]
        ok = [b for b in bounds if all(c.check_passes({col.name: b}) for c in checks)]
    except Unsupported:
        return default
    if len(ok) >= 2:
        return float(min(ok)), float(max(ok))
    return default


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
