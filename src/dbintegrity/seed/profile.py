"""``sql/<pack>/seed_profile.yml``: how many rows each table gets and what fills each column.

The contract already says what is *allowed* (types, ENUM labels, NOT NULL, keys, CHECKs); the profile says
what is *realistic* (a blood-type mix, vitals that fit an age) and states the pack's business rules that no
schema object enforces, so the seeder satisfies them and a later rule engine can check them.  Everything is
validated against the contract when the profile is read, and every problem is one line naming the file and
the key (``seed_profile.yml: tables.users.columns.role: choice label 'surgeon' is not one of ...``).

Top level::

    locale: en_US            # Faker locale of the pools
    fixtures: ../../fixtures # reference/*.csv and providers/*.py, relative to this file
    as_of: 2025-06-30 18:00:00   # the hospital's "now": CURRENT_DATE/CURRENT_TIMESTAMP in expressions
    null: 0.1                # NULL share of nullable columns the profile does not mention
    default_rows: 100        # rows at scale 1 of tables the profile does not mention
    pool_size: 1000          # values drawn per Faker method
    history_years: 3         # the date window of columns left to type-based values
    tables:
      <table>:
        rows: 800                        # at scale 1; or {per: fk_column, count: {0: 0.1, 1: 0.6, ...}};
                                         # 0: the seeder writes none (a table the pack's triggers fill);
                                         # {lines: icd10}: one row per line of a reference file, in file
                                         # order, at every scale (a code table holds the codes there are)
        min_rows: 20                     # at any scale
        max_rows: 12                     # at any scale (optional): a dimension of a fixed size
        refs: {chronic: {from: icd10, where: "chronic = 1"}}   # named draws of a reference file
        columns: {<column or _hidden>: <spec>}
        rules: [{name: ..., why: ..., check: "<SQL condition>"}, {name: ..., unique: [cols], where: ...}]

Specs (a column's value; every spec also takes ``null: share``, ``clip: [lo, hi]``, ``round: digits`` and
``transform: lower|upper|slug``)::

    uuid | serial | person.first_name (a Faker method) | loinc (a reference file: its first column) | cpt.fee
    {const: USA}   {choice: {O+: 0.374, A+: 0.357}, cover: true}   {faker: person.last_name, pool: 2000}
    {ref: icd10.description}      # one line of the file per row (per slot): several columns agree
    {int: [lo, hi]}  {uniform: [lo, hi]}  {normal: [mean, sd]}     # bounds may be SQL expressions
    {date: [from, to]}  {timestamp: [from, to]}  {time: ["08:00", "17:30"], step: 15}
    {expr: "ROUND(_weight_kg * 2.20462, 2)"}
    {template: "${first_name}.${last_name}${_serial}@${_domain}", transform: slug}   # ${####}: inline pattern
    {pattern: "???#########"}  {chars: hex, length: 64, prefix: ""}
    {fk: users, where: "role = 'doctor'", unique: false, weight: "..."}   {pick: patients.id}
                                  # where: [preferred, fallback, ...]: the first condition some rows meet
    {same_as: appointment_id.patient_id, else: <spec>}
    {cases: [{if: "<condition>", then: <spec>}, ...], else: <spec>}
    {by: _age, bands: {0: <spec>, 18: <spec>, 65: <spec>}}   # the band with the largest bound <= value
    {mix: [[0.7, <spec>], [0.3, <spec>]]}
    {list: {ref: cpt.code}, count: {1: 0.6, 2: 0.3} | column, sep: ","}

Expressions are SQL (see :mod:`dbintegrity.seed.expr`): a name is a column of the row, ``fk.col`` a
column of the parent row (``patient_id.date_of_birth``), ``slot.col`` a field of the row's line of a
reference (``cpt.fee``: the fee of the procedure whose code and description the row took).  Names starting
with ``_`` are hidden helper columns: computed like the others, never written.  ``_row`` (0-based),
``_serial`` (1-based, continuing after existing rows when appending) and, for ``rows: {per: ...}`` tables,
``_rank`` (0-based position among the parent's rows) always exist.

Rules are checked on every generated table before any row of it is written or referenced; rows that break
one are dropped and counted (a profile that loses more than a tenth of a table is reported as wrong).  A
rule engine added later can read the same ``rules`` (name, why, a SQL condition or a partial unique key).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dbintegrity.pack.model import Column, Schema, Table
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.seed.errors import ExprError, ProfileError
from dbintegrity.seed.expr import Expr, compile_expr
from dbintegrity.seed.fixtures import Fixtures
from dbintegrity.seed.specs import (
    ALPHABETS,
    CasesSpec,
    ChoiceSpec,
    ConstSpec,
    ExprSpec,
    ListSpec,
    MixSpec,
    NumberSpec,
    Param,
    ParentSpec,
    PatternSpec,
    PoolSpec,
    RangeSpec,
    RefSpec,
    SameAsSpec,
    SerialSpec,
    Spec,
    TemplateSpec,
    UuidSpec,
    pattern_positions,
)

PROFILE_FILE = "seed_profile.yml"
AUTO_COLUMNS = ("_row", "_serial", "_rank")
_TOP_KEYS = {"version", "locale", "fixtures", "as_of", "null", "default_rows", "pool_size", "history_years",
             "tables"}
_TABLE_KEYS = {"rows", "min_rows", "max_rows", "refs", "columns", "rules"}
_COMMON = {"null", "clip", "round", "transform"}
_KINDS: dict[str, set[str]] = {
    "const": set(), "choice": {"cover"}, "faker": {"pool"}, "ref": set(), "int": set(), "uniform": set(),
    "normal": set(), "date": set(), "timestamp": {"step"}, "time": {"step"}, "expr": set(), "cases": {"else"},
    "by": {"bands"}, "mix": set(), "same_as": {"else"}, "template": set(), "pattern": set(),
    "chars": {"length", "prefix"}, "fk": {"where", "unique", "weight"}, "pick": {"where", "unique", "weight"},
    "list": {"count", "sep"},
}
_LITERAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class Slot:
    """A named draw of one line of a reference file per row; ``where`` limits the lines it may take."""

    name: str
    ref: str
    where: Expr | None = None


@dataclass(frozen=True)
class PerParent:
    """``rows: {per: column, count: ...}``: rows made per parent row, their FK column set accordingly."""

    column: str
    table: str
    ref_column: str
    count: ChoiceSpec
    where: Expr | None = None


@dataclass(frozen=True)
class Rule:
    """A business rule the seeded rows must keep: a row condition (``check``) or a (partial) unique key."""

    table: str
    name: str
    why: str = ""
    check: Expr | None = None
    unique: tuple[str, ...] = ()
    where: Expr | None = None

    def describe(self) -> str:
        if self.check is not None:
            return f"{self.table}: {self.name} (CHECK {self.check.text})"
        cond = f" WHERE {self.where.text}" if self.where is not None else ""
        return f"{self.table}: {self.name} (UNIQUE ({', '.join(self.unique)}){cond})"


@dataclass
class TableProfile:
    name: str
    rows: int | None = None
    per: PerParent | None = None
    lines: str | None = None
    """``rows: {lines: ref}``: the reference file whose lines the rows are, one each, whatever the scale."""
    min_rows: int = 1
    max_rows: int | None = None
    """At most this many rows at any scale: a dimension table whose file lists every row (12 facilities)."""
    columns: dict[str, Spec] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)


@dataclass
class Profile:
    path: Path | None
    pack: str
    fixtures: Fixtures
    as_of: np.datetime64
    null: float = 0.1
    default_rows: int = 100
    pool_size: int = 1000
    history_years: int = 3
    tables: dict[str, TableProfile] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return str(self.path) if self.path is not None else f"(no {PROFILE_FILE} in pack {self.pack})"


def load_profile(path: Path, contract: Schema, pack: str, *, seed: int, default_fixtures: Path) -> Profile:
    """Read and validate a profile; a missing file gives an all-defaults profile (type-based values)."""
    if not path.is_file():
        fixtures = Fixtures(default_fixtures, locale="en_US", seed=seed)
        return Profile(None, pack, fixtures, np.datetime64("2025-06-30T18:00:00", "s"))
    data = read_yaml(path, ProfileError)
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping with a 'tables' key")
    data = _null_keys(data)
    _unknown(data, _TOP_KEYS, f"{path}")
    root = (path.parent / str(data["fixtures"])).resolve() if data.get("fixtures") else default_fixtures
    if not root.is_dir():
        raise ProfileError(f"{path}: fixtures: folder {root} does not exist")
    profile = Profile(
        path=path, pack=pack, fixtures=Fixtures(root, locale=str(data.get("locale") or "en_US"), seed=seed),
        as_of=_as_of(data.get("as_of"), path),
        null=_share(data.get("null", 0.1), f"{path}: null"),
        default_rows=_count(data.get("default_rows", 100), f"{path}: default_rows"),
        pool_size=_count(data.get("pool_size", 1000), f"{path}: pool_size", minimum=1),
        history_years=_count(data.get("history_years", 3), f"{path}: history_years", minimum=1),
    )
    tables = data.get("tables") or {}
    if not isinstance(tables, dict):
        raise ProfileError(f"{path}: tables: expected a mapping of table names")
    for name, body in tables.items():
        where = f"{path}: tables.{name}"
        if name not in contract.tables:
            raise ProfileError(f"{where}: pack {pack} has no table {name!r}{_did_you_mean(name, contract.tables)}")
        profile.tables[name] = _table(profile, contract, contract.tables[name], body or {}, where)
    return profile


def _table(profile: Profile, contract: Schema, table: Table, body: Any, where: str) -> TableProfile:
    if not isinstance(body, dict):
        raise ProfileError(f"{where}: expected a mapping with rows and columns")
    _unknown(body, _TABLE_KEYS, where)
    tp = TableProfile(table.name, min_rows=_count(body.get("min_rows", 1), f"{where}.min_rows", minimum=1))
    if body.get("max_rows") is not None:
        tp.max_rows = _count(body["max_rows"], f"{where}.max_rows", minimum=tp.min_rows)
    for name, raw in (body.get("refs") or {}).items():
        w = f"{where}.refs.{name}"
        if not isinstance(raw, dict) or "from" not in raw:
            raise ProfileError(f"{w}: expected {{from: <reference file>, where: <condition>}}")
        if "each" in raw:  # one spelling for "row i is line i": the table's own row count says it
            raise ProfileError(f"{w}.each: a table that lists a reference file once says so with "
                               f"rows: {{lines: {raw['from']}}}, and its columns read {raw['from']}.<column>")
        _unknown(raw, {"from", "where"}, w)
        ref = str(raw["from"])
        profile.fixtures.ref(ref)  # exists?
        tp.slots[name] = Slot(name, ref, _expr(raw.get("where"), f"{w}.where"))
    parser = _SpecParser(profile, contract, table, tp)
    rows = body.get("rows", profile.default_rows)
    if isinstance(rows, dict) and set(rows) == {"lines"}:
        tp.lines = str(rows["lines"])
        tp.rows = profile.fixtures.ref(tp.lines).n
    elif isinstance(rows, dict):
        tp.per = parser.per_parent(rows, f"{where}.rows")
    else:
        tp.rows = _count(rows, f"{where}.rows")
    columns = body.get("columns") or {}
    if not isinstance(columns, dict):
        raise ProfileError(f"{where}.columns: expected a mapping of column names")
    for name, raw in columns.items():
        w = f"{where}.columns.{name}"
        col = table.columns.get(name)
        if name in AUTO_COLUMNS:
            raise ProfileError(f"{w}: {name} is provided by the seeder; pick another name")
        if col is None and not name.startswith("_"):
            raise ProfileError(f"{w}: table {table.name} has no column {name!r}{_did_you_mean(name, table.columns)} "
                               "(helper columns start with _)")
        if col is not None and col.generated is not None:
            raise ProfileError(f"{w}: the engine computes it ({col.generated}); generated columns are never written")
        if tp.per is not None and name == tp.per.column:
            raise ProfileError(f"{w}: rows: {{per: {name}}} already fills it")
        tp.columns[name] = parser.spec(raw, f"{table.name}.{name}", w, col)
    known = set(table.columns) | set(tp.columns) | set(AUTO_COLUMNS)
    for spec in tp.columns.values():
        for s in spec.walk():
            for dep in s.deps():
                _known_name(dep, known, tp, profile.fixtures, f"{where}: {s.key}", table.name)
    rules = body.get("rules") or []
    if not isinstance(rules, list):
        raise ProfileError(f"{where}.rules: expected a list of rules")
    for i, raw in enumerate(rules):
        rule = _rule(table, raw, f"{where}.rules[{i}]")
        for e in (rule.check, rule.where):
            for dep in e.columns if e is not None else ():
                _known_name(dep, known, tp, profile.fixtures, f"{where}.rules[{i}]", table.name)
        for dep in rule.unique:
            if dep not in known:
                raise ProfileError(f"{where}.rules[{i}]: {dep!r} is not a column of {table.name}")
        tp.rules.append(rule)
    return tp


def _known_name(name: str, known: set[str], tp: TableProfile, fixtures: Fixtures, where: str, table: str) -> None:
    """A name an expression reads: a column, a helper, or a reference slot (``cpt.fee``: that row's line)."""
    if name in known or name in tp.slots:
        return
    if fixtures.has_ref(name):
        tp.slots[name] = Slot(name, name)
        return
    raise ProfileError(f"{where} reads {name!r}, which is neither a column of {table}, a helper column of the "
                       f"profile, nor a reference ({', '.join(fixtures.reference_names) or 'none'})")


def _rule(table: Table, raw: Any, where: str) -> Rule:
    if not isinstance(raw, dict) or "name" not in raw or ("check" in raw) == ("unique" in raw):
        raise ProfileError(f"{where}: a rule is {{name: ..., why: ..., check: <condition>}} or "
                           "{name: ..., unique: [columns], where: <condition>}")
    _unknown(raw, {"name", "why", "check", "unique", "where"}, where)
    check = _expr(raw.get("check"), f"{where}.check")
    cond = _expr(raw.get("where"), f"{where}.where")
    unique = tuple(str(c) for c in raw.get("unique") or ())
    return Rule(table.name, str(raw["name"]), str(raw.get("why") or ""), check, unique, cond)


class _SpecParser:
    """Turns the YAML of one column into a spec tree, checking it against the column's contract."""

    def __init__(self, profile: Profile, contract: Schema, table: Table, tp: TableProfile) -> None:
        self.profile = profile
        self.contract = contract
        self.table = table
        self.tp = tp

    @property
    def fixtures(self) -> Fixtures:
        return self.profile.fixtures

    def per_parent(self, raw: dict[str, Any], where: str) -> PerParent:
        _unknown(raw, {"per", "count", "where"}, where)
        column = str(raw.get("per") or "")
        fk = self.table.fk_for((column,))
        if fk is None:
            raise ProfileError(f"{where}: per: {column!r} is not a single-column foreign key of {self.table.name}")
        count = self._choice(raw.get("count"), f"{self.table.name}#rows", f"{where}.count")
        if not all(isinstance(v, int) and v >= 0 for v in count.values):
            raise ProfileError(f"{where}.count: keys are numbers of rows per parent (0, 1, 2...)")
        return PerParent(column, fk.ref_table, fk.ref_columns[0], count, _expr(raw.get("where"), f"{where}.where"))

    def spec(self, raw: Any, key: str, where: str, col: Column | None) -> Spec:
        """Parse ``raw``; ``col`` is the target column (None for helper columns and inner values)."""
        nullable = col is None or col.nullable
        if raw is None:
            if not nullable:
                raise ProfileError(f"{where}: NULL given to a NOT NULL column")
            return ConstSpec(key, value=None)
        if isinstance(raw, str):
            return self._shorthand(raw, key, where)
        if isinstance(raw, bool | int | float | dt.date):
            return self._const(raw, key, where, col)
        if not isinstance(raw, dict):
            raise ProfileError(f"{where}: expected a provider name, a constant or a mapping, got {raw!r}")
        kinds = [k for k in raw if k in _KINDS]
        if len(kinds) != 1:
            got = ", ".join(map(str, raw)) or "none"
            raise ProfileError(f"{where}: give exactly one of {', '.join(_KINDS)} (got {got})")
        kind = kinds[0]
        _unknown(raw, {kind} | _KINDS[kind] | _COMMON, where)
        spec = self._kind(kind, raw, key, where, col)
        spec.null = _share(raw.get("null", 0), f"{where}.null")
        if spec.null and not nullable:
            raise ProfileError(f"{where}: null: {spec.null} given to a NOT NULL column")
        if "clip" in raw:
            lo, hi = _pair(raw["clip"], f"{where}.clip")
            spec.clip = (self._param(lo, f"{where}.clip") if lo is not None else None,
                         self._param(hi, f"{where}.clip") if hi is not None else None)
        if raw.get("round") is not None:
            spec.round = _count(raw["round"], f"{where}.round")
        if raw.get("transform") is not None:
            if raw["transform"] not in ("lower", "upper", "slug"):
                raise ProfileError(f"{where}.transform: one of lower, upper, slug")
            spec.transform = str(raw["transform"])
        return spec

    # -- the kinds ---------------------------------------------------------------------------------------
    def _kind(self, kind: str, raw: dict[str, Any], key: str, where: str, col: Column | None) -> Spec:
        value = raw[kind]
        w = f"{where}.{kind}"
        if kind == "const":
            return self._const(value, key, w, col)
        if kind == "choice":
            spec = self._choice(value, key, w, cover=bool(raw.get("cover", False)))
            self._check_labels(spec.values, col, w)
            return spec
        if kind == "faker":
            reason = self.fixtures.check_faker(str(value))
            if reason:
                raise ProfileError(f"{w}: {reason}")
            return PoolSpec(key, provider=str(value), size=_count(raw.get("pool", self.profile.pool_size),
                                                                   f"{where}.pool", minimum=1))
        if kind == "ref":
            return self._ref(str(value), key, w)
        if kind in ("int", "uniform", "normal"):
            a, b = _pair(value, w)
            return NumberSpec(key, dist=kind, a=self._param(a, w), b=self._param(b, w))
        if kind in ("date", "timestamp", "time"):
            a, b = _pair(value, w)
            return RangeSpec(key, kind={"timestamp": "ts"}.get(kind, kind), lo=self._bound(a, w),
                             hi=self._bound(b, w), step=_count(raw.get("step", 1), f"{where}.step", minimum=1))
        if kind == "expr":
            return ExprSpec(key, expr=_expr(value, w))
        if kind == "template":
            return TemplateSpec(key, parts=self._template(str(value), key, w))
        if kind == "pattern":
            positions, classes = self._pattern(str(value), w)
            return PatternSpec(key, positions=positions, classes=classes)
        if kind == "chars":
            return self._chars(raw, key, where)
        if kind in ("fk", "pick"):
            return self._parent(kind, raw, key, where, col)
        if kind == "list":
            return self._list(raw, key, where)
        return self._composite(kind, raw, key, where, col)

    def _composite(self, kind: str, raw: dict[str, Any], key: str, where: str, col: Column | None) -> Spec:
        """The specs made of other specs: cases, by/bands, mix, same_as."""
        value = raw[kind]
        w = f"{where}.{kind}"
        other = self.spec(raw["else"], f"{key}/else", f"{where}.else", col) if "else" in raw else None
        if kind == "cases":
            if not isinstance(value, list) or not value:
                raise ProfileError(f"{w}: expected a list of {{if: <condition>, then: <spec>}}")
            branches = []
            for i, item in enumerate(value):
                if not isinstance(item, dict) or set(item) != {"if", "then"}:
                    raise ProfileError(f"{w}[{i}]: expected {{if: <condition>, then: <spec>}}")
                cond = _expr(item["if"], f"{w}[{i}].if")
                assert cond is not None
                branches.append((cond, self.spec(item["then"], f"{key}/case{i}", f"{w}[{i}].then", col)))
            if other is None and col is not None and not col.nullable:
                raise ProfileError(f"{where}: rows no case matches would be NULL in a NOT NULL column; add else:")
            return CasesSpec(key, branches=branches, other=other)
        if kind == "by":
            bands = raw.get("bands")
            if not isinstance(bands, dict) or not bands:
                raise ProfileError(f"{where}: by: needs bands: {{lower bound: spec, ...}}")
            branches = []
            for low in sorted(bands, key=float, reverse=True):  # the highest bound a value reaches wins
                cond = _expr(f"({value}) >= {float(low)!r}", f"{where}.by")
                assert cond is not None
                branches.append((cond, self.spec(bands[low], f"{key}/band{low}", f"{where}.bands.{low}", col)))
            return CasesSpec(key, branches=branches, other=None)
        if kind == "mix":
            if not isinstance(value, list) or not all(isinstance(p, list) and len(p) == 2 for p in value):
                raise ProfileError(f"{w}: expected [[weight, spec], ...]")
            weights = [_weight(p[0], f"{w}") for p in value]
            specs = [self.spec(p[1], f"{key}/mix{i}", f"{w}[{i}]", col) for i, p in enumerate(value)]
            return MixSpec(key, weights=weights, specs=specs)
        if kind == "same_as":
            if not _PATH.fullmatch(str(value)):
                raise ProfileError(f"{w}: expected a column path such as visit_id.patient_id, got {value!r}")
            return SameAsSpec(key, path=_expr(str(value), w), other=other)
        raise AssertionError(kind)

    def _chars(self, raw: dict[str, Any], key: str, where: str) -> PatternSpec:
        alphabet = ALPHABETS.get(str(raw["chars"]), str(raw["chars"]))
        if len(alphabet) < 2 or any(ord(c) > 127 for c in alphabet):
            raise ProfileError(f"{where}.chars: one of {', '.join(ALPHABETS)} or an ASCII alphabet of 2+ characters")
        length = _count(raw.get("length", 16), f"{where}.length", minimum=1)
        prefix = str(raw.get("prefix", ""))
        if any(ord(c) > 127 for c in prefix):
            raise ProfileError(f"{where}.prefix: ASCII only")
        return PatternSpec(key, positions=[*prefix, *([alphabet] * length)],
                           classes=[False] * len(prefix) + [True] * length)

    def _shorthand(self, name: str, key: str, where: str) -> Spec:
        if name == "uuid":
            return UuidSpec(key)
        if name == "serial":
            return SerialSpec(key)
        head = name.split(".", 1)[0]
        if head in self.tp.slots or self.fixtures.has_ref(head):
            return self._ref(name, key, where)
        reason = self.fixtures.check_faker(name)
        if reason is None:
            return PoolSpec(key, provider=name, size=self.profile.pool_size)
        refs = ", ".join(self.fixtures.reference_names) or "none"
        raise ProfileError(f"{where}: unknown provider {name!r}: not uuid or serial, not a reference file "
                           f"({refs}), and {reason}")

    def _ref(self, name: str, key: str, where: str) -> RefSpec:
        slot, _, column = name.partition(".")
        ref = self.tp.slots[slot].ref if slot in self.tp.slots else slot
        table = self.fixtures.ref(ref)
        column = column or next(iter(table.columns))
        if column not in table.columns:
            raise ProfileError(f"{where}: {table.path.name} has no column {column!r} "
                               f"(it has {', '.join(table.columns)})")
        if slot not in self.tp.slots:
            self.tp.slots[slot] = Slot(slot, ref)
        return RefSpec(key, slot=slot, column=column)

    def _const(self, value: Any, key: str, where: str, col: Column | None) -> ConstSpec:
        if value is None and col is not None and not col.nullable:
            raise ProfileError(f"{where}: NULL given to a NOT NULL column")
        if isinstance(value, dt.datetime):
            value = np.datetime64(value.replace(tzinfo=None), "s")
        elif isinstance(value, dt.date):
            value = np.datetime64(value, "D")
        elif value is not None and not isinstance(value, bool | int | float | str):
            raise ProfileError(f"{where}: a constant must be text, a number, true/false or a date")
        if isinstance(value, str):
            self._check_labels([value], col, where)
        return ConstSpec(key, value=value)

    def _choice(self, value: Any, key: str, where: str, cover: bool = False) -> ChoiceSpec:
        if isinstance(value, list) and value:
            values, weights = list(value), [1.0] * len(value)
        elif isinstance(value, dict) and value:
            values = list(value)
            weights = [_weight(w, f"{where}.{k}") for k, w in value.items()]
        else:
            raise ProfileError(f"{where}: expected {{value: weight, ...}} or a list of values")
        if sum(weights) <= 0:
            raise ProfileError(f"{where}: the weights add up to zero")
        if any(isinstance(v, dict | list) for v in values):
            raise ProfileError(f"{where}: choice values must be text, numbers or true/false")
        return ChoiceSpec(key, values=values, weights=weights, cover=cover)

    def _check_labels(self, values: list[Any], col: Column | None, where: str) -> None:
        if col is None or col.enum is None or col.family != "enum":
            return
        bad = [str(v) for v in values if str(v) not in col.enum]
        if bad:
            raise ProfileError(f"{where}: {', '.join(map(repr, bad))} not among the ENUM labels of "
                               f"{self.table.name}.{col.name} ({', '.join(col.enum)})")

    def _parent(self, kind: str, raw: dict[str, Any], key: str, where: str, col: Column | None) -> ParentSpec:
        target = str(raw[kind])
        w = f"{where}.{kind}"
        if kind == "fk":
            if col is None:
                raise ProfileError(f"{w}: fk: is for foreign-key columns; use pick: table.column for helpers")
            fk = self.table.fk_for((col.name,))
            if fk is None:
                raise ProfileError(f"{w}: {self.table.name}.{col.name} is not a foreign key; use pick: table.column")
            if fk.ref_table != target:
                raise ProfileError(f"{w}: {self.table.name}.{col.name} references {fk.ref_table}, not {target}")
            table, column = fk.ref_table, fk.ref_columns[0]
        else:
            table, _, column = target.partition(".")
            if table not in self.contract.tables or column not in self.contract.tables[table].columns:
                raise ProfileError(f"{w}: expected table.column of the pack, got {target!r}")
        conditions = raw.get("where")
        conditions = conditions if isinstance(conditions, list) else [] if conditions is None else [conditions]
        exprs = tuple(e for i, c in enumerate(conditions) if (e := _expr(c, f"{where}.where[{i}]")) is not None)
        return ParentSpec(key, table=table, column=column, where=exprs,
                          weight=_expr(raw.get("weight"), f"{where}.weight"), unique=bool(raw.get("unique", False)))

    def _list(self, raw: dict[str, Any], key: str, where: str) -> ListSpec:
        item = self.spec(raw["list"], f"{key}/item", f"{where}.list", None)
        if not isinstance(item, RefSpec | PoolSpec | ChoiceSpec):
            raise ProfileError(f"{where}.list: draw from a reference, a Faker method or a choice")
        count_raw = raw.get("count", {1: 1})
        count: ChoiceSpec | Expr | None
        if isinstance(count_raw, str):
            count = _expr(count_raw, f"{where}.count")
        elif isinstance(count_raw, int):
            count = ChoiceSpec(f"{key}#count", values=[count_raw], weights=[1.0])
        else:
            count = self._choice(count_raw, f"{key}#count", f"{where}.count")
            if not all(isinstance(v, int) and v >= 0 for v in count.values):
                raise ProfileError(f"{where}.count: keys are numbers of items (0, 1, 2...)")
        return ListSpec(key, item=item, count=count, sep=str(raw.get("sep", ", ")))

    def _template(self, text: str, key: str, where: str) -> list[str | tuple[Expr, str] | PatternSpec]:
        parts: list[str | tuple[Expr, str] | PatternSpec] = []
        pos = 0
        for i, m in enumerate(_PLACEHOLDER.finditer(text)):
            if m.start() > pos:
                parts.append(text[pos:m.start()])
            inner = m.group(1)
            if inner and all(c in "#%?^*" for c in inner):
                positions, classes = self._pattern(inner, where)
                parts.append(PatternSpec(f"{key}#p{i}", positions=positions, classes=classes))
            else:
                path, _, fmt = inner.partition(":")
                if not _PATH.fullmatch(path):
                    raise ProfileError(f"{where}: ${{{inner}}} must name a column (optionally :format) or be a "
                                       "pattern of # % ? ^ *")
                expr = _expr(path, where)
                assert expr is not None
                parts.append((expr, fmt))
            pos = m.end()
        if pos < len(text):
            parts.append(text[pos:])
        return parts

    def _pattern(self, text: str, where: str) -> tuple[list[str], list[bool]]:
        try:
            return pattern_positions(text)
        except ExprError as exc:
            raise ProfileError(f"{where}: {exc}") from None

    def _param(self, value: Any, where: str) -> Param:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ProfileError(f"{where}: expected a number or an expression, got {value!r}")
        if isinstance(value, str):
            expr = _expr(value, where)
            assert expr is not None
            return expr
        return value

    def _bound(self, value: Any, where: str) -> Param:
        """A date/time bound: a literal (``2025-01-01``, ``08:30``) or an expression."""
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            raise ProfileError(f"{where}: write dates and times in quotes ('08:30'); YAML reads 08:30 as a number")
        if isinstance(value, str) and _LITERAL_TIME.fullmatch(value.strip()):
            value = "'" + value.strip() + "'"
        return self._param(value, where)


def _null_keys(value: Any) -> Any:
    """YAML reads the key ``null:`` as None; the profile means the modifier named null."""
    if isinstance(value, dict):
        return {("null" if k is None else k): _null_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_null_keys(v) for v in value]
    return value


def _expr(value: Any, where: str) -> Expr | None:
    if value is None:
        return None
    try:
        return compile_expr(str(value))
    except ExprError as exc:
        raise ProfileError(f"{where}: {exc}") from None


def _unknown(mapping: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = [str(k) for k in mapping if k not in allowed]
    if extra:
        hint = _did_you_mean(extra[0], allowed)
        raise ProfileError(f"{where}: unknown key {extra[0]!r}{hint} (allowed: {', '.join(sorted(allowed))})")


def _did_you_mean(name: str, options: Any) -> str:
    close = difflib.get_close_matches(str(name), [str(o) for o in options], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _pair(value: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise ProfileError(f"{where}: expected [low, high]")
    return value[0], value[1]


def _count(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProfileError(f"{where}: expected a whole number >= {minimum}, got {value!r}")
    return value


def _share(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ProfileError(f"{where}: expected a share between 0 and 1, got {value!r}")
    return float(value)


def _weight(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ProfileError(f"{where}: a weight must be a number >= 0, got {value!r}")
    return float(value)


def _as_of(value: Any, path: Path) -> np.datetime64:
    if value is None:
        return np.datetime64("2025-06-30T18:00:00", "s")
    if isinstance(value, dt.datetime):
        return np.datetime64(value.replace(tzinfo=None), "s")
    if isinstance(value, dt.date):
        out: np.datetime64 = np.datetime64(value, "D").astype("datetime64[s]")
        return out
    try:
        return np.datetime64(str(value).replace(" ", "T"), "s")
    except ValueError:
        raise ProfileError(f"{path}: as_of: expected a date or 'YYYY-MM-DD HH:MM:SS', got {value!r}") from None
