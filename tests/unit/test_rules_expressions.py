"""Regular expressions, intervals and row-relative edges: what the business-rule CHECKs of a pack need from
the evaluator, the normaliser and the synthesiser, proven without a database."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbintegrity.pack.model import Check, Column, ForeignKey, Index, Schema, Table
from dbintegrity.probes.evaluate import Unsupported, compile_expr
from dbintegrity.probes.synthesis import PlanBuilder, Retry, as_stored, unique_value
from dbintegrity.sqltext import regex as sqlregex
from dbintegrity.sqltext.expr import normalize

DOSAGE = "^([1-9][0-9]{0,4}([.][0-9]{1,3})?|0[.][0-9]{0,2}[1-9]) (mg|mcg|units)$"


@pytest.mark.parametrize(("text", "dialect", "want"), [
    ("regexp_like(`d`,_utf8mb4'^a$',_utf8mb4'c')", "mysql", "d ~ '^a$'"),
    ("regexp_like(`d`,_utf8mb4'^a$')", "mysql", "d ~* '^a$'"),  # MySQL's default collation ignores case
    ("regexp_like(`d`,'^a$','i')", "mysql", "d ~* '^a$'"),
    ("(d ~ '^a$'::text)", "postgres", "d ~ '^a$'"),
    ("(`e` <= (`c` + interval 1 day))", "mysql", "e <= c + INTERVAL '1 DAY'"),
    ("(e <= (c + '1 day'::interval))", "postgres", "e <= c + INTERVAL '1 DAY'"),
    ("(e <= (c + '24:00:00'::interval))", "postgres", "e <= c + INTERVAL '24 HOUR'"),
])
def test_engine_spellings_normalise_alike(text, dialect, want):
    assert normalize(text, dialect) == want


@pytest.mark.parametrize(("value", "want"), [
    ("10 mg", True), ("0.4 mg", True), ("0.125 mcg", True), ("20 units", True), ("99999.999 mg", True),
    ("10mg", False), ("10 MG", False), ("10 mg ", False), (" 10 mg", False), ("0 mg", False), ("05 mg", False),
    ("0.000 mg", False), ("100000 mg", False), ("", False), (None, None),
])
def test_regex_check_is_evaluated_as_the_engines_do(value, want):
    assert compile_expr(f"dosage ~ '{DOSAGE}'").evaluate({"dosage": value}) is want


def test_case_insensitive_regex_and_line_breaks():
    assert compile_expr("d ~* '^abc$'").evaluate({"d": "ABC"}) is True
    assert compile_expr("d ~ '^abc$'").evaluate({"d": "ABC"}) is False
    with pytest.raises(Unsupported, match="line break"):
        compile_expr("d ~ '^abc$'").evaluate({"d": "abc\n"})


def test_regex_boundaries_hold_matches_and_near_misses():
    expr = compile_expr(f"dosage ~ '{DOSAGE}'")
    values = expr.boundaries()["dosage"]
    hits = [v for v in values if expr.evaluate({"dosage": v})]
    assert {v.split(" ")[1] for v in hits} == {"mg", "mcg", "units"}, "every alternative is visited"
    assert any(v + "x" in values for v in hits) and any("x" + v in values for v in hits)
    assert len(hits) < len(values) and set(expr.examples("dosage")) == set(hits)


@given(st.sampled_from(sqlregex.examples(DOSAGE)))
def test_examples_agree_with_python_fullmatch(value):
    assert sqlregex.matches(DOSAGE, value) == (sqlregex.compile_pattern(DOSAGE).fullmatch(value) is not None)


def test_interval_arithmetic_and_relative_edges():
    expr = compile_expr("e > c AND e <= c + INTERVAL '1 DAY'")
    c = dt.datetime(2030, 1, 1, 10)
    assert expr.evaluate({"c": c, "e": c + dt.timedelta(hours=24)}) is True
    assert expr.evaluate({"c": c, "e": c + dt.timedelta(hours=24, seconds=1)}) is False
    assert expr.evaluate({"c": dt.date(2030, 1, 1), "e": dt.datetime(2030, 1, 1, 12)}) is True
    edges = expr.relative_boundaries("e", {"c": c})
    assert c + dt.timedelta(seconds=1) in edges and c + dt.timedelta(days=1) in edges
    assert expr.relative_boundaries("e", {"c": None}) == []


def test_column_comparisons_have_edges_from_the_other_column():
    expr = compile_expr("s > d")
    assert expr.boundaries() == {}
    assert expr.relative_boundaries("d", {"s": 120}) == [119, 120, 121]


def _sessions() -> Schema:
    table = Table("sessions", {"id": Column("id", "integer", False), "c": Column("c", "timestamp", False),
                               "e": Column("e", "timestamp", False), "dose": Column("dose", "varchar(20)", False)},
                  primary_key=("id",),
                  checks=[Check("e > c AND e <= c + INTERVAL '1 DAY'"), Check(f"dose ~ '{DOSAGE}'")])
    return Schema({"sessions": table})


def _no_draw(strategy):
    raise AssertionError("a Random-driven builder drew from Hypothesis")


@pytest.mark.parametrize("seed", range(20))
def test_builder_meets_windows_and_grammars_that_random_values_miss(seed):
    """Random timestamps land in a one-day window once in about 24,000 draws, random text never matches a
    grammar: the builder takes the window's edges and the grammar's examples instead."""
    schema = _sessions()
    try:
        row = PlanBuilder(schema, _no_draw, rng=random.Random(seed)).row("sessions")
    except Retry:
        pytest.fail("no row could be built")
    assert all(compile_expr(c.expression).check_passes(row) for c in schema.tables["sessions"].checks), row
    assert isinstance(row["dose"], str) and Decimal(row["dose"].split(" ")[0]) > 0


def test_builder_meets_a_check_over_a_clock_default_across_the_write_window():
    """``created_at`` left to DEFAULT CURRENT_TIMESTAMP: the row must pass whenever in the window it is written."""
    schema = _sessions()
    table = schema.tables["sessions"]
    table.columns["c"] = Column("c", "timestamp", False, default="CURRENT_TIMESTAMP")
    early = dt.datetime(2030, 5, 1, 12)
    late = early + dt.timedelta(minutes=10)
    builder = PlanBuilder(schema, _no_draw, rng=random.Random(3))
    builder.clocks = (early, late)
    row = builder.row("sessions", omit=frozenset({"c"}))
    assert "c" not in row
    window = compile_expr("e > c AND e <= c + INTERVAL '1 DAY'")
    assert all(window.check_passes({**row, "c": clock}) for clock in (early, late, early + dt.timedelta(minutes=5)))
    with pytest.raises(Unsupported, match="CHECK reads c"):
        as_stored(table, row)  # without a clock the default is not evaluated: a probe would skip, saying so


# -- keys of few values ------------------------------------------------------------------------------------

def _short_keys() -> Schema:
    """Open Hospital's shape: CHAR(1) and CHAR(2) primary keys, and a table with several keys into each."""
    code = {"code": Column("code", "char(1)", False)}
    kind = {"kind": Column("kind", "char(2)", False)}
    child = Table("admission", {"id": Column("id", "integer", False),
                                **{f"k{i}": Column(f"k{i}", "char(2)", False) for i in range(4)},
                                **{f"c{i}": Column(f"c{i}", "char(1)", False) for i in range(3)}},
                  primary_key=("id",),
                  foreign_keys=[*(ForeignKey((f"k{i}",), "kind", ("kind",)) for i in range(4)),
                                *(ForeignKey((f"c{i}",), "code", ("code",)) for i in range(3))])
    return Schema({"code": Table("code", code, primary_key=("code",)),
                   "kind": Table("kind", kind, primary_key=("kind",)), "admission": child})


def test_short_keys_never_repeat_within_a_plan_however_long_the_run():
    """A run draws thousands of key values; a CHAR(2) key's values must not repeat while the run goes on
    (they once did: the counter's leading digits were kept, so 16 values in a row came out alike)."""
    schema = _short_keys()
    for seed in range(300):
        builder = PlanBuilder(schema, _no_draw, rng=random.Random(seed))
        builder.row("admission")
        plan = builder.plan
        for table, column in (("kind", "kind"), ("code", "code")):
            keys = [ins.row[column].lower() for ins in plan.inserts if ins.table == table]
            assert len(keys) == len(set(keys)), f"plan {seed}: {table} keys repeat: {keys}"
            assert all(len(k) <= (2 if table == "kind" else 1) for k in keys), keys


def test_short_key_values_cycle_through_every_value():
    col = Column("kind", "char(2)", False)
    values = [unique_value(col) for _ in range(36 * 36)]
    assert len({v.lower() for v in values}) == 36 * 36


def test_a_defaults_parent_is_marked_as_needed_only_to_exist():
    """``usr_id DEFAULT 'admin' REFERENCES usr``: the schema's own data may hold 'admin' already, so the
    probe inserts that parent only if it is not there (Open Hospital preloads it)."""
    schema = Schema({
        "usr": Table("usr", {"id": Column("id", "varchar(20)", False)}, primary_key=("id",)),
        "bill": Table("bill", {"id": Column("id", "integer", False),
                               "usr_id": Column("usr_id", "varchar(20)", False, default="'admin'")},
                      primary_key=("id",), foreign_keys=[ForeignKey(("usr_id",), "usr", ("id",))]),
    })
    builder = PlanBuilder(schema, _no_draw, rng=random.Random(1))
    builder.row("bill", omit=frozenset({"usr_id"}))
    parent = next(ins for ins in builder.plan.inserts if ins.table == "usr")
    assert parent.row["id"] == "admin" and parent.exists_key == {"id": "admin"}


def _doctors_and_visits() -> Schema:
    """hospital_oltp's shape: a UNIQUE key under a grammar (NPI) and a table with three keys into it."""
    doctors = Table("doctors", {"id": Column("id", "integer", False), "npi": Column("npi", "varchar(10)", False)},
                    primary_key=("id",), indexes=[Index(("npi",), unique=True)], checks=[Check("npi ~ '^[12][0-9]{9}$'")])
    visits = Table("visits", {"id": Column("id", "integer", False),
                              **{f"d{i}": Column(f"d{i}", "integer", False) for i in range(3)}},
                   primary_key=("id",), foreign_keys=[ForeignKey((f"d{i}",), "doctors", ("id",)) for i in range(3)])
    return Schema({"doctors": doctors, "visits": visits})


@pytest.mark.parametrize("seed", range(30))
def test_a_unique_key_under_a_grammar_never_repeats_within_a_plan(seed):
    """Random text never matches ``^[12][0-9]{9}$`` and the pattern has two edge examples; three doctors in one
    plan need three NPIs (they once all got '2999999999', and the engine refused the second)."""
    builder = PlanBuilder(_doctors_and_visits(), _no_draw, rng=random.Random(seed))
    try:
        builder.row("visits")
    except Retry:
        pytest.fail("no plan could be built")
    npis = [ins.row["npi"] for ins in builder.plan.inserts if ins.table == "doctors"]
    assert len(npis) == 3 and len(set(npis)) == 3, npis
    assert all(sqlregex.compile_pattern("^[12][0-9]{9}$").search(n) for n in npis), npis
