"""The rows a probe builds on go to the server in one round trip, on every engine, and a refused row among
them is found exactly as a row-by-row run would find it.

The engines differ underneath: PostgreSQL aborts the transaction at the refused statement and skips the rest of
the batch; MySQL and MariaDB keep the batch's earlier rows and PyMySQL raises the refusal only while reading
the batch's later results.  Either way the batch must leave nothing behind before the rows are written again one
at a time: a row of the batch left in place would make the replay's copy of it a duplicate, and the failure
would name the wrong row and the wrong reason.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from dbintegrity.pack.model import Schema
from dbintegrity.probes.session import ProbeSession
from dbintegrity.probes.synthesis import Plan, PlanBuilder

pytestmark = pytest.mark.selftest
HM = pytest.mark.parametrize("pack", ["healthcare_mgmt"])
TABLE = "vitals"
"""A table whose rows need a chain of parents (patients, doctors, departments...)."""


def _plan(schema: Schema, seed: int) -> Plan:
    """A valid vitals row and its parents, from a seeded Random alone (no Hypothesis)."""
    builder = PlanBuilder(schema, lambda strategy: None, random.Random(seed))
    builder.row(TABLE)
    return builder.plan


def _not_null_column(schema: Schema, table: str, row: dict[str, Any]) -> str:
    """A column of ``row`` that must not be NULL and is no key of a parent."""
    spec = schema.tables[table]
    keys = {c for fk in spec.foreign_keys for c in fk.columns} | set(spec.primary_key)
    return next(c for c in row if not spec.columns[c].nullable and c not in keys)


@HM
def test_a_plans_rows_go_in_one_round_trip(engine, pack, dbi_probe: ProbeSession):
    plan = _plan(dbi_probe.schema, 1)
    assert len(plan.inserts) >= 3, plan
    with dbi_probe.example():
        before = dbi_probe.statements
        at, out = dbi_probe.apply(plan)
        assert (at, out.ok) == (len(plan.inserts), True), out
        assert dbi_probe.statements - before == 1
        assert len([line for line in dbi_probe.log if line.startswith("INSERT")]) == len(plan.inserts)
        for ins in plan.inserts:
            assert dbi_probe.fetch(ins.table, dbi_probe.key_of(ins.table, ins.row)) is not None, ins


@HM
def test_a_refused_row_in_a_batch_is_named_as_row_by_row(engine, pack, dbi_probe: ProbeSession):
    plan = _plan(dbi_probe.schema, 2)
    broken = plan.inserts[1]
    broken.row[_not_null_column(dbi_probe.schema, broken.table, broken.row)] = None
    with dbi_probe.example():
        at, out = dbi_probe.apply(plan)
        assert (at, out.ok, out.kind) == (1, False, "not_null"), out  # not a duplicate of the batch's first row
        inserts = [line for line in dbi_probe.log if line.startswith("INSERT")]
        assert len(inserts) == 2, dbi_probe.log  # the rolled-back batch is not in the reproduction
        first = plan.inserts[0]
        assert dbi_probe.fetch(first.table, dbi_probe.key_of(first.table, first.row)) is not None
        last = plan.inserts[-1]
        assert dbi_probe.fetch(last.table, dbi_probe.key_of(last.table, last.row)) is None
