"""Privileges without a database: grant notation, the contract's privileges section, privileges.yml, audit images."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from dbintegrity.errors import PackError
from dbintegrity.pack import contract
from dbintegrity.pack.model import Column, Schema, Table, grants
from dbintegrity.probes import access

REPO = Path(__file__).resolve().parents[2]


def test_grants_are_canonical():
    assert grants(["update(notes)", "SELECT", "select(b, a)", "insert", "SELECT"]) == (
        "INSERT", "SELECT", "SELECT(a, b)", "UPDATE(notes)")
    assert grants(["SELECT(a)", "SELECT(b)"]) == ("SELECT(a, b)",)


@pytest.mark.parametrize("bad", ["SELECT(", "SELECT()", "(a)", 7])
def test_grants_reject_garbage(bad):
    with pytest.raises(ValueError, match="where"):
        grants([bad], "where")


def schema(privileges):
    t = Table("visits", columns={"id": Column("id", "varchar(36)", False), "notes": Column("notes", "text", True)},
              primary_key=("id",))
    return Schema(tables={"visits": t, "users": Table("users", columns={"id": Column("id", "varchar(36)", False)})},
                  privileges=privileges)


def test_privileges_round_trip_and_items():
    s = schema({"hm_nurse": {"visits": ("SELECT", "UPDATE(notes)")}})
    back = Schema.from_dict(s.to_dict())
    assert back.privileges == s.privileges
    assert [i.id for i in contract.items(back, "privilege")] == ["hm_nurse:users", "hm_nurse:visits"]


def test_privilege_difference_is_one_sentence():
    want = schema({"hm_nurse": {"visits": ("SELECT", "UPDATE(notes)")}})
    live = schema({"hm_nurse": {"visits": ("SELECT", "UPDATE")}, "intruder": {"users": ("SELECT",)}})
    item = next(i for i in contract.items(want, "privilege") if i.table == "visits")
    assert contract.check_item(item, live, "mysql") == [
        "hm_nurse on visits: mysql also grants UPDATE; mysql does not grant UPDATE(notes) "
        "(contract [SELECT, UPDATE(notes)], mysql [SELECT, UPDATE])"]
    assert contract.extra_grantees(want, live, "mysql") == [
        "intruder: mysql grants it users [SELECT], the contract names no grant to it"]
    assert "intruder" in "".join(contract.compare(want, live, "mysql"))


def test_pack_privileges_file_loads():
    spec = access.load(REPO / "sql" / "healthcare_mgmt" / access.PRIVILEGES_FILE)
    nurse = spec.roles["hm_nurse"]
    assert nurse.may("visits", "UPDATE", "notes") and not nurse.may("visits", "UPDATE", "plan")
    assert nurse.row_limited and not spec.roles["hm_finance"].row_limited
    assert spec.hard_delete_roles == ("hm_admin",) and spec.audit_table == "audit_log"


@pytest.mark.parametrize(("text", "message"), [
    ("roles: {}", "non-empty 'roles'"),
    ("roles: {r: {grants: {t: [TRUNCATE]}}}", "only SELECT, INSERT, UPDATE, DELETE"),
    ("roles: {r: {rows: some, grants: {}}}", "is not one of all, assigned, own"),
    ("roles: [", "not valid YAML"),
])
def test_bad_privileges_file_is_one_line(tmp_path, text, message):
    path = tmp_path / "privileges.yml"
    path.write_text(text)
    with pytest.raises(PackError, match=message) as err:
        access.load(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_audit_images_decode_per_column_type():
    t = Table("x", columns={c.name: c for c in (
        Column("d", "date", True), Column("t", "time", True), Column("ts", "timestamp", True),
        Column("n", "decimal(10,2)", True), Column("b", "boolean", True), Column("i", "integer", True))})
    mysql = ('{"d": "2024-01-02", "t": "10:11:12.000000", "ts": "2030-01-01 00:00:00.000000", "n": 12.50, '
             '"b": 1, "i": 3}')
    postgres = '{"d": "2024-01-02", "t": "10:11:12", "ts": "2030-01-01T01:00:00+01:00", "n": 12.50, "b": true, "i": 3}'
    want = {"d": dt.date(2024, 1, 2), "t": dt.time(10, 11, 12), "ts": dt.datetime(2030, 1, 1), "n": Decimal("12.50"),
            "b": True, "i": 3}
    assert access.decode_values(t, mysql) == want == access.decode_values(t, postgres)
    assert access.decode_values(t, None) is None
