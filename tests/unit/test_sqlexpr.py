"""sqlexpr.normalize: one neutral spelling for what MySQL and PostgreSQL print for the same rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbintegrity.sqltext.expr import normalize


def test_mysql_between_equals_postgres_range():
    mysql = normalize("(`pain_scale` between 0 and 10)", "mysql")
    postgres = normalize("((pain_scale >= 0) AND (pain_scale <= 10))", "postgres")
    assert mysql == postgres == "pain_scale >= 0 AND pain_scale <= 10"


def test_contract_spelling_equals_engine_spellings():
    assert normalize("pain_scale BETWEEN 0 AND 10", "neutral") == "pain_scale >= 0 AND pain_scale <= 10"


def test_postgres_any_array_equals_mysql_in_with_introducers():
    mysql = normalize("(`status` in (_utf8mb4'active',_utf8mb4'inactive'))", "mysql")
    postgres = normalize(
        "((status)::text = ANY ((ARRAY['active'::character varying, 'inactive'::character varying])::text[]))",
        "postgres")
    assert mysql == postgres == "status IN ('active', 'inactive')"


def test_postgres_any_array_without_casts():
    assert normalize("(kind = ANY (ARRAY['a'::text, 'b'::text]))", "postgres") == "kind IN ('a', 'b')"


@pytest.mark.parametrize(
    ("mysql", "postgres", "want"),
    [
        ("(`amount_charged` - `amount_paid`)", "(amount_charged - amount_paid)", "amount_charged - amount_paid"),
        ("(`total` = (`price` * `qty`))", "(total = (price * qty))", "total = price * qty"),
        ("(`End_Date` >= `Start_Date`)", '("end_date" >= start_date)', "end_date >= start_date"),
        ("((`a` > 0) and (`b` > 0) and (`c` > 0))", "((a > 0) AND (b > 0) AND (c > 0))",
         "a > 0 AND b > 0 AND c > 0"),
        ("((`ended` is null) or (`ended` >= `started`))", "((ended IS NULL) OR (ended >= started))",
         "ended IS NULL OR ended >= started"),
    ],
)
def test_backticks_and_plain_identifiers_normalise_equal(mysql, postgres, want):
    assert normalize(mysql, "mysql") == normalize(postgres, "postgres") == want


# A prefix keeps generated names clear of SQL keywords; case varies to exercise folding.
_ident = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCZ_0123456789", max_size=10).map(lambda s: "col_" + s)


@given(left=_ident, right=_ident, op=st.sampled_from(["=", "<>", "<", "<=", ">", ">=", "+", "-", "*"]),
       number=st.integers(0, 10**6))
def test_generated_backticked_and_plain_expressions_agree(left, right, op, number):
    mysql = f"((`{left}` {op} `{right}`) >= {number})"
    postgres = f"(({left} {op} {right}) >= {number})"
    assert normalize(mysql, "mysql") == normalize(postgres, "postgres")


@pytest.mark.parametrize(
    ("grouped", "other"),
    [
        ("(a OR b) AND c", "a OR b AND c"),
        ("(a + b) * c", "a + b * c"),
        ("a - (b - c)", "a - b - c"),
        ("NOT (a AND b)", "NOT a AND b"),
        ("NOT (x BETWEEN 0 AND 10)", "NOT x >= 0 AND x <= 10"),
    ],
)
def test_parentheses_that_change_meaning_are_kept(grouped, other):
    assert normalize(grouped, "postgres") != normalize(other, "postgres")


@pytest.mark.parametrize(
    ("mysql", "postgres", "want"),
    [
        ("((`a` > 0) and ((`b` > 0) or (`c` > 0)))", "((a > 0) AND ((b > 0) OR (c > 0)))",
         "a > 0 AND (b > 0 OR c > 0)"),
        ("((`a` + `b`) * `c`)", "((a + b) * c)", "(a + b) * c"),
    ],
)
def test_meaningful_parentheses_still_compare_equal_across_engines(mysql, postgres, want):
    assert normalize(mysql, "mysql") == normalize(postgres, "postgres") == want


def test_normal_form_is_stable():
    once = normalize("((`a` > 0) and ((`b` between 1 and 2) or (`c` in (_utf8mb4'x'))))", "mysql")
    assert normalize(once, "neutral") == once


@pytest.mark.parametrize(
    ("text", "dialect", "want"),
    [
        ("this is ((( not   sql", "postgres", "this is ((( not sql"),
        ("`a``  +\n )", "mysql", "`a`` + )"),
        ("  'unterminated\t string  ", "postgres", "'unterminated string"),
    ],
)
def test_unparseable_text_falls_back_to_folded_whitespace(text, dialect, want):
    assert normalize(text, dialect) == want


def test_mariadb_inline_case_flag_is_mysql_c_flag_and_postgres_tilde():
    """MariaDB has no REGEXP_LIKE: ``x REGEXP '(?-i)p'`` is its case-sensitive match; without the flag the
    match follows the collation (case-insensitive), as MySQL's flagless REGEXP_LIKE does."""
    mariadb = normalize("(`dosage` regexp '(?-i)^[0-9]+ mg$')", "mysql")
    mysql = normalize("regexp_like(`dosage`,_utf8mb4'^[0-9]+ mg$',_utf8mb4'c')", "mysql")
    assert mariadb == mysql == normalize("dosage ~ '^[0-9]+ mg$'", "postgres") == "dosage ~ '^[0-9]+ mg$'"
    assert normalize("(`dosage` regexp '^[0-9]+ mg$')", "mysql") == "dosage ~* '^[0-9]+ mg$'"


def test_mysql_division_equals_postgres_floating_point_division():
    """A generated BMI: MySQL prints its own ``/`` (NULL when the divisor is 0), PostgreSQL the DDL's explicit
    floating-point spelling with the implicit cast it adds to the divisor; one neutral form."""
    mysql = normalize("((`weight_kg` * 10000) / (`height_cm` * `height_cm`))", "mysql")
    postgres = normalize("((weight_kg * (10000)::numeric))::double precision / "
                         "(NULLIF((height_cm * height_cm), (0)::numeric))::double precision", "postgres")
    assert mysql == postgres == "CAST(weight_kg * 10000 AS DOUBLE PRECISION) / NULLIF(height_cm * height_cm, 0)"
    assert normalize("a / b", "postgres") == "a / b"  # PostgreSQL's own / is left alone (integer division stays)
