"""The view probes: do what a user would do, and compare the view's answer with the meaning's oracle.

For one view of ``views.yml`` (:mod:`dbintegrity.probes.view_meaning`), one Hypothesis example:

1. if the meaning reads the clock, freeze the session's clock at an instant the example draws: a minute
   before or after midnight, noon or any time, yesterday, today or tomorrow (the engine's own way, see
   :meth:`~dbintegrity.engines.base.Engine.freeze_clock`);
2. insert a row of the ``from`` table with its parents (constraint-aware synthesis, :mod:`dbintegrity.probes.synthesis`):
   a free one, or one steered by ``appears_with``; date and time columns the filter reads get values
   around the frozen clock (now, a second either side, midnight, a week on);
3. for each aggregate, insert up to two linked rows of the table it is over;
4. look: every ``from`` row the example wrote must be in the view exactly when the oracle says, once, with
   the oracle's values; then again with more ``from`` rows at the edges of the filter, and one per parent
   read through a nullable foreign key with that key NULL (an inner join where the view needs an outer
   one loses that row);
5. change the facts and look again: the steered row gets ``disappears_with`` (it must leave the view);
   each aggregate gains one more row (``counts_with``: the count rises by exactly one, the sum by exactly
   the row's value), which then gets ``uncounts_with``.

The oracle reads the rows the example wrote back from the base tables (so defaults, generated columns and
triggers count) and evaluates the meaning in Python; the view's SQL is never consulted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from dbintegrity.pack.model import Schema
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import Plan, Unsynthesizable, valid_plan
from dbintegrity.probes.view_meaning import Aggregate, Candidate, Clock, Meaning, Neutral, candidates, same

_TIMES = (dt.time(23, 59, 30), dt.time(0, 0, 30), dt.time(23, 59, 59), dt.time(0, 0, 0), dt.time(12, 0))
_DATE_FAMILIES = ("date", "datetime", "timestamp", "time")
MAX_EDGE_ROWS = 12


def instants(utc_now: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    """Local times to freeze the clock at, within 12 hours of the real one: around midnight above all."""
    def nearest(t: dt.time) -> dt.datetime:
        days = (utc_now.date() + dt.timedelta(days=k) for k in (-1, 0, 1))
        return min((dt.datetime.combine(d, t) for d in days), key=lambda w: abs(w - utc_now))
    return st.one_of(st.sampled_from(_TIMES), st.times().map(lambda t: t.replace(microsecond=0))).map(nearest)


def near(clock: Clock, family: str) -> list[Any]:
    """Values of a column's type at the edges a clock-reading filter has: now, a second either side, midnight,
    a day and a week on."""
    exact = clock.local  # PostgreSQL's now() has microseconds: only the exact instant sits on a >= boundary
    now = exact.replace(microsecond=0)
    today = now.date()
    midnight = dt.datetime.combine(today, dt.time())
    if family == "date":
        return [today + dt.timedelta(days=k) for k in (-1, 0, 1, 6, 7, 8, 30)]
    if family == "time":
        return [(now + dt.timedelta(seconds=s)).time() for s in (-1, 0, 1, 3600)]
    second, day, week = dt.timedelta(seconds=1), dt.timedelta(days=1), dt.timedelta(days=7)
    return [now - day, now - second, now, exact, now + second, now + dt.timedelta(hours=1), midnight, midnight - second,
            midnight + day - second, midnight + day, now + day, now + week - second, now + week, now + week + second]


class ViewProbe:
    """One example's world: the rows it wrote, where to find them again, and the view's expected answer."""

    def __init__(self, probe: ProbeSession, meaning: Meaning, schema: Schema, clock: Clock | None) -> None:
        self.probe, self.meaning, self.schema, self.clock = probe, meaning, schema, clock
        self.keys: list[tuple[str, dict[str, Any]]] = []
        """(table, key) of every row written, in order."""
        self.steps: list[str] = []

    # -- writing -----------------------------------------------------------------------------------
    def clocks(self) -> tuple[dt.datetime, ...]:
        if self.clock is not None:
            return (self.clock.local, self.clock.local)
        now = self.probe.now()
        return (now, now + dt.timedelta(minutes=5))

    def draw_plan(self, data: st.DataObject, table: str, overrides: Mapping[str, Any], label: str, *,
                  fresh_parents: bool = False) -> Plan:
        try:
            plan: Plan = data.draw(valid_plan(self.schema, table, dict(overrides), fresh_parents=fresh_parents,
                                              clocks=self.clocks()), label=label)
        except Unsynthesizable:
            if overrides:
                reject()  # the values this example forces cannot be met by any row: draw another example
            raise
        return plan

    def write(self, plan: Plan, what: str, *, required: bool = True) -> dict[str, Any] | None:
        """Insert the plan; a row the schema refuses (a business-rule trigger) makes the example useless, or,
        when not ``required``, is left out (None)."""
        _at, out = self.probe.apply(plan)
        if not out.ok:
            if not required:
                return None
            reject()
        for ins in plan.inserts:
            self.keys.append((ins.table, self.probe.key_of(ins.table, ins.row)))
        self.steps.append(what)
        return plan.target.row

    def update(self, table: str, row: Mapping[str, Any], values: Mapping[str, Any], what: str) -> None:
        key = self.probe.key_of(table, row)
        out = self.probe.update(table, values, key)
        if not out.ok:
            reject()
        for i, (t, k) in enumerate(self.keys):  # the row may be found by a column the update changed
            if t == table and k == key:
                self.keys[i] = (t, {c: values.get(c, v) for c, v in k.items()})
        self.steps.append(what)

    def overrides(self, data: st.DataObject, table: str, fixed: Mapping[str, Neutral], reads: set[str],
                  context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``fixed`` evaluated (with the clock), plus clock-edge values for date and time columns a filter reads."""
        ctx = {**(context or {}), **(self.clock.context() if self.clock else {})}
        out = {c: e.value(ctx) for c, e in fixed.items()}
        if self.clock is None:
            return out
        for col in self.schema.tables[table].columns.values():
            if col.name in out or col.name.lower() not in reads or col.family not in _DATE_FAMILIES \
                    or not col.writable:
                continue
            if data.draw(st.integers(0, 2), label=f"{table}.{col.name} near the clock?"):
                out[col.name] = data.draw(st.sampled_from(near(self.clock, col.family)), label=f"{table}.{col.name}")
        return out

    def edges(self, data: st.DataObject, target: Candidate) -> None:
        """More rows of the ``from`` table, one per value at the edge of the filter's comparisons: the constants
        it compares with and their neighbours, and the values of the other side (the clock: now, a microsecond
        either side, a day on; another column) -- where an off-by-one filter answers differently.  The other
        columns the filter reads take ``appears_with``'s values, so the edge is what decides."""
        where = self.meaning.where
        if where is None:
            return
        columns = self.schema.tables[self.meaning.source].columns
        ctx = {**target.context, **(self.clock.context() if self.clock else {})}
        base = {c: e.value(ctx) for c, e in self.meaning.appears_with.items()}
        made = 0
        for name in where.expr.columns:
            col = next((c for c in columns.values() if c.name.lower() == name and c.writable), None)
            if col is None:
                continue
            values = [*where.expr.boundaries().get(name, []), *where.expr.relative_boundaries(name, ctx)]
            for value in dict.fromkeys(values):
                if made >= MAX_EDGE_ROWS:
                    return
                try:
                    plan: Plan = data.draw(valid_plan(self.schema, self.meaning.source, {**base, col.name: value},
                                                      fresh_parents=True, clocks=self.clocks()),
                                           label=f"{self.meaning.source} row with {col.name} = {value!r}")
                except Unsynthesizable:
                    continue  # no valid row holds that value (a CHECK refuses it)
                if self.write(plan, f"insert {self.meaning.source} row with {col.name} at the filter's edge",
                              required=False) is not None:
                    made += 1

    def without_optional_parents(self, data: st.DataObject, target: Candidate) -> None:
        """One more row of the ``from`` table per parent the meaning reads through a nullable foreign key, with
        that key NULL (``appears_with``'s values otherwise): the oracle gives it the parent's columns as NULL.
        Synthesis gives the probe's other rows a parent for every key, so without this row a view that joins
        such a parent with an inner join instead of an outer one (a doctor without a department leaves the
        list of active doctors) would answer like the meaning."""
        columns = self.schema.tables[self.meaning.source].columns
        ctx = {**target.context, **(self.clock.context() if self.clock else {})}
        base = {c: e.value(ctx) for c, e in self.meaning.appears_with.items()}
        for alias, hops in self.meaning.parents.items():
            keys = hops[0].fk.columns
            cols = [columns.get(c) for c in keys]
            if any(c is None or not c.nullable or not c.writable for c in cols) or set(keys) & set(base):
                continue
            try:
                plan: Plan = data.draw(valid_plan(self.schema, self.meaning.source, {**base, **dict.fromkeys(keys)},
                                                  fresh_parents=True, clocks=self.clocks()),
                                       label=f"{self.meaning.source} row without its {alias} parent")
            except Unsynthesizable:
                continue  # no valid row lacks that parent (a CHECK or a trigger needs it)
            self.write(plan, f"insert {self.meaning.source} row with {', '.join(keys)} NULL (no {alias} parent)",
                       required=False)

    def linked(self, data: st.DataObject, agg: Aggregate, group: Mapping[str, Any],
               fixed: Mapping[str, Neutral]) -> dict[str, Any]:
        """A new row of ``agg.over`` whose FK chain reaches ``group``, intermediate rows made fresh."""
        parent: Mapping[str, Any] = group
        row: dict[str, Any] = {}
        for n, hop in enumerate(reversed(agg.via)):
            values: dict[str, Any] = {c: parent.get(rc) for c, rc in zip(hop.fk.columns, hop.fk.ref_columns,
                                                                            strict=True)}
            if any(v is None for v in values.values()):
                reject()  # the group row's key is one the engine numbers and synthesis did not write
            last = n == len(agg.via) - 1
            if last:
                reads = set(agg.where.expr.columns) if agg.where else set()
                values.update(self.overrides(data, hop.table, fixed, reads))
            plan = self.draw_plan(data, hop.table, values, f"{hop.table} row of {agg.name}")
            written = self.write(plan, f"insert {hop.table} row{' counted by ' + agg.name if last else ''}")
            assert written is not None
            parent = row = written
        return row

    # -- looking -----------------------------------------------------------------------------------
    def world(self) -> list[tuple[str, dict[str, Any]]]:
        """The rows written, as the base tables now hold them (a deleted row is gone)."""
        offset = self.clock.offset if self.clock else dt.timedelta(0)
        out, seen = [], set()
        for table, key in self.keys:
            mark = (table, repr(sorted(key.items())))
            if mark in seen:
                continue
            seen.add(mark)
            rows = self.probe.select(table, key, offset=offset)
            if rows:
                out.append((table, rows[0]))
        return out

    def expected(self) -> list[Candidate]:
        return candidates(self.meaning, self.world(), self.clock)

    def look(self, step: str) -> list[Candidate]:
        """Compare the view with the oracle for every candidate; fail with want/have rows and the SQL."""
        cands = self.expected()
        offset = self.clock.offset if self.clock else dt.timedelta(0)
        view = self.meaning.view
        for cand in cands:
            key = dict(zip(self.meaning.key, cand.key, strict=True))
            have = self.probe.select(view, key, offset=offset)
            if not cand.qualifies:
                if have:
                    raise self._fail(step, cand, f"no row of {view} with {_show(key)} (the meaning's filter is "
                                     "false for it)", f"{len(have)} row(s): {_show(have[0])}")
                continue
            if len(have) != 1:
                raise self._fail(step, cand, f"exactly one row of {view} with {_show(key)}: {_show(cand.values)}",
                                 f"{len(have)} row(s){': ' + '; '.join(_show(h) for h in have[:3]) if have else ''}")
            wrong = [c for c, want in cand.values.items() if not same(want, have[0].get(c))]
            if wrong:
                raise self._fail(step, cand, f"{view} row {_show(key)}: "
                                 + ", ".join(f"{c} = {_lit(cand.values[c])}" for c in wrong),
                                 ", ".join(f"{c} = {_lit(have[0].get(c))}" for c in wrong))
        return cands

    def _fail(self, step: str, cand: Candidate, want: str, have: str) -> AssertionError:
        clock = f" at {self.clock.local} (session clock)" if self.clock else ""
        where = f"; the meaning's filter: {self.meaning.where.text}" if self.meaning.where else ""
        return self.probe.fail(f"view {self.meaning.view} after: {'; '.join(self.steps)}{clock} [{step}]",
                               want=want, have=have, rows=f"{self.meaning.source} {_show(cand.row)}{where}")


def run_example(data: st.DataObject, probe: ProbeSession, meaning: Meaning, schema: Schema) -> None:
    """One example of the view's probe (see the module docstring); raises a ProbeFailure on a wrong answer."""
    clock = probe.freeze_clock(data.draw(instants(probe.now()), label="clock")) if meaning.reads_clock else None
    vp = ViewProbe(probe, meaning, schema, clock)
    steered = bool(meaning.appears_with) and data.draw(st.booleans(), label="steered by appears_with")
    reads = set(meaning.where.expr.columns) if meaning.where else set()
    fixed = meaning.appears_with if steered else {}
    plan = vp.draw_plan(data, meaning.source, vp.overrides(data, meaning.source, fixed, reads),
                        f"{meaning.source} row", fresh_parents=True)
    target = vp.write(plan, f"insert {meaning.source} row{' (appears_with)' if steered else ''}")
    assert target is not None
    group_key = probe.key_of(meaning.source, target)
    for agg in meaning.aggregates.values():
        for _ in range(data.draw(st.integers(0, 2), label=f"{agg.over} rows for {agg.name}")):
            vp.linked(data, agg, target, {})
    cands = vp.look("the rows as written")
    mine = _find(cands, meaning, probe, group_key)
    if mine is not None:
        vp.edges(data, mine)
        vp.without_optional_parents(data, mine)
        if len(vp.steps) > 1:
            mine = _find(vp.look("rows at the filter's edges and without optional parents"), meaning, probe,
                         group_key)
    if steered and meaning.disappears_with:
        if mine is None or not mine.qualifies:
            reject()  # other columns keep it out; the free examples cover that
        values = {c: e.value({**mine.context}) for c, e in meaning.disappears_with.items()}
        vp.update(meaning.source, target, values, f"update {meaning.source} {_show(values)} (disappears_with)")
        after = _find(vp.look("after disappears_with"), meaning, probe, group_key)
        if after is not None and after.qualifies:
            raise probe.fail(f"views.yml: {meaning.view}.disappears_with leaves the row in the view by the meaning's "
                             "own filter", want="a change after which the row does not qualify",
                             have=_show(values))
        return
    for agg in meaning.aggregates.values():
        if mine is None:
            break
        before = mine.context.get(agg.name)
        child = vp.linked(data, agg, target, agg.counts_with)
        cands = vp.look(f"after one more {agg.over} row for {agg.name}")
        mine = _find(cands, meaning, probe, group_key)
        if mine is not None and agg.counts_with:
            _expect_step(probe, agg, before, mine.context.get(agg.name), child)
        if agg.uncounts_with and mine is not None:
            values = {c: e.value({**child, **(clock.context() if clock else {})})
                      for c, e in agg.uncounts_with.items()}
            vp.update(agg.over, child, values, f"update {agg.over} {_show(values)} (uncounts_with of {agg.name})")
            mine = _find(vp.look(f"after uncounts_with of {agg.name}"), meaning, probe, group_key)


def _expect_step(probe: ProbeSession, agg: Aggregate, before: Any, after: Any, child: Mapping[str, Any]) -> None:
    """The meaning's own arithmetic: ``counts_with`` must make the new row count (else views.yml is wrong)."""
    if agg.function == "count":
        want = (before or 0) + 1
    elif agg.function == "sum" and agg.argument is not None:
        value = agg.argument.value(child)
        want = None if value is None else (before if before is not None else Decimal(0)) + value
    else:
        return
    if not same(want, after):
        raise probe.fail(f"views.yml: {agg.name}.counts_with does not make the new {agg.over} row count",
                         want=f"{agg.name} {_lit(before)} -> {_lit(want)}", have=f"{agg.name} -> {_lit(after)}")


def _find(cands: list[Candidate], meaning: Meaning, probe: ProbeSession, key: Mapping[str, Any]) -> Candidate | None:
    return next((c for c in cands if all(c.row.get(k) == v for k, v in key.items())), None)


def _lit(value: Any) -> str:
    return probe_literal(value)


def _show(row: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_lit(v)}" for k, v in row.items()) + "}"


def probe_literal(value: Any) -> str:
    if isinstance(value, dt.date | dt.time) or value is None or isinstance(value, bool | int | Decimal):
        return "NULL" if value is None else str(value)
    return repr(value) if not isinstance(value, str) else "'" + value + "'"
