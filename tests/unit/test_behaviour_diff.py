"""``dbintegrity diff REF``: the behavioural difference of two contracts in words, and its exit status."""

from __future__ import annotations

import copy

from changes_repo import PACK, edit, make_repo

from dbintegrity import cli
from dbintegrity.changes.behaviour_diff import schema_diff
from dbintegrity.pack.model import Schema

BASE = {
    "tables": {
        "patients": {"columns": {"id": {"type": "int", "nullable": False}}, "primary_key": ["id"]},
        "appointments": {
            "columns": {"id": {"type": "int", "nullable": False},
                        "patient_id": {"type": "int", "nullable": True},
                        "status": {"type": "enum", "nullable": False, "enum": ["booked", "done"],
                                   "default": "'booked'"},
                        "fee": {"type": "decimal(10,2)", "nullable": True},
                        "total": {"type": "decimal(10,2)", "nullable": True, "generated": "fee * 2"}},
            "primary_key": ["id"],
            "foreign_keys": [{"columns": ["patient_id"], "references": "patients(id)", "on_delete": "CASCADE"}],
            "checks": ["fee >= 0 AND fee <= 10"],
            "triggers": [{"name": "appointments_audit", "timing": "AFTER", "events": ["INSERT"]}],
        },
    },
    "views": {"open_appointments": {"columns": ["id"]}},
    "privileges": {"clerk": {"appointments": ["SELECT"]}},
}


def changed(**edits):
    """The sentences for BASE against a copy changed by each edit (called with the appointments table, the copy)."""
    data = copy.deepcopy(BASE)
    appt = data["tables"]["appointments"]
    for change in edits.values():
        change(appt, data)
    return schema_diff(Schema.from_dict(BASE), Schema.from_dict(data))


def test_no_difference_is_no_sentence():
    assert schema_diff(Schema.from_dict(BASE), Schema.from_dict(BASE)) == []


def test_each_rule_is_worded_as_before_and_after():
    assert changed(a=lambda t, d: t["foreign_keys"][0].update(on_delete="RESTRICT")) == [
        "appointments.patient_id ON DELETE: CASCADE -> RESTRICT"]
    assert changed(a=lambda t, d: t.update(checks=["fee >= 0 AND fee <= 11"])) == [
        "appointments: CHECK fee >= 0 AND fee <= 10 -> fee >= 0 AND fee <= 11"]
    assert changed(a=lambda t, d: t["columns"]["status"].update(enum=["booked", "done", "cancelled"])) == [
        "appointments.status ENUM: label 'cancelled' added"]
    assert changed(a=lambda t, d: t["columns"]["patient_id"].update(nullable=False)) == [
        "appointments.patient_id: NULL allowed -> NOT NULL"]
    assert changed(a=lambda t, d: t["columns"]["status"].update(default="'done'")) == [
        "appointments.status DEFAULT: 'booked' -> 'done'"]
    assert changed(a=lambda t, d: t["columns"]["total"].update(generated="fee * 3")) == [
        "appointments.total GENERATED AS: fee * 2 -> fee * 3"]
    assert changed(a=lambda t, d: t.update(unique=[["patient_id", "fee"]])) == [
        "appointments UNIQUE (patient_id,fee): added"]
    assert changed(a=lambda t, d: t.update(triggers=[])) == ["appointments TRIGGER appointments_audit: removed"]
    assert changed(a=lambda t, d: d["views"].pop("open_appointments")) == ["view open_appointments: removed"]
    assert changed(a=lambda t, d: d["privileges"]["clerk"].update(appointments=["SELECT", "UPDATE(fee)"])) == [
        "grants of clerk on appointments: [SELECT] -> [SELECT, UPDATE(fee)] (now also UPDATE(fee))"]
    assert changed(a=lambda t, d: d["tables"].pop("patients"), b=lambda t, d: t.pop("foreign_keys")) == [
        "appointments.patient_id FOREIGN KEY -> patients(id): removed", "table patients: removed"]


def test_diff_command_exit_status_and_markdown(tmp_path, capsys):
    packs = make_repo(tmp_path)
    assert cli.main(["diff", "HEAD", "--packs", str(packs)]) == 0
    assert capsys.readouterr().out.startswith("no behavioural difference against HEAD (")
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")
    edit(packs, "contract.yml", "on_delete: CASCADE\n      on_update: NO ACTION\n    checks",
         "on_delete: RESTRICT\n      on_update: NO ACTION\n    checks")
    assert cli.main(["diff", "HEAD", PACK, "--packs", str(packs)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "  vitals.patient_id ON DELETE: CASCADE -> RESTRICT" in out
    assert any(line.startswith("    TABLE vitals (postgres/01_schema.sql:15): ") and "AND 10) -> " in line
               and "AND 11)" in line for line in out), out
    assert cli.main(["diff", "HEAD", "--format", "markdown", "--packs", str(packs)]) == 1
    md = capsys.readouterr().out
    assert "#### pack `changes_tiny`" in md and "- vitals.patient_id ON DELETE: CASCADE -> RESTRICT" in md


def test_diff_errors_are_one_line(tmp_path, capsys):
    packs = make_repo(tmp_path)
    assert cli.main(["diff", "no-such-branch", "--packs", str(packs)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("dbintegrity diff: error: unknown git ref 'no-such-branch'") and "\n" not in err
    assert cli.main(["diff", "HEAD", "nopack", "--packs", str(packs)]) == 2
    assert "pack 'nopack' is neither in" in capsys.readouterr().err


def test_a_ddl_change_the_contract_did_not_follow_is_flagged(tmp_path, capsys):
    packs = make_repo(tmp_path)
    edit(packs, "postgres/01_schema.sql", "BETWEEN 0 AND 10", "BETWEEN 0 AND 11")
    edit(packs, "postgres/02_audit.sql", "VALUES ('staff')", "VALUES ('staff row')")
    assert cli.main(["diff", "HEAD", "--packs", str(packs)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["pack changes_tiny against HEAD (" + out[0].split("(")[1], "  DDL:"]
    assert ("    ROUTINE staff_audit (postgres/02_audit.sql:1): BEGIN INSERT INTO audit_log (what) VALUES ('staff'); -> "
            "BEGIN INSERT INTO audit_log (what) VALUES ('staff row');") in out
    assert ("    TABLE vitals (postgres/01_schema.sql:15): integer CHECK (pain_scale BETWEEN 0 AND 10) -> "
            "integer CHECK (pain_scale BETWEEN 0 AND 11) [contract.yml unchanged for vitals: the gate "
            "holds the new DDL to the old contract]") in out
