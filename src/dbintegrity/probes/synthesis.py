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
import math
import random
import string
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import assume, reject
from hypothesis import strategies as st

from dbintegrity.pack.model import Column, ForeignKey, Schema, Table
from dbintegrity.probes.evaluate import Expr, Unsupported, compile_expr
from dbintegrity.sqltext.regex import random_match

Draw = Callable[[st.SearchStrategy[Any]], Any]
ALPHABET = string.ascii_letters + string.digits
MAX_DEPTH = 8
_serial = itertools.count(1)
_groups = itertools.count(1)
CYCLE_DEPTH = 2
"""The shallowest row a NOT NULL foreign-key cycle closes onto: below the target (0) and its parents (1)."""


class Retry(Exception):
    """A builder without Hypothesis drew a row it cannot keep; the caller draws again."""


class Unsynthesizable(Exception):
    """No valid row can be built for this table from the contract; the message is a skip reason."""


@dataclass
class Insert:
    table: str
    row: dict[str, Any]
    exists_key: dict[str, Any] | None = None
    """Set when the plan needs only that a row with this key exists (the parent a column's DEFAULT points
    at, which the schema's own data may hold already): the probe inserts it only if it is not there."""
    together: Together | None = None
    """Set on the consecutive rows of a plan that reference each other through NOT NULL foreign keys in a
    cycle: none can go first, so they are written in one statement (where the engine can, see
    :meth:`dbintegrity.probes.session.ProbeSession.put_together`)."""


@dataclass(frozen=True)
class Together:
    """Rows of a NOT NULL foreign-key cycle, which only exist when written together."""

    group: int
    """Which rows go together: the same number on each of them, unique within the run."""
    cycle: str
    """The foreign key that closes the cycle and the cycle's tables, for skip lines:
    ``concept_class.concept_class_concept_id is a NOT NULL foreign key in a cycle (concept_class -> concept ->
    concept_class)``."""


@dataclass
class _Open:
    """A row :class:`PlanBuilder` has begun and not yet finished (its parents come first)."""

    table: str
    row: dict[str, Any]
    depth: int
    mark: int
    """How many inserts the plan held when the row was begun: its parents are those after."""
    links: list[tuple[Table, ForeignKey, dict[str, Any]]] = field(default_factory=list)
    """Rows among its parents whose NOT NULL foreign key closes a cycle back to this row: their key columns
    take this row's values once it has them."""
    cycle: str = ""


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


def column_by_lower(table: Table, names: Iterable[str]) -> list[Column]:
    """The table's columns for the evaluator's lower-cased ``names`` (a quoted ``"Status"`` is ``status``
    there), in the order given; names that are not columns are passed over."""
    by_lower = {c.lower(): col for c, col in table.columns.items()}
    return [by_lower[n.lower()] for n in names if n.lower() in by_lower]


def generated_columns(table: Table) -> set[str]:
    return {c.name for c in table.columns.values() if c.generated is not None}


def auto_columns(table: Table) -> set[str]:
    """Columns a row may not write (generated, ``GENERATED ALWAYS AS IDENTITY``): never written by synthesis.

    Auto-increment (and serial, identity BY DEFAULT) columns are written, with a never-repeated value: a
    child needs its parent's key before the parent is inserted, and a row must be found again by it.
    """
    return {c.name for c in table.columns.values() if not c.writable}


class PlanBuilder:
    """Builds one :class:`Plan`; used inside a ``st.composite`` strategy.

    The target row's values are drawn by Hypothesis (they are what a probe is about); parents and other
    supporting rows come from a :class:`random.Random` seeded by one Hypothesis draw.  Drawing every
    parent column through Hypothesis made FK worlds cost about 0.3 s of pure generation per example.
    """

    def __init__(self, schema: Schema, draw: Draw, rng: random.Random | None = None) -> None:
        self.schema = schema
        self.draw = draw
        self.rng = rng if rng is not None else random.Random(draw(st.integers(0, 2**32 - 1)))
        self.draws = rng is None
        self.clocks: tuple[dt.datetime, ...] = ()
        """Earliest and latest time the plan's rows will be written: what CURRENT_TIMESTAMP defaults will hold."""
        """Whether the target row's values come from Hypothesis; given a Random, every value comes from it."""
        self.plan = Plan()
        self.used: dict[tuple[str, str], set[Any]] = {}
        self.keep_broken: frozenset[str] = frozenset()
        """CHECKs (by text) the target row is meant to break: not steered towards passing."""
        self._open: list[_Open] = []
        self._closed: dict[str, dict[str, Any]] = {}
        """Per table, a row of a cycle this plan has closed already (see :meth:`_closed_row`)."""

        self.drawn: frozenset[str] | None = None
        """The target row's columns whose values Hypothesis draws (None: all of them); the others come from the
        seeded Random, as a parent's do.  A probe about a foreign key needs Hypothesis for the key, not for the
        row's twenty other columns: each Hypothesis draw costs about a hundred times a Random one."""

    def row(self, table_name: str, overrides: Mapping[str, Any] | None = None, *,
            omit: frozenset[str] = frozenset(), fresh_parents: bool = False, depth: int = 0,
            trail: tuple[str, ...] = ()) -> dict[str, Any]:
        """Add the inserts for one row of ``table_name`` (and its parents) and return the row."""
        opened = _Open(table_name, {}, depth, len(self.plan.inserts))
        self._open.append(opened)
        try:
            row = self._row(opened, table_name, overrides, omit=omit, fresh_parents=fresh_parents, depth=depth,
                            trail=trail)
            if opened.links:
                self._close_cycle(opened)
            return row
        finally:
            self._open.pop()  # rows are begun and finished last in, first out

    def _row(self, opened: _Open, table_name: str, overrides: Mapping[str, Any] | None, *,
             omit: frozenset[str], fresh_parents: bool, depth: int, trail: tuple[str, ...]) -> dict[str, Any]:
        table = self.schema.tables.get(table_name)
        if table is None:
            raise Unsynthesizable(f"table {table_name} is not in the contract")
        if depth > MAX_DEPTH:
            raise Unsynthesizable(f"foreign keys nest deeper than {MAX_DEPTH} levels from {trail[0]}")
        overrides = dict(overrides or {})
        target = depth == 0
        row = opened.row
        skip = auto_columns(table) | set(omit)
        for fk in table.foreign_keys:
            if any(c in overrides for c in fk.columns):
                continue
            if any(c in skip for c in fk.columns):
                if all(c in omit for c in fk.columns):  # left to a DEFAULT that is a key of the parent
                    self._default_parent(table, fk, depth, (*trail, table_name))
                continue
            self._parent_for(table, fk, row, fresh_parents, depth, (*trail, table_name))
        uniques = unique_carriers(table)
        # CHECKs are met column by column: once every column a CHECK reads has its value, the last one is
        # drawn again until the CHECK passes.  Rejecting whole rows instead starves deep FK chains of
        # tables with several CHECKs (each parent would have to pass all of its CHECKs at once).
        # CHECKs over a column the caller forced are met by the other columns too (a second row with the
        # same UNIQUE key still needs ends_on >= its forced starts_on), except those the caller breaks on
        # purpose (keep_broken).
        checks = [c for c in checks_of(table) if not (target and c.text in self.keep_broken)]
        undecided = {c.name.lower() for c in table.columns.values()
                     if c.name not in skip and c.name not in row and c.name not in overrides}
        for col in table.columns.values():
            if col.name in skip or col.name in row:
                continue
            if col.name in overrides:
                row[col.name] = overrides[col.name]
                continue
            undecided.discard(col.name.lower())
            self._decide(table, col, row, checks, undecided, frozenset(overrides), uniques, target=target)
        for name in list(row):
            if name in omit:
                del row[name]
        try:
            forced = {o.lower() for o in overrides}
            for clock in self.clocks[1:]:  # the latest time the row may be written at, too
                later = as_stored(table, row, clock)
                self._assume(all(check.check_passes(later) for check in checks_of(table)
                                 if not set(check.columns) & forced))
            stored = as_stored(table, row, self.clocks[0] if self.clocks else None)  # defaults filled in
            self._assume(all(check.check_passes(stored) for check in checks_of(table)
                             if not set(check.columns) & forced))
            # A CHECK over a forced column is the caller's business when it breaks it on purpose; otherwise
            # the other columns were steered to meet it, and if they could not, the forced values rule it out.
            broken = [c.text for c in checks if set(c.columns) & forced and not c.check_passes(stored)]
            if broken:
                raise Unsynthesizable(f"{table_name}: the values this probe forces ({', '.join(sorted(overrides))}) "
                                      f"break CHECK ({broken[0]}) whatever the other columns hold")
            for col in table.columns.values():  # a generated value must fit its own column too
                if col.generated is not None:
                    self._assume(fits(col, compiled(col.generated).evaluate(stored)))
        except Unsupported as exc:
            raise Unsynthesizable(f"{table_name}: {exc}") from None
        self.plan.inserts.append(Insert(table_name, row))
        return row

    def _decide(self, table: Table, col: Column, row: dict[str, Any], checks: list[Expr], undecided: set[str],
                forced: frozenset[str], uniques: set[str], *, target: bool) -> None:
        """Give ``col`` a value that meets the CHECKs whose every other column is decided already."""
        ready = [c for c in checks if col.name.lower() in c.columns and not set(c.columns) & undecided]
        # Columns decided earlier that these CHECKs read, and that may be drawn again with this one: no unit
        # makes `weight = 1000.00` pass `weight_unit = 'kg' AND weight <= 450 OR weight_unit = 'lbs' AND
        # weight <= 999.99`, so drawing weight_unit alone again would end in a rejected example.
        read = {n for check in ready for n in check.columns}
        keys = {c for fk in table.foreign_keys for c in fk.columns}  # a parent's key, not a value to draw
        partners = [c for c in table.columns.values() if c.name.lower() in read and c.name != col.name
                    and c.name in row and c.name not in forced and c.name not in uniques and c.name not in keys]
        for attempt in range(TARGET_TRIES if target else SUPPORT_TRIES):
            if attempt % 2:
                for partner in partners:
                    self._redraw_partner(table, partner, col, row, checks, undecided, target=target)
            self._fill(table, col, row, unique=col.name in uniques, target=target)
            if not ready or _passes(table, row, ready, self.clocks):
                return
        if self._edge_value(table, col, row, ready, unique=col.name in uniques):
            return
        if col.nullable and col.name not in uniques and _passes(table, {**row, col.name: None}, ready, self.clocks):
            row[col.name] = None  # `ends_on IS NULL OR ends_on >= starts_on` with starts_on at the top

    def _redraw_partner(self, table: Table, partner: Column, col: Column, row: dict[str, Any], checks: list[Expr],
                        undecided: set[str], *, target: bool) -> None:
        """Draw ``partner`` again for a CHECK it shares with ``col``; keep its old value if the new one breaks a
        CHECK it already met without ``col`` (``systolic_bp BETWEEN 50 AND 300`` while meeting
        ``systolic_bp > diastolic_bp``)."""
        before = row[partner.name]
        self._fill(table, partner, row, unique=False, target=target)
        met = [c for c in checks if partner.name.lower() in c.columns and col.name.lower() not in c.columns
               and not set(c.columns) & undecided]
        if met and not _passes(table, row, met, self.clocks):
            row[partner.name] = before

    def _close_cycle(self, opened: _Open) -> None:
        """The row ``opened`` is finished: give the rows that close a cycle back to it its key, and mark it and
        every row made for it since it was begun as one statement's rows (an enclosing cycle's group, when
        there is one, takes them all in turn)."""
        for child_table, fk, child in opened.links:
            missing = [rc for rc in fk.ref_columns if rc not in opened.row]
            if missing:
                raise Unsynthesizable(f"{child_table.name}.{fk.key} references {fk.ref_table}.{missing[0]}, "
                                      f"{_unknown_why(self.schema, fk.ref_table, missing[0])}: the probe cannot know "
                                      "its value")
            child.update({c: opened.row[rc] for c, rc in zip(fk.columns, fk.ref_columns, strict=True)})
            try:
                self._assume(all(check.check_passes(as_stored(child_table, child)) for check in checks_of(child_table)))
            except Unsupported as exc:
                raise Unsynthesizable(f"{child_table.name}: {exc}") from None
        together = Together(next(_groups), opened.cycle)
        for ins in self.plan.inserts[opened.mark:]:
            ins.together = together
            self._closed.setdefault(ins.table, ins.row)

    def _closed_row(self, table: str, depth: int) -> dict[str, Any] | None:
        """A row of ``table`` that a closed cycle left in the plan, to be the parent of a row at ``depth`` - 1.

        Every NOT NULL foreign key into a cycle would otherwise start a lap of its own: an OMOP table names a
        dozen concepts, each a concept, its domain, vocabulary and concept class, each of those a concept
        again (300 rows for one visit_detail).  Parents deeper than the target's own (which the FK probes
        delete and re-key, so they stay the target's alone) may share one such row.
        """
        if depth < CYCLE_DEPTH:
            return None
        row = self._closed.get(table)
        if row is None or not any(ins.row is row for ins in self.plan.inserts):
            return None  # none yet, or its inserts were taken back (a nullable parent that could not be made)
        return row

    def _assume(self, condition: bool) -> None:
        """Hypothesis's ``assume`` inside a test; :class:`Retry` for a builder driven by a Random alone."""
        if not condition:
            if self.draws:
                reject()
            raise Retry("this attempt drew a row that cannot be kept")

    def _edge_value(self, table: Table, col: Column, row: dict[str, Any], ready: list[Expr], *,
                    unique: bool = False) -> bool:
        """Give ``col`` a value at the edge of a comparison with the row's other columns, if one passes.

        Random values almost never land in ``created_at < expires_at <= created_at + 1 day``; the edges of
        that window, computed from the row's ``created_at``, do (and they are the values worth probing).
        A ``unique`` key column takes only an edge that no row of this plan holds yet: a plan with three
        doctors needs three NPIs matching ``^[12][0-9]{9}$``, and the pattern's examples are few.
        """
        used = self.used.setdefault((table.name, col.name), set()) if unique else set()
        try:
            stored = as_stored(table, row, self.clocks[0] if self.clocks else None)
        except Unsupported:
            return False
        candidates: list[Any] = [v for check in ready for v in check.relative_boundaries(col.name, stored)]
        examples = [v for check in ready for v in check.examples(col.name)]  # matches of `dosage ~ '...'`
        candidates += examples
        self.rng.shuffle(candidates)
        if unique:  # the examples' digits redrawn first: more matches of `npi ~ '^[12][0-9]{9}$'` than its two
            # edges, which another plan of the same probe would take again
            candidates = [_redraw_digits(v, self.rng) for v in examples for _ in range(16)] + candidates
        for candidate in candidates:
            value = candidate
            if isinstance(candidate, Decimal) and col.family in INT_RANGES:
                if candidate != candidate.to_integral_value():
                    continue
                value = int(candidate)
            if value not in used and fits(col, value) and _passes(table, {**row, col.name: value}, ready,
                                                                  self.clocks):
                row[col.name] = value
                if unique:
                    used.add(value)
                return True
        return False

    def _parent_for(self, table: Table, fk: ForeignKey, row: dict[str, Any], fresh: bool, depth: int,
                    trail: tuple[str, ...]) -> None:
        cols = [table.columns[c] for c in fk.columns if c in table.columns]
        nullable = all(c.nullable for c in cols)
        circular = fk.ref_table in trail or fk.ref_table == table.name
        if nullable and circular and fresh and depth == 0 and self._cycle_parent(table, fk, row, depth, trail):
            return  # the target's own nullable key in a cycle (a self-reference): one parent, its key NULL
        if nullable and (circular or (not fresh and self.rng.random() < 0.5)):
            for c in fk.columns:
                row[c] = None
            return
        if circular and self._close_to_ancestor(table, fk, row):
            return
        if (done := self._closed_row(fk.ref_table, depth + 1)) is not None:
            parent = done
        elif nullable and not (fresh and depth == 0):
            mark = len(self.plan.inserts)
            try:  # a parent that cannot be made (too deep, in a NOT NULL cycle...) is no reason to give up
                parent = self.row(fk.ref_table, depth=depth + 1, trail=trail)
            except Unsynthesizable:
                del self.plan.inserts[mark:]
                for c in fk.columns:
                    row[c] = None
                return
        else:
            parent = self.row(fk.ref_table, depth=depth + 1, trail=trail)
        for c, rc in zip(fk.columns, fk.ref_columns, strict=True):
            if rc not in parent:
                raise Unsynthesizable(f"{table.name}.{fk.key} references {fk.ref_table}.{rc}, "
                                      f"{_unknown_why(self.schema, fk.ref_table, rc)}: the probe cannot know its value")
            row[c] = parent[rc]

    def _value(self, table: Table, col: Column, *, unique: bool, target: bool) -> Any:
        target = target and self.draws and (self.drawn is None or col.name in self.drawn)
        if unique and col.name.lower() in checked_columns(table):
            return self._distinct(table, col, target)
        if unique:
            return self._unused(table, col)
        if target:
            if col.nullable and col.default is None and self.draw(st.integers(0, 5)) == 0:
                return None
            return self.draw(value_strategy(col, tuple(boundaries_for(table, col.name))))
        if col.nullable and col.default is None and self.rng.random() < 0.15:
            return None
        return random_value(col, self.rng, boundaries_for(table, col.name))


    def _fill(self, table: Table, col: Column, row: dict[str, Any], *, unique: bool, target: bool) -> None:
        """Give ``row`` a value for ``col``; NULL or the column's default when its type has no generator."""
        try:
            row[col.name] = self._value(table, col, unique=unique, target=target)
        except NoGenerator as exc:
            if unique:
                raise Unsynthesizable(f"{table.name}.{exc}: it is part of a key, and NULL cannot stand in") from None
            if col.default is None and not col.nullable:
                raise Unsynthesizable(f"{table.name}.{exc}, and the column is NOT NULL without a default") from None
            if col.default is None:
                row[col.name] = None  # no value we can make: NULL is a valid one
            # else: left out, the engine's default fills it

    def _default_parent(self, table: Table, fk: ForeignKey, depth: int, trail: tuple[str, ...]) -> None:
        """The parent a row's left-out foreign key will point at: ``region_id INT DEFAULT 1 REFERENCES region``
        needs region 1.  Nothing to add when the default is NULL or an expression we cannot evaluate."""
        try:
            values = {rc: default_value(table.columns[c]) for c, rc in zip(fk.columns, fk.ref_columns, strict=True)}
        except (Unsupported, KeyError):
            return
        if any(v is None for v in values.values()) or fk.ref_table == table.name:
            return
        if any(ins.table == fk.ref_table and all(ins.row.get(k) == v for k, v in values.items())
               for ins in self.plan.inserts):
            return  # this plan already holds that parent
        self.row(fk.ref_table, values, depth=depth + 1, trail=trail)
        self.plan.inserts[-1].exists_key = values  # row() adds the parent last, after its own parents

    def _close_to_ancestor(self, table: Table, fk: ForeignKey, row: dict[str, Any]) -> bool:
        """A NOT NULL foreign key back into a row still being made: point it at that row, whose key is drawn
        later, and have them written together.  Neither the target row (probes write it on their own, often
        twice) nor its parents (the rows the FK probes delete and re-key) are such rows: a key back to them gets
        a fresh parent instead, and the cycle closes further on, among rows made only for it (concept ->
        concept_class -> concept -> concept_class -> that concept).  Otherwise the cycle's own NO ACTION key
        would hold the probed parent, and a CASCADE in its place would go unseen.  A row that references its
        own table is refused, as before: the cycle would be one row referencing itself."""
        if fk.ref_table == table.name:
            raise Unsynthesizable(f"{table.name}.{fk.key} is a NOT NULL foreign key into its own table: each row needs "
                                  "another row of the table before it, so the probe cannot write a first one")
        if not self.schema.cycles_writable:
            trail = [o.table for o in self._open]
            cycle = [*trail[len(trail) - 1 - trail[::-1].index(fk.ref_table):], fk.ref_table]
            raise Unsynthesizable(f"{table.name}.{fk.key} is a NOT NULL foreign key in a cycle ({' -> '.join(cycle)}): "
                                  "none of the cycle's rows can go first, and this engine checks each row's keys as "
                                  "it is written (the probes write a cycle's rows in one statement where the engine "
                                  "checks keys when the statement ends: capability writable_cte_inserts)")
        ancestor = next((o for o in reversed(self._open[:-1]) if o.table == fk.ref_table), None)
        if ancestor is None or ancestor.depth < CYCLE_DEPTH:
            return False
        tables = [o.table for o in self._open[self._open.index(ancestor):]]
        ancestor.cycle = (f"{table.name}.{fk.key} is a NOT NULL foreign key in a cycle "
                          f"({' -> '.join([*tables, fk.ref_table])})")
        for c in fk.columns:
            row[c] = None  # until the ancestor has its key (see _close_cycle)
        ancestor.links.append((table, fk, row))
        return True

    def _cycle_parent(self, table: Table, fk: ForeignKey, row: dict[str, Any], depth: int,
                      trail: tuple[str, ...]) -> bool:
        """Give a nullable foreign key in a cycle a parent whose own cycle keys are NULL, if one can be made."""
        mark = len(self.plan.inserts)
        try:
            parent = self.row(fk.ref_table, depth=depth + 1, trail=trail)
        except Unsynthesizable:
            del self.plan.inserts[mark:]
            return False
        if any(rc not in parent for rc in fk.ref_columns):
            del self.plan.inserts[mark:]
            return False
        for c, rc in zip(fk.columns, fk.ref_columns, strict=True):
            row[c] = parent[rc]
        return True

    def _unused(self, table: Table, col: Column) -> Any:
        """A never-repeated value (:func:`unique_value`) that no row of this plan holds yet: a short key
        (``CHAR(1)``, ``TINYINT``) cycles through its few values, and a plan can hold many of its rows."""
        used = self.used.setdefault((table.name, col.name), set())
        for _ in range(64):
            value = unique_value(col)
            seen = value.lower() if isinstance(value, str) else value
            if seen not in used:
                used.add(seen)
                return value
        raise Unsynthesizable(f"{table.name}.{col.name} ({col.type}) has too few distinct values for the rows "
                              "this probe needs")

    def _distinct(self, table: Table, col: Column, target: bool) -> Any:
        """For a key column under a CHECK: a value drawn near the CHECK's boundaries, new to this plan."""
        used = self.used.setdefault((table.name, col.name), set())
        given = _GIVEN_VALUES.setdefault((table.name, col.name), set())
        bounds = boundaries_for(table, col.name)
        patterns = [p for check in checks_of(table) for p in check.patterns(col.name)]
        # The probed row's draws must not depend on what this process handed out before (the sets below, the
        # plan's Random after its parents' retries): Hypothesis replays an example by its choices, and a
        # different number of draws on replay is FlakyStrategyDefinition, which hides the probe's own failure.
        # So the probed row makes exactly two draws here, a seed for its decisions and one candidate value;
        # avoiding values given before only changes the value, never the draws.
        rng = random.Random(self.draw(st.integers(0, 2**32 - 1))) if target else self.rng
        candidate = self.draw(value_strategy(col, tuple(bounds))) if target else None
        for attempt in range(20):
            if patterns and (not target or rng.random() < 0.5):  # `code ~ '^LM-[A-Z]{3}$'` and UNIQUE
                value = _fresh_match(rng.choice(patterns))
                value = value if value is not None and fits(col, value) else None  # `{2,}`: maybe too long
            else:
                value = candidate if target and attempt == 0 else random_value(col, rng, bounds)
                if isinstance(value, str) and (not target or attempt > 0 or value in given):
                    # A key under a grammar (NPI, MRN): not just the pattern's few edges, which the next plan of the
                    # same probe would draw again (a second row that must differ in every other key).
                    value = _redraw_digits(value, rng)
            if value is None or value in used:
                continue
            # A supporting row's Random repeats another plan's when both got the same seed: Hypothesis starts
            # every test with its simplest example (every seed 0) and copies draws between the plans of one
            # example, so two plans of one probe or of one world often start from equal Randoms.  Its key would
            # then repeat a row written before, and the plan's parent would be refused as a duplicate.  So a
            # value handed out before is replaced, from a Random salted by a process-wide counter (as
            # _redraw_digits is), while fresh values are likely to be left.
            if not target and attempt < FRESH_TRIES and value in given:
                rng = random.Random(rng.getrandbits(32) * 1_000_003 + next(_REDRAWS))
                continue
            used.add(value)
            if len(given) < 100_000:
                given.add(value)
            return value
        self._assume(False)  # the CHECK leaves too few values for this plan's rows
        raise AssertionError("unreachable")


_MATCHES = random.Random(0x5EED)
_ISSUED: dict[str, set[str]] = {}


def _fresh_match(pattern: str) -> str | None:
    """A match of a UNIQUE column's pattern not handed out before in this run, like :func:`unique_value`'s
    counter: a probe's world joins several plans, each with its own used-values, and a row and its
    duplicate are built from the same seed, so their other parents must still get other keys.  When a
    narrow pattern runs out, its matches are handed out again (a new round)."""
    issued = _ISSUED.setdefault(pattern, set())
    value = None
    for _ in range(64):
        value = random_match(pattern, _MATCHES)
        if value is None or value not in issued:
            break
    else:
        issued.clear()
    if value is not None:
        issued.add(value)
    return value


TARGET_TRIES = 12
"""Draws of one column of the probed row before a CHECK it must pass gives up (Hypothesis then discards)."""
SUPPORT_TRIES = 30
"""The same for parents and other supporting rows, whose values come from a seeded Random."""


_REDRAWS = itertools.count(1)
_GIVEN_VALUES: dict[tuple[str, str], set[Any]] = {}
"""Per (table, column), the values this process gave a UNIQUE key column under a CHECK: drawn again, they are
varied first."""
FRESH_TRIES = 12
"""Attempts at a supporting row's key value not handed out before, after which a repeat is taken (a narrow CHECK
can leave only a few values, and the plan's own rows need only differ among themselves)."""


def _redraw_digits(text: str, rng: random.Random) -> str:
    """``text`` with every ASCII digit replaced by a random one: a pattern's example stays one as often as not.

    The draw is salted by a process-wide counter, as :func:`unique_value` is: two plans of one probe may get the
    same seed from Hypothesis, and their key values must still differ."""
    salted = random.Random(rng.getrandbits(32) * 1_000_003 + next(_REDRAWS))
    return "".join(salted.choice("0123456789") if "0" <= ch <= "9" else ch for ch in text)


def _passes(table: Table, row: Mapping[str, Any], checks: list[Expr], clocks: tuple[dt.datetime, ...] = ()) -> bool:
    """Whether ``checks`` accept ``row``; with ``clocks``, at every one of those times (CURRENT_TIMESTAMP defaults)."""
    try:
        return all(check.check_passes(as_stored(table, row, clock)) for clock in (clocks or (None,)) for check in checks)
    except Unsupported:
        return True  # decided, with its reason, when the whole row is checked


def float_default(col: Column) -> float | None:
    """The value of a FLOAT / DOUBLE column's numeric default (``MMV_QTY float NOT NULL default 0``), or None.

    Written as a number, it is read back as the same float (both engines print the shortest form that
    reads back); anything else is an expression."""
    if col.family not in ("float", "double") or col.default is None:
        return None
    try:  # PostgreSQL quotes a negative one: '-1.25'::real
        number = float(col.default.strip("'"))
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # NaN equals nothing read back


def default_value(col: Column) -> Any:
    """The Python value a column's literal default stores; :class:`Unsupported` for expressions and clocks."""
    d = col.default
    if d is None:
        return None
    fam = col.family
    if (number := float_default(col)) is not None:
        return number
    if d.startswith("'") and d.endswith("'"):
        text = d[1:-1].replace("''", "'")
        if fam in INT_RANGES:
            return int(text)
        if fam == "decimal":
            return Decimal(text)
        if fam == "date":
            return dt.date.fromisoformat(text)
        if fam in ("timestamp", "datetime", "time"):
            return temporal_literal(text, fam)
        if fam in ("varchar", "char", "text", "enum", "set"):
            return text
    elif d in ("true", "false"):
        return d == "true"
    elif fam in INT_RANGES and d.lstrip("-").isdigit():
        return int(d)
    elif fam == "decimal":
        return Decimal(d)
    if fam == "json" and d.startswith("'"):
        return json.loads(d[1:-1].replace("''", "'"))
    raise Unsupported(f"default {d} of {col.name} is an expression we do not evaluate")


def temporal_literal(text: str, family: str) -> Any:
    """A timestamp or time literal as the probes read it back: UTC and naive (``'2024-01-01 10:00:00+00'``)."""
    try:
        if family == "time":
            return dt.time.fromisoformat(text)
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Unsupported(f"default '{text}' is a {family} literal we do not read") from None
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo is not None else value


def as_stored(table: Table, row: Mapping[str, Any], clock: dt.datetime | None = None) -> dict[str, Any]:
    """``row`` with the default of every writable column it leaves out: what the engine's CHECKs see.

    A CHECK over a left-out column whose default we cannot evaluate (an expression; the clock, unless
    ``clock`` says what time the engine will read) raises :class:`Unsupported`: the row's fate would be a guess.
    """
    out = dict(row)
    for col in table.columns.values():
        if col.name in out or not col.writable or col.engine_filled or col.default is None:
            continue
        if clock is not None and col.default == "CURRENT_TIMESTAMP":
            out[col.name] = clock
            continue
        try:
            out[col.name] = default_value(col)
        except Unsupported as exc:
            if any(col.name.lower() in ch.columns for ch in checks_of(table)):
                raise Unsupported(f"a CHECK reads {col.name}, which the row leaves to its {exc.args[0]}") \
                    from None
    return out


def _unknown_why(schema: Schema, table: str, column: str) -> str:
    """Why a synthesised row has no value for ``column``, for skip reasons."""
    col = schema.tables[table].columns.get(column)
    if col is None:
        return "which the contract does not declare"
    if col.generated is not None:
        return f"which is generated as ({col.generated})"
    if not col.writable:
        return "which the engine fills itself (GENERATED ALWAYS AS IDENTITY) and a row may not write"
    return f"which has no value generator for type {col.type} (left to its default)"


class NoGenerator(Unsynthesizable):
    """The column's type has no value generator; synthesis writes NULL or the default instead when it may."""


INT_RANGES: dict[str, tuple[int, int]] = {
    "tinyint": (-(2**7), 2**7 - 1), "smallint": (-(2**15), 2**15 - 1), "mediumint": (-(2**23), 2**23 - 1),
    "integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1),
    "tinyint unsigned": (0, 2**8 - 1), "smallint unsigned": (0, 2**16 - 1), "mediumint unsigned": (0, 2**24 - 1),
    "integer unsigned": (0, 2**32 - 1), "bigint unsigned": (0, 2**64 - 1), "year": (1901, 2155),
}
"""Every integer family of the neutral model and the values both engines store in it."""


def unique_carriers(table: Table) -> set[str]:
    """Columns that get a never-repeated value so that every UNIQUE key (and the PK) is unique.

    One column per key is enough.  A key that contains a foreign key is already unique through its fresh
    parent; otherwise the first column whose type can carry unique values is chosen (not an ENUM or a
    boolean, which have too few values).
    """
    fk_cols = {c for fk in table.foreign_keys for c in fk.columns}
    checked = checked_columns(table)
    out: set[str] = set()
    for key in [*table.uniques, table.primary_key]:
        if not key or (len(key) > 1 and any(c in fk_cols for c in key)):
            continue
        usable = [c for c in key if table.columns[c].family not in ("enum", "set", "boolean")] or [key[0]]
        # A column a CHECK constrains cannot take just any never-repeated value: prefer one it leaves free.
        carrier = next((c for c in usable if c.lower() not in checked), usable[0])
        out.add(carrier)
    return out


def checked_columns(table: Table) -> set[str]:
    """Lower-cased names of the columns the table's (evaluable) CHECKs read."""
    try:
        return {c for check in checks_of(table) for c in check.columns}
    except Unsynthesizable:
        return set()  # the row cannot be made anyway; building it says why


def fits(col: Column, value: Any) -> bool:
    """Whether ``value`` is storable in ``col`` on both engines (NULL always is, for this purpose)."""
    if value is None:
        return True
    fam = col.family
    if fam == "decimal":
        p, s = _decimal_bounds(col.type)
        q = Decimal(value).quantize(Decimal(1).scaleb(-s))
        return abs(q) < Decimal(10) ** (p - s)
    if fam in INT_RANGES and isinstance(value, int | Decimal):
        low, high = INT_RANGES[fam]
        return low <= value <= high
    if fam in ("varchar", "char") and isinstance(value, str):
        return len(value) <= (_size(col.type) or len(value))
    return True


def as_written(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` as both engines store it: text longer than its ``varchar(n)``/``char(n)`` whose excess is only
    spaces is cut to ``n`` (the SQL standard; PostgreSQL silently, MySQL with a note even in strict mode), so
    ``'+256799999999 '`` in a ``varchar(13)`` is checked as ``'+256799999999'``."""
    out = dict(row)
    for name, value in row.items():
        col = table.columns.get(name)
        if col is None or col.family not in ("varchar", "char") or not isinstance(value, str):
            continue
        size = _size(col.type)
        if size is not None and len(value) > size and not value[size:].strip(" "):
            out[name] = value[:size]
    return out


def boundaries_for(table: Table, column: str) -> list[Any]:
    """Constants the table's CHECKs compare ``column`` with, and their neighbours."""
    out: list[Any] = []
    for check in checks_of(table):
        out += check.boundaries().get(column.lower(), [])
    return out


_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    out = ""
    while True:
        n, d = divmod(n, 36)
        out = _DIGITS36[d] + out
        if n == 0:
            return out


def unique_value(col: Column) -> Any:
    """A value no other synthesised row has, valid for the column's type."""
    n = next(_serial)
    fam = col.family
    if fam in ("varchar", "char", "text"):
        size = _size(col.type) or 64
        if size >= 36 and col.name.endswith("id"):
            return str(uuid.uuid4())
        if size >= 32:
            return uuid.uuid4().hex[:size]
        # The low-order digits of the counter: a CHAR(2) key takes all 36**2 values before one repeats.
        # (Its leading digits would repeat 36 times in a row once the counter outgrew the column.)
        # Lower case only: MySQL's default collations compare 'a' and 'A' as equal.
        return _base36(n)[-size:]
    if fam in INT_RANGES:
        low, high = INT_RANGES[fam]
        if high >= 2**31 - 1 and low <= 1_000_000:
            return 1_000_000 + n
        start = max(low, 1)  # never 0: MySQL numbers a row itself when an AUTO_INCREMENT column gets 0
        return start + n % (high - start + 1)
    if fam == "uuid":
        return str(uuid.uuid4())
    if fam == "decimal":
        return Decimal(n % 10**6)
    if fam in ("date",):
        return dt.date(1971, 1, 1) + dt.timedelta(days=n % 20_000)
    if fam in ("timestamp", "datetime"):
        return dt.datetime(1971, 1, 1) + dt.timedelta(seconds=n)
    raise NoGenerator(f"{col.name}: no unique values for type {col.type}")


@functools.lru_cache(maxsize=1024)  # a plan's every value asks; the types are few
def _size(type_name: str) -> int | None:
    if "(" in type_name:
        head = type_name.split("(", 1)[1].rstrip(")").split(",")[0]
        return int(head) if head.isdigit() else None
    return None


@functools.lru_cache(maxsize=1024)
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
    if fam in INT_RANGES:
        low, high = INT_RANGES[fam]
        reach = 100 if fam.startswith("tinyint") else 1000
        return rng.randint(max(low, -reach), min(high, max(low, 0) + reach))
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
    if fam == "tsvector":
        return " ".join(rng.choices(_WORDS, k=rng.randint(1, 4)))
    if fam.endswith("[]") and fam[:-2] in _ARRAY_ELEMENTS:
        return _array_literal([random_value(Column("element", fam[:-2], False), rng)
                               for _ in range(rng.randint(0, 3))])
    raise NoGenerator(f"{col.name}: type {col.type} has no value generator yet")


_WORDS = ("rental", "film", "store", "actor", "drama", "epic", "quiet", "storm")
_ARRAY_ELEMENTS = {"text", "varchar", "char", "integer", "smallint", "bigint"}


def _array_literal(items: list[Any]) -> str:
    """PostgreSQL's text form of a one-dimensional array of letters, digits or numbers: ``{a,b}``."""
    return "{" + ",".join(str(i) for i in items) + "}"


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
    if fam in INT_RANGES and fam != "year":
        low, high = INT_RANGES[fam]
        if high < 2**16 or fam == "bigint":
            return st.integers(low, high)
        return st.one_of(st.integers(low, low + 1000), st.integers(low, high))
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
    if fam == "tsvector":
        return st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4).map(" ".join)
    if fam.endswith("[]") and fam[:-2] in _ARRAY_ELEMENTS:
        return st.lists(_type_strategy(Column("element", fam[:-2], False)), max_size=3).map(_array_literal)
    raise NoGenerator(f"{col.name}: type {col.type} has no value strategy yet")


@st.composite
def valid_plan(draw: Draw, schema: Schema, table: str, overrides: Mapping[str, Any] | None = None,
               omit: frozenset[str] = frozenset(), fresh_parents: bool = False,
               keep_broken: frozenset[str] = frozenset(), clocks: tuple[dt.datetime, ...] = (),
               drawn: frozenset[str] | None = None) -> Plan:
    """A plan whose every row the schema must accept (but for CHECKs over ``overrides``, the caller's).

    ``clocks`` (earliest, latest): when the rows will be written, for CHECKs over a column left to its
    CURRENT_TIMESTAMP default; the rows then pass at every time in between.  ``drawn``: the target row's
    columns the probe is about, drawn by Hypothesis; the others come from the plan's seeded Random (None: every
    column drawn by Hypothesis).
    """
    builder = PlanBuilder(schema, draw)
    builder.keep_broken = keep_broken
    builder.drawn = drawn
    builder.clocks = clocks
    builder.row(table, overrides, omit=omit, fresh_parents=fresh_parents)
    return builder.plan


def violations(schema: Schema, table_name: str) -> list[Violation]:
    """Every single-constraint violation :func:`violating_plan` can make for ``table_name``."""
    table = schema.tables[table_name]
    auto = auto_columns(table)
    # NULL into an auto-increment column means "number it" on MySQL and is an error on PostgreSQL: an
    # engine convention, not a rule of the schema, so it is not offered as a NOT NULL violation.
    out = [Violation("not_null", f"{table_name}.{c.name}") for c in table.columns.values()
           if not c.nullable and c.name not in auto and c.default != "autoincrement"]
    out += [Violation("invalid_value", f"{table_name}.{c.name}") for c in table.columns.values()
            if c.enum is not None and c.family == "enum" and not _label_checked(table, c.name)]
    out += [Violation("fk", f"{table_name}.{fk.key}") for fk in table.foreign_keys]
    out += [Violation("unique", f"{table_name}:unique({','.join(u)})") for u in table.uniques]
    out += [Violation("check", f"{table_name}:check({c.expression})") for c in table.checks]
    return out


def _label_checked(table: Table, column: str) -> bool:
    """Whether a CHECK refuses any value outside the ENUM whatever the other columns hold (``unit = 'F' AND ...
    OR unit = 'C' AND ...``): then a bad label breaks that CHECK too, and no row breaks the ENUM alone."""
    try:
        return any(not check.check_passes({column: "zz_not_a_label"}) for check in checks_of(table)
                   if column.lower() in check.columns)
    except (Unsupported, Unsynthesizable):
        return False


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
        others = [c for c in checks_of(t) if c.text != expr.text]
        if not bounds:  # `systolic_bp > diastolic_bp`: break it at the edge the row's own values draw
            plan = _as_plan(draw(valid_plan(schema, table, keep_broken=frozenset({expr.text}))))
            row = plan.target.row
            edges = [(c, v) for c in expr.columns if c in {k.lower() for k in row}
                     for v in expr.relative_boundaries(c, row)]
            assume(bool(edges))
            col, value = draw(st.sampled_from(edges))
            name = next(k for k in row if k.lower() == col)
            column = t.columns[name]
            if isinstance(value, Decimal) and column.family in INT_RANGES and value == value.to_integral_value():
                value = int(value)
            row[name] = value
            assume(fits(column, value) and not expr.check_passes(row) and all(c.check_passes(row) for c in others))
            return plan
        col = draw(st.sampled_from(sorted(bounds)))
        value = draw(st.sampled_from(bounds[col]))
        spec = next(iter(column_by_lower(t, [col])), None)
        name = spec.name if spec is not None else col
        assume(spec is None or fits(spec, value))  # 'x+256799999999' in a varchar(13): the type refuses it first
        plan = draw(valid_plan(schema, table, {name: value}, keep_broken=frozenset({expr.text})))
        stored = as_written(t, plan.target.row)
        assume(not expr.check_passes(stored) and all(c.check_passes(stored) for c in others))
        return _as_plan(plan)
    raise ValueError(f"unknown violation kind {violation.kind}")


def _as_plan(value: Any) -> Plan:
    """``draw`` is untyped; the strategies drawn from here all produce plans."""
    assert isinstance(value, Plan)
    return value
