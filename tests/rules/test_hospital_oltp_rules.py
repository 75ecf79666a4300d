"""The rules across rows of hospital_oltp by behaviour, on every engine (``sql/hospital_oltp/README.md``, "Rules
across rows"): a bed holds at most one active admission; a cancellation belongs to a cancelled appointment, which
then stays cancelled; a prescription never holds two medications marked as a severe interaction; a shift belongs to
exactly one of a nurse or an administrative staff member.

The oracle is the README's text, re-implemented here in Python over the rows each example writes, never the
triggers' SQL.  The parents are written in backfill mode (the probes' usual mode); the rows under test in
application mode, the mode an application is held to (``session.yml``).  Every example runs in a savepoint of
the probe session and is rolled back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from dbintegrity.probes.session import Outcome, ProbeSession
from dbintegrity.probes.synthesis import Plan, valid_plan

pytestmark = pytest.mark.rules
OLTP = pytest.mark.parametrize("pack", ["hospital_oltp"])
README = Path(__file__).resolve().parents[2] / "sql" / "hospital_oltp" / "README.md"
ADMISSION_STATUSES = ("active", "discharged", "transferred")
APPOINTMENT_STATUSES = ("scheduled", "confirmed", "checked_in", "completed", "cancelled", "no_show")
SEVERITIES = ("minor", "moderate", "severe")


@pytest.fixture
def probe(dbi_config, engine, pack, dbi_probe) -> ProbeSession:
    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    return dbi_probe


def test_readme_states_the_rules():
    text = README.read_text(encoding="utf-8")
    for needle in ("a bed holds at most one active admission", "admissions_one_active_per_bed_insert",
                   "appointment_cancellations_appointment_cancelled_insert", "appointments_cancelled_stays_cancelled",
                   "prescription_items_no_severe_interaction_insert", "refused, not flagged",
                   "a shift belongs to exactly one of nurse or staff", "staff_shift_schedules_one_owner_insert"):
        assert needle in text, f"{README} does not document {needle!r}"


# -- helpers -----------------------------------------------------------------------------------------------
def _rows(probe: ProbeSession, data: st.DataObject, table: str, overrides: dict[str, Any] | None = None) -> Plan:
    """A valid plan for ``table``, every row of it written (backfill mode: the rules are not asked yet)."""
    plan: Plan = data.draw(valid_plan(probe.schema, table, overrides or {}, fresh_parents=True), label=f"{table} row")
    for ins in plan.inserts:
        out = probe.insert(ins.table, ins.row)
        if not out.ok:
            raise probe.fail(f"writing a {table} row and its parents", want="accepted", have=str(out),
                             rows=str(ins.row))
    return plan


def _expect(probe: ProbeSession, what: str, out: Outcome, accept: bool, rule: str, row: Any = "") -> None:
    """Accepted, or refused by the trigger whose error message names ``rule``."""
    note(probe.reproduction())
    if accept and not out.ok:
        raise probe.fail(what, want="accepted", have=str(out), rows=str(row))
    if not accept and (out.ok or out.kind != "rule" or rule not in out.message):
        raise probe.fail(what, want=f"rejected by {rule}", have=out.verdict + (f": {out.message}" if out.message else ""),
                         rows=str(row))


def _new(row: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Another row like ``row``: the engine numbers it, ``values`` change it."""
    return {k: v for k, v in row.items() if k != "id"} | values


# -- rule 1: a bed holds at most one active admission ----------------------------------------------------------
@OLTP
@given(data=st.data(), statuses=st.lists(st.sampled_from(ADMISSION_STATUSES), min_size=1, max_size=4))
def test_a_bed_holds_at_most_one_active_admission(engine, pack, probe, dbi_runtime, data, statuses):
    try:
        with probe.example():
            first = _rows(probe, data, "admissions", {"status": "discharged"}).target.row
            dbi_runtime.session_mode(engine, pack, probe.conn, "application")
            active = 0
            for n, status in enumerate(statuses):
                row = _new(first, status=status, admission_reason=f"stay {n}")
                accept = status != "active" or active == 0
                _expect(probe, f"admission {n + 1} of the bed, {status}, with {active} active", probe.insert(
                    "admissions", row), accept, "admissions_one_active_per_bed", row)
                active += accept and status == "active"
            # Re-activating the first (discharged) admission is a new active one for the bed.
            _expect(probe, f"UPDATE the discharged admission to active, with {active} active",
                    probe.update("admissions", {"status": "active"}, {"id": first["id"]}), active == 0,
                    "admissions_one_active_per_bed")
            if active:  # discharge the active one: the bed is free for another
                assert probe.run(_discharge_sql(probe), (first["bed_id"],)).ok, probe.reproduction()
                _expect(probe, "an active admission after the bed's active one was discharged",
                        probe.insert("admissions", _new(first, status="active")), True, "admissions_one_active_per_bed")
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)


def _discharge_sql(probe: ProbeSession) -> str:
    q = probe.engine.quote
    return (f"UPDATE {q('admissions')} SET {q('status')} = 'discharged' "
            f"WHERE {q('bed_id')} = %s AND {q('status')} = 'active'")


# -- rule 2: a cancellation belongs to a cancelled appointment ---------------------------------------------------
@OLTP
@given(data=st.data(), status=st.sampled_from(APPOINTMENT_STATUSES), back_to=st.sampled_from(APPOINTMENT_STATUSES))
def test_a_cancellation_belongs_to_a_cancelled_appointment(engine, pack, probe, dbi_runtime, data, status, back_to):
    try:
        with probe.example():
            plan: Plan = data.draw(valid_plan(probe.schema, "appointment_cancellations", {}, fresh_parents=True),
                                   label="appointment_cancellations row")
            for ins in plan.inserts[:-1]:
                assert probe.insert(ins.table, ins.row).ok, probe.reproduction()
            cancellation = plan.target.row
            appointment = {"id": cancellation["appointment_id"]}
            dbi_runtime.session_mode(engine, pack, probe.conn, "application")
            assert probe.update("appointments", {"status": status}, appointment).ok, probe.reproduction()
            accept = status == "cancelled"
            _expect(probe, f"a cancellation of an appointment whose status is {status}",
                    probe.insert("appointment_cancellations", cancellation), accept,
                    "appointment_cancellations_appointment_cancelled", cancellation)
            if accept:  # it has a cancellation record now: it stays cancelled
                _expect(probe, f"UPDATE the cancelled appointment to {back_to}",
                        probe.update("appointments", {"status": back_to}, appointment), back_to == "cancelled",
                        "appointment_cancellations_appointment_cancelled")
                other = _rows(probe, data, "appointments", {"status": back_to}).target.row
                _expect(probe, f"move the cancellation to an appointment whose status is {back_to}",
                        probe.update("appointment_cancellations", {"appointment_id": other["id"]},
                                     {"id": cancellation["id"]}), back_to == "cancelled",
                        "appointment_cancellations_appointment_cancelled")
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)


# -- rule 3: no severe interaction within a prescription ----------------------------------------------------------
@OLTP
@given(data=st.data(), severity=st.sampled_from(SEVERITIES), reversed_pair=st.booleans())
def test_a_prescription_refuses_a_severe_interaction(engine, pack, probe, dbi_runtime, data, severity,
                                                     reversed_pair):
    try:
        with probe.example():
            plan: Plan = data.draw(valid_plan(probe.schema, "prescription_items", {}, fresh_parents=True),
                                   label="prescription_items row")
            for ins in plan.inserts[:-1]:
                assert probe.insert(ins.table, ins.row).ok, probe.reproduction()
            item = plan.target.row
            first = item["medication_id"]
            second = _rows(probe, data, "medications").target.row["id"]
            third = _rows(probe, data, "medications").target.row["id"]
            pair = (second, first) if reversed_pair else (first, second)
            interaction = {"medication_id": pair[0], "interacts_with_id": pair[1], "severity": severity}
            assert probe.insert("medication_interactions", interaction).ok, probe.reproduction()
            dbi_runtime.session_mode(engine, pack, probe.conn, "application")
            _expect(probe, "the prescription's first item", probe.insert("prescription_items", item), True,
                    "prescription_items_no_severe_interaction", item)
            refuse = severity == "severe"
            row = _new(item, medication_id=second)
            _expect(probe, f"an item whose medication interacts ({severity}) with the first item's",
                    probe.insert("prescription_items", row), not refuse, "prescription_items_no_severe_interaction", row)
            if refuse:  # an item of a third medication is fine; changed to the interacting one, it is refused
                row = _new(item, medication_id=third)
                _expect(probe, "an item of a medication without interactions", probe.insert("prescription_items", row),
                        True, "prescription_items_no_severe_interaction", row)
                key = {"prescription_id": item["prescription_id"], "medication_id": third}
                _expect(probe, "UPDATE that item to the medication that interacts severely",
                        probe.update("prescription_items", {"medication_id": second}, key), False,
                        "prescription_items_no_severe_interaction")
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)


# -- rule 4: a shift belongs to exactly one of nurse or staff ------------------------------------------------------
OWNERS = ("nurse", "staff", "both", "neither")


@OLTP
@given(data=st.data(), owners=st.sampled_from(OWNERS), then=st.sampled_from(OWNERS))
def test_a_shift_belongs_to_exactly_one_of_nurse_or_staff(engine, pack, probe, dbi_runtime, data, owners, then):
    try:
        with probe.example():
            nurse = _rows(probe, data, "nurses").target.row["id"]
            staff = _rows(probe, data, "administrative_staff").target.row["id"]
            plan: Plan = data.draw(valid_plan(probe.schema, "staff_shift_schedules", {}, fresh_parents=True),
                                   label="staff_shift_schedules row")
            for ins in plan.inserts[:-1]:
                assert probe.insert(ins.table, ins.row).ok, probe.reproduction()

            def owned(row: dict[str, Any], who: str) -> dict[str, Any]:
                return row | {"nurse_id": nurse if who in ("nurse", "both") else None,
                              "staff_id": staff if who in ("staff", "both") else None}

            dbi_runtime.session_mode(engine, pack, probe.conn, "application")
            row = owned(_new(plan.target.row), owners)
            _expect(probe, f"a shift of {owners}", probe.insert("staff_shift_schedules", row),
                    owners in ("nurse", "staff"), "staff_shift_schedules_one_owner", row)
            shift = owned(plan.target.row, "nurse")
            _expect(probe, "a nurse's shift", probe.insert("staff_shift_schedules", shift), True,
                    "staff_shift_schedules_one_owner", shift)
            values = owned({}, then)
            _expect(probe, f"UPDATE the nurse's shift to one of {then}",
                    probe.update("staff_shift_schedules", values, {"id": shift["id"]}), then in ("nurse", "staff"),
                    "staff_shift_schedules_one_owner", values)
    finally:
        dbi_runtime.backfill(engine, pack, probe.conn)
