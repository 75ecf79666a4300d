"""The Python evaluator of neutral CHECK expressions follows SQL semantics (fast, no database).

The constraint probes trust this evaluator as the reference against which each engine's verdict is judged,
so the expected values below are written out by hand from the SQL standard and the two engines' manuals,
never computed with the code under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbintegrity.probes.evaluate import Expr, Unsupported, compile_expr
from dbintegrity.sqltext.expr import normalize

T, F, N = True, False, None
BOOLS = (T, F, N)

# The SQL standard's three-valued truth tables, spelled out.
AND_TABLE = {
    (T, T): T, (T, F): F, (T, N): N,
    (F, T): F, (F, F): F, (F, N): F,
    (N, T): N, (N, F): F, (N, N): N,
}
OR_TABLE = {
    (T, T): T, (T, F): T, (T, N): T,
    (F, T): T, (F, F): F, (F, N): N,
    (N, T): T, (N, F): N, (N, N): N,
}
NOT_TABLE = {T: F, F: T, N: N}


def value(text: str, **row: object) -> object:
    return compile_expr(text).evaluate(row)


# ---------------------------------------------------------------------------------------------- logic


@pytest.mark.parametrize(("a", "b"), list(itertools.product(BOOLS, BOOLS)))
def test_and_truth_table(a, b):
    assert value("a AND b", a=a, b=b) is AND_TABLE[a, b]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(BOOLS, BOOLS)))
def test_or_truth_table(a, b):
    assert value("a OR b", a=a, b=b) is OR_TABLE[a, b]


@pytest.mark.parametrize("a", BOOLS)
def test_not_truth_table(a):
    assert value("NOT a", a=a) is NOT_TABLE[a]


@pytest.mark.parametrize(("a", "b", "c"), list(itertools.product(BOOLS, BOOLS, BOOLS)))
def test_and_binds_tighter_than_or(a, b, c):
    assert value("a OR b AND c", a=a, b=b, c=c) is OR_TABLE[a, AND_TABLE[b, c]]
    assert value("(a OR b) AND c", a=a, b=b, c=c) is AND_TABLE[OR_TABLE[a, b], c]


@pytest.mark.parametrize(
    ("text", "results"),
    [
        ("a IS NULL", {T: F, F: F, N: T}),
        ("a IS NOT NULL", {T: T, F: T, N: F}),
        ("NOT a IS NULL", {T: T, F: T, N: F}),
        ("a IS TRUE", {T: T, F: F, N: F}),
        ("a IS FALSE", {T: F, F: T, N: F}),
        ("NOT a IS TRUE", {T: F, F: T, N: T}),
        ("NOT a IS FALSE", {T: T, F: F, N: T}),
    ],
)
def test_is_predicates_are_never_null(text, results):
    for operand, expected in results.items():
        assert value(text, a=operand) is expected, (text, operand)


def test_mysql_integer_booleans_are_truth_values():
    assert value("a AND b", a=1, b=1) is True
    assert value("a AND b", a=1, b=0) is False
    assert value("a IS TRUE", a=5) is True


# ---------------------------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("operator", "expected"),
    [("=", (F, T, F)), ("<>", (T, F, T)), ("!=", (T, F, T)), ("<", (T, F, F)),
     ("<=", (T, T, F)), (">", (F, F, T)), (">=", (F, T, T))],
)
def test_comparisons(operator, expected):
    expr = compile_expr(f"x {operator} 5")
    assert tuple(expr.evaluate({"x": x}) for x in (4, 5, 6)) == expected
    assert expr.evaluate({"x": None}) is None
    assert compile_expr(f"5 {operator} x").evaluate({"x": None}) is None
    assert compile_expr(f"x {operator} y").evaluate({"x": 1, "y": None}) is None
    assert compile_expr(f"x {operator} NULL").evaluate({"x": 1}) is None


def test_null_is_not_equal_to_null_but_not_distinct_from_it():
    assert value("x = y", x=None, y=None) is None
    assert value("x IS NOT DISTINCT FROM y", x=None, y=None) is True
    assert value("x IS DISTINCT FROM y", x=None, y=1) is True
    assert value("x IS DISTINCT FROM y", x=1, y=1) is False


def test_numbers_compare_across_int_and_decimal():
    assert value("x = 1.0", x=1) is True
    assert value("x > 0.5", x=Decimal("0.50")) is False
    assert value("x >= 0.00", x=Decimal("-0.01")) is False


def test_text_compares_by_code_point_and_case_sensitively():
    assert value("s = 'abc'", s="abc") is True
    assert value("s = 'abc'", s="ABC") is False
    assert value("s < 'b'", s="a") is True
    assert value("s <> ''", s="") is False


def test_string_literal_takes_the_type_of_a_date_column():
    expr = compile_expr("dob >= '1900-01-01'")
    assert expr.evaluate({"dob": dt.date(1899, 12, 31)}) is False
    assert expr.evaluate({"dob": dt.date(1900, 1, 1)}) is True
    assert expr.evaluate({"dob": dt.datetime(1900, 1, 1, 0, 0)}) is True
    assert expr.evaluate({"dob": dt.datetime(1899, 12, 31, 23, 59, 59)}) is False


def test_date_columns_compare_with_each_other_and_with_timestamps():
    expr = compile_expr("end_date IS NULL OR end_date >= start_date")
    assert expr.evaluate({"start_date": dt.date(2024, 1, 2), "end_date": dt.date(2024, 1, 1)}) is False
    assert expr.evaluate({"start_date": dt.date(2024, 1, 2), "end_date": None}) is True
    assert value("a > b", a=dt.datetime(2024, 1, 1, 0, 0, 1), b=dt.date(2024, 1, 1)) is True


def test_string_literal_takes_the_type_of_numeric_and_time_columns():
    assert value("x >= '-1'", x=-1) is True  # PostgreSQL prints CHECK (x >= -1) as x >= '-1'::integer
    assert value("x >= '-1'", x=-2) is False
    assert value("x < '1.5'", x=Decimal("1.49")) is True
    assert value("t >= '08:00:00'", t=dt.time(7, 59)) is False
    assert value("t >= '08:00:00'", t=dt.timedelta(hours=8)) is True  # PyMySQL returns TIME as timedelta


def test_mismatched_or_ambiguous_types_are_unsupported():
    with pytest.raises(Unsupported, match="number"):
        value("x = 'abc'", x=1)
    with pytest.raises(Unsupported, match="time zone"):
        value("ts >= '2024-01-01 00:00:00'", ts=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(Unsupported):
        value("d = 1", d=dt.date(2024, 1, 1))


# ---------------------------------------------------------------------------------------------- IN, BETWEEN, LIKE


@pytest.mark.parametrize(
    ("x", "in_result", "not_in_result"),
    [(1, T, F), (2, N, N), (None, N, N)],
)
def test_in_list_with_null_member(x, in_result, not_in_result):
    assert value("x IN (1, NULL)", x=x) is in_result
    assert value("x NOT IN (1, NULL)", x=x) is not_in_result
    assert value("NOT x IN (1, NULL)", x=x) is not_in_result


def test_in_list_without_null_member():
    assert value("status IN ('a', 'b')", status="b") is True
    assert value("status IN ('a', 'b')", status="c") is False
    assert value("NOT status IN ('a', 'b')", status="c") is True
    assert value("status IN ('a', 'b')", status=None) is None


@pytest.mark.parametrize(
    ("x", "between", "not_between"),
    [(0, F, T), (1, T, F), (5, T, F), (10, T, F), (11, F, T), (None, N, N)],
)
def test_between(x, between, not_between):
    assert value("x BETWEEN 1 AND 10", x=x) is between
    assert value("x NOT BETWEEN 1 AND 10", x=x) is not_between


def test_between_with_null_bound_is_false_only_when_the_known_bound_fails():
    assert value("x BETWEEN 1 AND y", x=0, y=None) is False
    assert value("x BETWEEN 1 AND y", x=5, y=None) is None


def test_between_symmetric_accepts_reversed_bounds():
    assert value("x BETWEEN SYMMETRIC 10 AND 1", x=5) is True
    assert value("x BETWEEN 10 AND 1", x=5) is False


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("'%@%'", "a@b", T), ("'%@%'", "ab", F), ("'a_c'", "abc", T), ("'a_c'", "abbc", F),
        ("'a%'", "A", F), ("'100\\%'", "100%", T), ("'100\\%'", "1000", F), ("'a.c'", "abc", F),
        ("'%'", "", T), ("'_'", "", F), ("'%'", None, N), ("NULL", "x", N),
    ],
)
def test_like_is_case_sensitive_with_percent_and_underscore(pattern, text, expected):
    assert value(f"s LIKE {pattern}", s=text) is expected
    assert value(f"s NOT LIKE {pattern}", s=text) is NOT_TABLE[expected]


def test_like_with_explicit_escape_and_ilike():
    assert value("s LIKE 'a!_' ESCAPE '!'", s="a_") is True
    assert value("s LIKE 'a!_' ESCAPE '!'", s="ab") is False
    assert value("s ILIKE 'AB%'", s="abc") is True


# ---------------------------------------------------------------------------------------------- arithmetic


def test_decimal_subtraction_is_exact():
    result = value("amount_charged - amount_paid", amount_charged=Decimal("100.00"), amount_paid=Decimal("30.50"))
    assert result == Decimal("69.50")
    assert isinstance(result, Decimal)
    assert str(result) == "69.50"


@pytest.mark.parametrize(("a", "b"), [(None, Decimal("1.00")), (Decimal("1.00"), None), (None, None)])
def test_arithmetic_propagates_null(a, b):
    for operator in "+-*/%":
        assert value(f"a {operator} b", a=a, b=b) is None


def test_arithmetic_beyond_python_default_precision_is_exact():
    big = Decimal("12345678901234567890.123456789")
    assert value("a * 3 + b", a=big, b=Decimal("0.000000001")) == Decimal("37037036703703703670.370370368")


def test_integer_arithmetic_stays_integral():
    assert value("a + b * 2 - 1", a=3, b=4) == 10
    assert value("-a", a=3) == -3
    assert value("a * b", a=2, b=Decimal("1.5")) == Decimal("3.0")


def test_modulo_takes_the_dividends_sign_like_both_engines():
    assert value("x % 3", x=-7) == -1
    assert value("x % 3", x=7) == 1
    assert value("x % 3 = 0", x=Decimal("-7.5")) is False
    assert value("x % 3", x=Decimal("-7.5")) == Decimal("-1.5")


def test_integer_division_is_unsupported_because_the_engines_differ():
    with pytest.raises(Unsupported, match="two integers"):
        value("a / b", a=7, b=2)


def test_division_by_zero_is_unsupported_because_the_engines_differ():
    with pytest.raises(Unsupported, match="division by zero"):
        value("a / b", a=Decimal("7.0"), b=0)
    with pytest.raises(Unsupported, match="modulo by zero"):
        value("a % b", a=7, b=0)


def test_decimal_division_only_when_neither_engine_rounds():
    assert value("a / 2", a=Decimal("10.01")) == Decimal("5.005")
    assert value("a / 2.5", a=5) == Decimal("2")
    with pytest.raises(Unsupported, match="rounded differently"):
        value("a / 3", a=Decimal("10.00"))
    with pytest.raises(Unsupported, match="rounded differently"):
        value("a / 1024", a=Decimal("1.0"))  # MySQL keeps 5 decimals: 0.00098


def test_numeric_literals_are_exact():
    half = value("0.5")
    assert half == Decimal("0.5")
    assert isinstance(half, Decimal)
    assert value("0.1 + 0.2 = 0.3") is True
    assert value("1.5e2") == 150
    assert isinstance(value("42"), int)


# ---------------------------------------------------------------------------------------------- functions


def test_coalesce_and_nullif():
    assert value("COALESCE(a, b, 0)", a=None, b=None) == 0
    assert value("COALESCE(a, b, 0)", a=None, b=2) == 2
    assert value("NULLIF(a, 0)", a=0) is None
    assert value("NULLIF(a, 0)", a=3) == 3


def test_text_functions():
    assert value("LENGTH(s)", s="héllo") == 5  # characters, not bytes
    assert value("LENGTH(TRIM(name)) > 0", name="   ") is False
    assert value("TRIM(s)", s="\t a \t") == "\t a \t"  # only spaces are trimmed by default
    assert value("LTRIM(s)", s="  a  ") == "a  "
    assert value("RTRIM(s)", s="  a  ") == "  a"
    assert value("TRIM(BOTH 'x' FROM s)", s="xxaxx") == "a"
    assert value("LOWER(s)", s="ABC") == "abc"
    assert value("UPPER(code) = code", code="AB1") is True
    assert value("UPPER(s)", s="straße") == "STRAßE"
    assert value("LENGTH(s)", s=None) is None
    assert value("a || '-' || b", a="x", b=None) is None
    assert value("a || '-' || b", a="x", b=1) == "x-1"


def test_abs_and_round_half_away_from_zero():
    assert value("ABS(x)", x=Decimal("-2.50")) == Decimal("2.50")
    assert value("ROUND(x)", x=Decimal("2.5")) == 3
    assert value("ROUND(x)", x=Decimal("-2.5")) == -3
    assert value("ROUND(x, 1)", x=Decimal("2.25")) == Decimal("2.3")
    assert value("ROUND(x, 1)", x=Decimal("-2.25")) == Decimal("-2.3")
    assert value("ROUND(x, -2)", x=1250) == 1300
    assert value("ROUND(x, 2) = x", x=Decimal("1.005")) is False
    with pytest.raises(Unsupported, match="float"):
        value("ROUND(x)", x=2.5)


def test_case_expressions():
    searched = compile_expr("CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN 'none' ELSE 'small' END")
    assert [searched.evaluate({"a": a}) for a in (2, None, 0)] == ["big", "none", "small"]
    simple = compile_expr("CASE a WHEN 1 THEN 'one' END")
    assert [simple.evaluate({"a": a}) for a in (1, 2, None)] == ["one", None, None]


def test_casts_of_literals():
    assert value("CAST('2020-01-01' AS DATE) = d", d=dt.date(2020, 1, 1)) is True
    assert value("CAST('1.005' AS NUMERIC(5, 2))") == Decimal("1.01")
    assert value("CAST(2.5 AS INT)") == 3
    assert value("CAST(12 AS TEXT)") == "12"
    assert value("CAST(x + 1 AS VARCHAR(2))", x=1234) == "12"
    with pytest.raises(Unsupported, match="out of range"):
        value("CAST(x AS NUMERIC(3, 2))", x=Decimal("10.00"))


# ---------------------------------------------------------------------------------------------- CHECK semantics


def test_check_passes_unless_false():
    expr = compile_expr("pain_scale >= 0 AND pain_scale <= 10")
    assert expr.check_passes({"pain_scale": 5}) is True
    assert expr.check_passes({"pain_scale": 11}) is False
    assert expr.check_passes({"pain_scale": None}) is True
    assert expr.check_passes({}) is True  # an omitted column is NULL


def test_row_lookup_is_case_insensitive():
    assert compile_expr("pain_scale <= 10").check_passes({"PAIN_SCALE": 11}) is False


def test_columns_are_listed_once_in_first_appearance_order():
    assert compile_expr("b + a > c AND a > 0").columns == ("b", "a", "c")
    assert compile_expr("1 = 1").columns == ()


def test_expr_is_a_value():
    expr = compile_expr("x > 0")
    assert isinstance(expr, Expr)
    assert expr == compile_expr("x > 0")
    assert expr.text == "x > 0"


# ---------------------------------------------------------------------------------------------- unsupported


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("created_at <= NOW()", "non-deterministic"),
        ("d <= CURRENT_DATE", "non-deterministic"),
        ("frobnicate(x) > 0", "function frobnicate is not evaluated in Python"),
        ("GREATEST(a, b) > 0", "greatest"),
        ("s ~ '^\\d+'", "backslash class"),
        ("s ~ '[[:digit:]]'", "POSIX class"),
        ("s ~ '(?i)a'", "lazy quantifiers"),
        ("s ~ p", "not a literal"),
        ("d <= c + INTERVAL '1 MONTH'", "interval"),
        ("x IN (SELECT 1)", "sub-query"),
        ("j -> 'a' IS NULL", "json"),
        ("CAST(x + 1 AS REAL) > 0", "cast to REAL"),
    ],
)
def test_unsupported_constructs_are_refused_at_compile_time(text, reason):
    with pytest.raises(Unsupported, match=reason):
        compile_expr(text)


def test_unparsable_text_is_unsupported():
    with pytest.raises(Unsupported, match="cannot parse"):
        compile_expr("x >= (")


# ---------------------------------------------------------------------------------------------- boundaries


def test_boundaries_of_a_range():
    assert compile_expr("pain_scale >= 0 AND pain_scale <= 10").boundaries() == {"pain_scale": [-1, 0, 1, 9, 10, 11]}


def test_boundaries_of_between_and_reversed_comparison():
    assert compile_expr("x BETWEEN 1 AND 3").boundaries() == {"x": [0, 1, 2, 3, 4]}
    assert compile_expr("5 < x").boundaries() == {"x": [4, 5, 6]}
    assert compile_expr("x >= (-1)").boundaries() == {"x": [-2, -1, 0]}


def test_boundaries_of_decimals_step_by_the_constants_scale():
    assert compile_expr("amount >= 0.00").boundaries() == {
        "amount": [Decimal("-0.01"), Decimal("0.00"), Decimal("0.01")]}
    assert compile_expr("rate < 1.5").boundaries() == {"rate": [Decimal("1.4"), Decimal("1.5"), Decimal("1.6")]}


def test_boundaries_of_in_lists_add_one_outsider():
    assert compile_expr("status IN ('a', 'b')").boundaries() == {"status": ["a", "b", "z"]}
    assert compile_expr("flag IN (0, 1)").boundaries() == {"flag": [0, 1, 2]}
    assert compile_expr("NOT code IN (3, 1, NULL)").boundaries() == {"code": [1, 3, 4]}


def test_boundaries_of_dates():
    assert compile_expr("dob >= '1900-01-01'").boundaries() == {
        "dob": [dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 1, 2)]}


def test_columns_not_compared_with_constants_have_no_boundaries():
    expr = compile_expr("end_date >= start_date AND LENGTH(name) > 0 AND qty > 0")
    assert expr.boundaries() == {"qty": [-1, 0, 1]}


# ---------------------------------------------------------------------------------------------- round trip


def test_round_trip_with_normalize_from_both_engines():
    mysql = compile_expr(normalize("(`pain_scale` between 0 and 10)", "mysql"))
    postgres = compile_expr(normalize("((pain_scale >= 0) AND (pain_scale <= 10))", "postgres"))
    assert mysql == postgres
    assert mysql.boundaries() == postgres.boundaries() == {"pain_scale": [-1, 0, 1, 9, 10, 11]}
    for probe in (-1, 0, 10, 11, None):
        assert mysql.check_passes({"pain_scale": probe}) == postgres.check_passes({"pain_scale": probe})


def test_round_trip_of_engine_specific_spellings():
    mysql = compile_expr(normalize("(`status` in (_utf8mb4'a',_utf8mb4'b'))", "mysql"))
    postgres = compile_expr(normalize(
        "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))", "postgres"))
    assert mysql.text == postgres.text
    assert [postgres.evaluate({"status": s}) for s in ("a", "c", None)] == [True, False, None]
    negative = compile_expr(normalize("(temperature >= '-50'::integer)", "postgres"))
    assert negative.check_passes({"temperature": -51}) is False
    assert negative.boundaries() == {"temperature": [-51, -50, -49]}


# ---------------------------------------------------------------------------------------------- properties


RANGE = compile_expr("x >= 0 AND x <= 10")
DIFFERENCE = compile_expr("a - b")
DECIMALS = st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False)


@given(st.none() | st.integers(min_value=-(2**63), max_value=2**63))
def test_range_check_matches_python(v):
    assert RANGE.check_passes({"x": v}) == (v is None or 0 <= v <= 10)


@given(st.none() | DECIMALS, st.none() | DECIMALS)
def test_decimal_subtraction_matches_python_decimal(a, b):
    result = DIFFERENCE.evaluate({"a": a, "b": b})
    if a is None or b is None:
        assert result is None
        return
    with localcontext(prec=100):
        expected = a - b
    assert result == expected
    assert isinstance(result, Decimal)
    assert result.as_tuple().exponent == min(a.as_tuple().exponent, b.as_tuple().exponent)


def test_floating_point_division_of_a_cast_to_double():
    """BMI = CAST(weight AS DOUBLE) / NULLIF(height², 0): a double divided by a decimal is a double in both engines;
    a zero divisor gives NULL (MySQL's /), and NULL inputs give NULL."""
    bmi = "CAST(weight_kg * 10000 AS DOUBLE PRECISION) / NULLIF(height_cm * height_cm, 0)"
    got = value(bmi, weight_kg=Decimal("70.0"), height_cm=Decimal("175.0"))
    assert isinstance(got, float) and abs(got - 22.857142857142858) < 1e-12
    assert value(bmi, weight_kg=Decimal("70.0"), height_cm=Decimal("0.0")) is None
    assert value(bmi, weight_kg=None, height_cm=Decimal("175.0")) is None
    with pytest.raises(Unsupported, match="cast to DOUBLE PRECISION"):
        value("CAST(d AS DOUBLE PRECISION) > 0", d=dt.date(2024, 1, 1))
