"""views.yml: the meaning loader's one-line errors, the oracle's answers, and the view mutation operators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot

from dbintegrity.errors import ContractError
from dbintegrity.mutation.operators import NotApplicable, change_view_filter, change_view_join
from dbintegrity.pack import contract
from dbintegrity.probes import view_meaning as viewmeaning

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "packs" / "clinic_views"
SCHEMA = contract.load(FIXTURE / "contract.yml")
MEANINGS = viewmeaning.load(FIXTURE / viewmeaning.VIEWS_FILE, SCHEMA)


def _load(tmp_path: Path, text: str) -> dict[str, viewmeaning.Meaning]:
    path = tmp_path / "views.yml"
    path.write_text(text)
    return viewmeaning.load(path, SCHEMA)


def test_the_fixture_gives_every_view_a_meaning():
    assert set(MEANINGS) == set(SCHEMA.views)
    assert MEANINGS["admitted_today"].reads_clock and not MEANINGS["current_admissions"].reads_clock


@pytest.mark.parametrize(("body", "error"), [
    ("  nowhere: {from: wards, key: [id]}", "views.yml:3: views.nowhere: the contract declares no view nowhere"),
    ("  current_admissions: {from: beds, key: [id]}", "views.current_admissions.from: 'beds' is not a table"),
    ("  current_admissions: {from: admissions, key: [nope]}", "views.current_admissions.key: name the checked"),
    ("  current_admissions: {from: admissions, key: [id], columns: {bed: id}}",
     "views.current_admissions.columns.bed: the contract's view current_admissions has no such column"),
    ("  ward_occupancy: {from: wards, key: [ward_id], columns: {ward_id: id}}",
     "views.ward_occupancy.columns.occupied: say what the column holds"),
    ("  ward_occupancy:\n    from: wards\n    key: [ward_id]\n    columns: {ward_id: id, occupied: n}\n"
     "    aggregates: {n: {count: '*', over: admissions, via: [id]}}",
     "views.ward_occupancy.aggregates.n.via: admissions.id is not a FOREIGN KEY of the contract"),
    ("  current_admissions: {from: admissions, key: [id], where: 'status = (SELECT 1)'}",
     "views.current_admissions.where: sub-query"),
    ("  current_admissions: {from: admissions, key: [id], appears_with: {colour: 1}}",
     "views.current_admissions.appears_with.colour: admissions has no such column"),
])
def test_a_wrong_meaning_is_one_line_naming_file_line_and_key(tmp_path, body, error):
    with pytest.raises(ContractError) as exc:
        _load(tmp_path, f"# meanings\nviews:\n{body}\n")
    assert error in str(exc.value)
    assert str(tmp_path / "views.yml") in str(exc.value) and "\n" not in str(exc.value)


def test_no_file_states_no_meaning(tmp_path):
    assert viewmeaning.load(tmp_path / "views.yml", SCHEMA) == {}


WARD = {"id": 1, "name": "North"}
OTHER_WARD = {"id": 2, "name": "South"}


def _admission(n: int, ward: int, status: str, **extra: object) -> tuple[str, dict[str, object]]:
    return "admissions", {"id": n, "ward_id": ward, "patient_name": f"p{n}", "status": status,
                          "admitted_on": dt.date(2026, 12, 4), **extra}


def test_membership_follows_the_filter_and_reads_parents():
    world = [("wards", WARD), _admission(10, 1, "admitted"), _admission(11, 1, "discharged")]
    clock = viewmeaning.Clock(dt.datetime(2026, 12, 4, 23, 59, 30))
    by_id = {c.key: c for c in viewmeaning.candidates(MEANINGS["admitted_today"], world, clock)}
    assert by_id[(10,)].qualifies and by_id[(10,)].values == {"id": 10, "patient_name": "p10", "ward_name": "North"}
    assert not by_id[(11,)].qualifies
    after_midnight = viewmeaning.Clock(dt.datetime(2026, 12, 5, 0, 0, 30))
    assert not any(c.qualifies for c in viewmeaning.candidates(MEANINGS["admitted_today"], world, after_midnight))


def test_aggregates_count_and_sum_with_sql_semantics():
    world = [("wards", WARD), ("wards", OTHER_WARD), _admission(10, 1, "admitted"), _admission(11, 1, "admitted"),
             _admission(12, 1, "discharged"), _admission(13, 2, "discharged"),
             ("charges", {"id": 1, "admission_id": 10, "amount": Decimal("12.50"), "paid": False}),
             ("charges", {"id": 2, "admission_id": 10, "amount": Decimal("7.25"), "paid": False}),
             ("charges", {"id": 3, "admission_id": 11, "amount": Decimal("3.00"), "paid": True})]
    occupancy = {c.key: c.values["occupied"] for c in viewmeaning.candidates(MEANINGS["ward_occupancy"], world, None)}
    assert occupancy == {(1,): 2, (2,): 0}  # an empty ward counts 0, it does not vanish
    balances = {c.key: (c.qualifies, c.values["outstanding"], c.values["open_charges"])
                for c in viewmeaning.candidates(MEANINGS["open_balances"], world, None)}
    assert balances[(10,)] == (True, Decimal("19.75"), 2)
    assert balances[(11,)] == (False, None, 0)  # SUM of no row is NULL; and the admission is not in the view


def test_values_compare_as_sql_values_across_engines():
    assert viewmeaning.same(3, Decimal("3.00")) and viewmeaning.same(True, 1)
    assert viewmeaning.same(Decimal("2.5"), Decimal("2.50004"))  # AVG's 4 places on MySQL
    assert not viewmeaning.same(3, 4) and not viewmeaning.same(None, 0) and not viewmeaning.same("a", "A")


@pytest.mark.parametrize(("sql", "dialect", "want"), [
    ("SELECT id FROM t WHERE a >= NOW() AND b = 1", "postgres", "a > CURRENT_TIMESTAMP()"),
    ("SELECT id FROM t WHERE (a < 5)", "mysql", "a <= 5"),
    ("SELECT id FROM t WHERE status = 'x'", "postgres", "status <> 'x'"),
    ("SELECT id FROM t WHERE d IS NULL", "postgres", "NOT (d IS NULL)"),
    ("SELECT g, COUNT(*) AS n FROM t GROUP BY g HAVING COUNT(*) > 1", "postgres", "COUNT(*) >= 1"),
])
def test_view_filter_operator_changes_the_first_condition(sql, dialect, want):
    tree = sqlglot.parse_one(sql, read=dialect)
    description = change_view_filter(tree)
    assert description.endswith(want), description
    assert want in tree.sql()


def test_view_join_operator_makes_left_inner_and_inner_mismatched():
    left = sqlglot.parse_one("SELECT w.id FROM wards w LEFT JOIN beds b ON b.ward_id = w.id", read="postgres")
    assert change_view_join(left) == "LEFT JOIN beds AS b -> INNER JOIN"
    assert "LEFT" not in left.sql()
    inner = sqlglot.parse_one("SELECT w.id FROM wards w JOIN beds b ON b.ward_id = w.id", read="postgres")
    change_view_join(inner)
    assert "b.ward_id <> w.id" in inner.sql()
    with pytest.raises(NotApplicable):
        change_view_join(sqlglot.parse_one("SELECT id FROM t", read="postgres"))


def test_view_join_operator_changes_the_same_join_in_both_dialects():
    """MySQL stores a view's joins nested, the last one outermost; the first join written is still the one changed."""
    mysql = sqlglot.parse_one(
        "select `d`.`id` AS `doctor_id`,`dep`.`name` AS `department_name` from ((`db`.`doctors` `d` join "
        "`db`.`specialties` `s` on((`s`.`id` = `d`.`specialty_id`))) left join `db`.`departments` `dep` "
        "on((`dep`.`id` = `d`.`department_id`))) where (`d`.`status` = 'active')", read="mysql")
    postgres = sqlglot.parse_one(
        "SELECT d.id AS doctor_id, dep.name AS department_name FROM doctors d JOIN specialties s "
        "ON s.id = d.specialty_id LEFT JOIN departments dep ON dep.id = d.department_id "
        "WHERE d.status = 'active'::doctors_status", read="postgres")
    assert change_view_join(mysql) == ('JOIN "db"."specialties" AS "s" ON "s"."id" = "d"."specialty_id" -> '
                                       '"s"."id" <> "d"."specialty_id"')
    assert "LEFT JOIN" in mysql.sql(dialect="mysql")
    assert change_view_join(postgres) == "JOIN specialties AS s ON s.id = d.specialty_id -> s.id <> d.specialty_id"
    assert "LEFT JOIN" in postgres.sql(dialect="postgres")


def test_a_time_equals_the_timedelta_mysql_gives_for_a_views_time_column():
    """PyMySQL returns TIME as a timedelta; the base table's row, read back through the contract, is a time."""
    assert viewmeaning.same(dt.time(4, 42, 7), dt.timedelta(seconds=16927))
    assert viewmeaning.same(dt.timedelta(seconds=16927), dt.time(4, 42, 7))
    assert not viewmeaning.same(dt.time(4, 42, 8), dt.timedelta(seconds=16927))
