"""Rows of a NOT NULL foreign-key cycle (OMOP's concept -> concept_class -> concept) are planned to be written
together, in one statement, and only on an engine that checks keys when the statement ends.

The shapes that matter: the cycle closes among rows made only for it, never onto the target row (probes write
it on their own) nor onto its parents (the rows the FK probes delete and re-key, which a NO ACTION key of the
cycle would otherwise hold); the rows of one cycle are consecutive; and an engine without
``writable_cte_inserts`` skips, saying why, before writing anything.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from dbintegrity.engines import get_engine
from dbintegrity.pack.model import Column, ForeignKey, Schema, Table
from dbintegrity.probes.session import ProbeSession, statements_of
from dbintegrity.probes.synthesis import Insert, Plan, PlanBuilder, Together, Unsynthesizable


def _cycle() -> Schema:
    schema = Schema()
    concept = Table("concept", primary_key=("concept_id",))
    concept.columns = {"concept_id": Column("concept_id", "integer", False),
                       "concept_class_id": Column("concept_class_id", "varchar(20)", False)}
    concept.foreign_keys = [ForeignKey(("concept_class_id",), "concept_class", ("concept_class_id",))]
    klass = Table("concept_class", primary_key=("concept_class_id",))
    klass.columns = {"concept_class_id": Column("concept_class_id", "varchar(20)", False),
                     "concept_class_concept_id": Column("concept_class_concept_id", "integer", False)}
    klass.foreign_keys = [ForeignKey(("concept_class_concept_id",), "concept", ("concept_id",))]
    person = Table("person", primary_key=("person_id",))
    person.columns = {"person_id": Column("person_id", "integer", False),
                      "gender_concept_id": Column("gender_concept_id", "integer", False)}
    person.foreign_keys = [ForeignKey(("gender_concept_id",), "concept", ("concept_id",))]
    schema.tables = {t.name: t for t in (concept, klass, person)}
    schema.cycles_writable = True
    return schema


def _plan(table: str, seed: int, schema: Schema | None = None) -> Plan:
    builder = PlanBuilder(schema or _cycle(), lambda _strategy: None, random.Random(seed))
    builder.row(table, fresh_parents=True)
    return builder.plan


def _references(plan: Plan, ins: Insert) -> list[Insert]:
    """The rows of ``plan`` whose foreign keys point at ``ins``."""
    schema = _cycle()
    return [other for other in plan.inserts for fk in schema.tables[other.table].foreign_keys
            if fk.ref_table == ins.table and [other.row[c] for c in fk.columns] == [ins.row[rc] for rc in fk.ref_columns]]


@pytest.mark.parametrize("table", ["concept", "concept_class", "person"])
@pytest.mark.parametrize("seed", range(5))
def test_a_cycle_closes_among_rows_made_for_it(table: str, seed: int) -> None:
    plan = _plan(table, seed)
    assert plan.target.table == table and plan.target.together is None  # the target goes in on its own
    schema = _cycle()
    rows = {(ins.table, tuple(ins.row.values())) for ins in plan.inserts}
    for ins in plan.inserts:  # every key points at a row of the plan: the world is complete
        for fk in schema.tables[ins.table].foreign_keys:
            want = tuple(ins.row[c] for c in fk.columns)
            assert any(p.table == fk.ref_table and tuple(p.row[rc] for rc in fk.ref_columns) == want
                       for p in plan.inserts), (ins, fk, rows)
    parents = [p for p in plan.inserts if plan.target in _references(plan, p) or p is plan.target]
    for parent in parents:  # only the target (or, for the target itself, nothing else) holds them
        assert [r for r in _references(plan, parent) if r is not plan.target] == [], (parent, plan.inserts)
    groups = [ins.together for ins in plan.inserts if ins.together is not None]
    assert groups, plan.inserts  # every table of this schema needs the cycle
    batches = list(statements_of(plan.inserts))
    assert sum(len(b) for b in batches) == len(plan.inserts)
    for batch in batches:  # one statement per cycle, its rows consecutive
        assert len({ins.together for ins in batch}) == 1
        assert (len(batch) > 1) == (batch[0].together is not None)
    assert "is a NOT NULL foreign key in a cycle (" in groups[0].cycle


def test_where_the_rows_cannot_go_together_synthesis_refuses_them_as_before() -> None:
    """Callers fall back on Unsynthesizable (a nullable key left NULL, a descendant left out): a plan that only
    fails when written would skip the whole probe instead."""
    schema = dataclasses.replace(_cycle(), cycles_writable=False)
    with pytest.raises(Unsynthesizable, match=r"concept_class\.concept_class_concept_id is a NOT NULL foreign key in a "
                       r"cycle \(concept -> concept_class -> concept\): none of the cycle's rows can go first"):
        _plan("person", 0, schema)


class _Cursor:
    def __init__(self, sent: list[str]) -> None:
        self.sent = sent

    def __enter__(self) -> _Cursor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, sql: str, params: Any = None) -> None:
        self.sent.append(sql)

    def nextset(self) -> None:
        return None

    def close(self) -> None:
        return None


class _Connection:
    """Takes every statement and answers nothing: what a session sends is all these tests look at."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def cursor(self) -> _Cursor:
        return _Cursor(self.sent)

    def execute(self, sql: str, params: Any = None) -> None:
        self.sent.append(sql)


def _together() -> list[Insert]:
    mark = Together(1, "concept_class.concept_class_concept_id is a NOT NULL foreign key in a cycle "
                       "(concept_class -> concept -> concept_class)")
    return [Insert("concept", {"concept_id": 1, "concept_class_id": "k"}, together=mark),
            Insert("concept_class", {"concept_class_id": "k", "concept_class_concept_id": 1}, together=mark)]


def test_the_cycles_rows_are_one_statement_where_keys_are_checked_when_it_ends() -> None:
    conn = _Connection()
    session = ProbeSession(get_engine("postgres"), conn, _cycle())
    conn.sent.clear()
    assert session.put_together(_together()).ok
    sql = [s[s.index("WITH dbi_row0"):] for s in conn.sent if "WITH dbi_row0" in s]  # after its savepoint
    assert sql == ['WITH dbi_row0 AS (INSERT INTO "concept" ("concept_id", "concept_class_id") VALUES (%s, %s)) '
                   'INSERT INTO "concept_class" ("concept_class_id", "concept_class_concept_id") VALUES (%s, %s)'], sql


def test_an_engine_that_checks_each_row_skips_the_cycle_before_writing() -> None:
    conn = _Connection()
    session = ProbeSession(get_engine("mysql"), conn, _cycle())
    conn.sent.clear()
    with pytest.raises(pytest.skip.Exception, match=r"cannot probe: concept_class\.concept_class_concept_id is a NOT "
                       r"NULL foreign key in a cycle \(concept_class -> concept -> concept_class\): its rows can only "
                       r"be written together, in one statement, and mysql checks each row's keys as it is written"):
        session.put_together(_together())
    assert not any("INSERT" in s for s in conn.sent), conn.sent
