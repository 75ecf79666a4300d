"""The rules of chirona by behaviour, on every engine: room capacity, admissions in time order and transfers,
invoice tax and total from the invoice's rate, treatment and test links, payments within the invoice.

The oracles are the pack's documentation (``sql/chirona/README.md``) re-implemented here, never the DDL:
occupancy is counted by :func:`dbintegrity.probes.intervals.peak`, overlaps by :func:`~dbintegrity.probes.intervals.overlaps`
(the same oracle the gate's no-double-booking probe uses), tax is ``ROUND(Subtotal * TaxRate, 2)`` half up.
Every example runs in a savepoint of the probe session and is rolled back.  The business rules hold in
application mode (``session.yml``), which each test enters; backfill mode lets existing records in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from dbintegrity.probes.intervals import overlaps, peak, period_pairs
from dbintegrity.probes.session import Outcome, ProbeSession

pytestmark = pytest.mark.rules
CHIRONA = pytest.mark.parametrize("pack", ["chirona"])
README = Path(__file__).resolve().parents[2] / "sql" / "chirona" / "README.md"
T0 = dt.datetime(2031, 5, 1, 8, 0)
_ids = itertools.count(900_001)


@pytest.fixture
def probe(dbi_config, engine, pack, dbi_probe, dbi_runtime) -> ProbeSession:
    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    dbi_runtime.session_mode(engine, pack, dbi_probe.conn, "application")
    return dbi_probe


def _expect(probe: ProbeSession, what: str, out: Outcome, accept: bool, rule: str, row: Any) -> None:
    with contextlib.suppress(InvalidArgument):  # outside Hypothesis there is nothing to note to
        note(probe.reproduction())
    if accept and not out.ok:
        raise probe.fail(what, want="accepted", have=str(out), rows=str(row))
    if not accept and (out.ok or rule not in out.message):
        raise probe.fail(what, want=f"rejected by {rule}", have=out.verdict + (f": {out.message}" if out.message else ""),
                         rows=str(row))


def _patient(probe: ProbeSession) -> int:
    pid = next(_ids)
    row = {"PatientID": pid, "FirstName": "Ada", "LastName": "Rule", "DateOfBirth": dt.date(1970, 1, 1),
           "Gender": "Female"}
    _expect(probe, "a patient", probe.insert("Patient", row), True, "", row)
    return pid


def _room(probe: ProbeSession, capacity: int) -> int:
    rid = next(_ids)
    row = {"RoomID": rid, "RoomNumber": f"R{rid}", "RoomType": "General", "Capacity": capacity,
           "DailyRate": Decimal("120.00")}
    _expect(probe, "a room", probe.insert("Room", row), True, "", row)
    return rid


def _stay(patient: int, room: int, start: dt.datetime, end: dt.datetime | None, after: int | None = None) -> dict:
    return {"AdmissionID": next(_ids), "PatientID": patient, "RoomID": room, "AdmittedAt": start,
            "DischargedAt": end, "TransferredFrom": after}


def _invoice(probe: ProbeSession, subtotal: Decimal, rate: Decimal) -> int:
    iid = next(_ids)
    row = {"InvoiceID": iid, "PatientID": _patient(probe), "InvoiceDate": dt.date(2031, 5, 2),
           "Subtotal": subtotal, "TaxRate": rate}
    _expect(probe, "an invoice", probe.insert("Invoice", row), True, "", row)
    return iid


def test_readme_states_the_rules():
    text = README.read_text(encoding="utf-8")
    for needle in ("Admission_room_capacity", "Admission_time_order", "Payment_within_invoice", "Invoice_covers_payments",
                   "`Invoice.TaxRate`", "stored generated", "half-open", "ChironaSchema"):
        assert needle in text, f"{README} does not document {needle}"


# -- room capacity -----------------------------------------------------------------------------------------
stays = st.lists(st.tuples(st.integers(0, 72), st.one_of(st.none(), st.integers(1, 48))), min_size=2, max_size=6)


@CHIRONA
@given(capacity=st.integers(1, 3), plan=stays)
def test_room_never_holds_more_than_its_capacity(engine, pack, probe, capacity, plan):
    with probe.example():
        room = _room(probe, capacity)
        held: list[tuple[dt.datetime, dt.datetime | None]] = []
        for start_h, hours in plan:
            start = T0 + dt.timedelta(hours=start_h)
            period = (start, None if hours is None else start + dt.timedelta(hours=hours))
            row = _stay(_patient(probe), room, *period)
            accept = peak(held, period) + 1 <= capacity
            _expect(probe, f"admission {period} to a room of capacity {capacity} holding {held}",
                    probe.insert("Admission", row), accept, "Admission_room_capacity", row)
            if accept:
                held.append(period)


@CHIRONA
def test_backfill_mode_lets_existing_records_past_the_capacity_rule(engine, pack, probe, dbi_runtime):
    with probe.example():
        room = _room(probe, 1)
        rows = [_stay(_patient(probe), room, T0, None) for _ in range(2)]
        _expect(probe, "first stay", probe.insert("Admission", rows[0]), True, "", rows[0])
        _expect(probe, "second stay (application mode)", probe.insert("Admission", rows[1]), False,
                "Admission_room_capacity", rows[1])
        dbi_runtime.backfill(engine, pack, probe.conn)
        try:
            _expect(probe, "second stay (backfill mode)", probe.insert("Admission", rows[1]), True, "", rows[1])
        finally:
            dbi_runtime.session_mode(engine, pack, probe.conn, "application")


@CHIRONA
def test_moving_a_stay_into_a_full_room_is_refused(engine, pack, probe):
    with probe.example():
        full, other = _room(probe, 1), _room(probe, 1)
        here = _stay(_patient(probe), full, T0, T0 + dt.timedelta(days=2))
        there = _stay(_patient(probe), other, T0 + dt.timedelta(days=1), None)
        for row in (here, there):
            _expect(probe, "a stay", probe.insert("Admission", row), True, "", row)
        key = {"AdmissionID": there["AdmissionID"]}
        _expect(probe, "UPDATE a stay into a room already full then", probe.update("Admission", {"RoomID": full}, key),
                False, "Admission_room_capacity", there)
        _expect(probe, "UPDATE the stay's discharge in its own room (it does not count itself)",
                probe.update("Admission", {"DischargedAt": T0 + dt.timedelta(days=3)}, key), True, "", there)


# -- admissions, discharges, transfers in time order ----------------------------------------------------------
@CHIRONA
@given(periods=period_pairs())
def test_a_patient_is_in_one_room_at_a_time(engine, pack, probe, periods):
    first, second = periods
    with probe.example():
        patient, rooms = _patient(probe), [_room(probe, 5), _room(probe, 5)]
        one = _stay(patient, rooms[0], *first)
        _expect(probe, "first stay", probe.insert("Admission", one), True, "", one)
        two = _stay(patient, rooms[1], *second)
        _expect(probe, f"stays {first} and {second} of one patient", probe.insert("Admission", two),
                not overlaps(first, second), "Admission_time_order", two)


@CHIRONA
def test_a_discharge_moved_over_the_next_stay_is_refused(engine, pack, probe):
    with probe.example():
        patient, a, b = _patient(probe), _room(probe, 2), _room(probe, 2)
        ward = _stay(patient, a, T0, T0 + dt.timedelta(hours=10))
        icu = _stay(patient, b, T0 + dt.timedelta(hours=10), T0 + dt.timedelta(hours=20))
        for row in (ward, icu):
            _expect(probe, "stays that touch", probe.insert("Admission", row), True, "", row)
        key = {"AdmissionID": ward["AdmissionID"]}
        _expect(probe, "UPDATE the first discharge an hour into the next stay",
                probe.update("Admission", {"DischargedAt": T0 + dt.timedelta(hours=11)}, key),
                False, "Admission_time_order", ward)
        _expect(probe, "UPDATE the first discharge an hour earlier",
                probe.update("Admission", {"DischargedAt": T0 + dt.timedelta(hours=9)}, key), True, "", ward)


@CHIRONA
@pytest.mark.parametrize(("how", "accept"), [("on time", True), ("same room", False), ("an hour late", False),
                                             ("other patient", False), ("before discharge", False)])
def test_transfers_follow_the_stay_they_continue(engine, pack, probe, how, accept):
    with probe.example():
        patient, a, b = _patient(probe), _room(probe, 2), _room(probe, 2)
        end = T0 + dt.timedelta(hours=30)
        first = _stay(patient, a, T0, end)
        _expect(probe, "first stay", probe.insert("Admission", first), True, "", first)
        start = {"an hour late": end + dt.timedelta(hours=1), "before discharge": end - dt.timedelta(hours=1)}.get(how, end)
        who = _patient(probe) if how == "other patient" else patient
        row = _stay(who, a if how == "same room" else b, start, None, first["AdmissionID"])
        _expect(probe, f"transfer {how}", probe.insert("Admission", row), accept, "Admission_time_order", row)


# -- invoices: tax and total from the invoice's rate ----------------------------------------------------------
money = st.decimals(0, 99_999, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(0, Decimal("0.5"), places=4, allow_nan=False, allow_infinity=False)


@CHIRONA
@given(subtotal=money, rate=rates)
def test_tax_and_total_come_from_the_invoices_rate(engine, pack, probe, subtotal, rate):
    with probe.example():
        iid = _invoice(probe, subtotal, rate)
        stored = probe.fetch("Invoice", {"InvoiceID": iid}) or {}
        tax = (subtotal * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if (stored.get("TaxAmount"), stored.get("TotalAmount")) != (tax, subtotal + tax):
            raise probe.fail(f"Invoice {subtotal} at rate {rate}", want=f"tax {tax}, total {subtotal + tax}",
                             have=f"tax {stored.get('TaxAmount')}, total {stored.get('TotalAmount')}", rows=str(stored))


@CHIRONA
def test_default_rate_is_five_percent(engine, pack, probe):
    with probe.example():
        iid, pid = next(_ids), _patient(probe)
        row = {"InvoiceID": iid, "PatientID": pid, "InvoiceDate": dt.date(2031, 5, 2), "Subtotal": Decimal("200.00")}
        _expect(probe, "invoice without a rate", probe.insert("Invoice", row), True, "", row)
        stored = probe.fetch("Invoice", {"InvoiceID": iid}) or {}
        assert (stored["TaxRate"], stored["TaxAmount"], stored["TotalAmount"]) == \
            (Decimal("0.0500"), Decimal("10.00"), Decimal("210.00")), stored


# -- payments never exceed the invoice -------------------------------------------------------------------
@CHIRONA
@given(subtotal=st.decimals(1, 5_000, places=2), rate=rates,
       amounts=st.lists(st.decimals(Decimal("0.01"), 3_000, places=2), min_size=1, max_size=5))
def test_payments_never_exceed_the_invoice(engine, pack, probe, subtotal, rate, amounts):
    total = subtotal + (subtotal * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    with probe.example():
        iid = _invoice(probe, subtotal, rate)
        paid = Decimal(0)
        for amount in amounts:
            row = {"PaymentID": next(_ids), "InvoiceID": iid, "PaymentDate": T0, "Amount": amount, "Method": "Card"}
            accept = paid + amount <= total
            _expect(probe, f"payment {amount} of an invoice of {total} with {paid} paid",
                    probe.insert("Payment", row), accept, "Payment_within_invoice", row)
            paid += amount if accept else 0
        if paid > 0:  # the invoice cannot shrink below what is paid, but may shrink to it
            lower = {"Subtotal": Decimal(0), "TaxRate": Decimal(0)}
            _expect(probe, f"invoice of {total} with {paid} paid, subtotal set to 0",
                    probe.update("Invoice", lower, {"InvoiceID": iid}), False, "Payment_within_invoice", lower)
            exact = {"Subtotal": paid, "TaxRate": Decimal(0)}
            _expect(probe, f"invoice with {paid} paid, total set to exactly that",
                    probe.update("Invoice", exact, {"InvoiceID": iid}), True, "", exact)


@CHIRONA
def test_a_payment_raised_above_the_invoice_is_refused(engine, pack, probe):
    with probe.example():
        iid = _invoice(probe, Decimal("100.00"), Decimal("0.1000"))
        row = {"PaymentID": next(_ids), "InvoiceID": iid, "PaymentDate": T0, "Amount": Decimal("110.00"), "Method": "Cash"}
        _expect(probe, "payment of the whole total", probe.insert("Payment", row), True, "", row)
        _expect(probe, "the payment raised by a cent", probe.update("Payment", {"Amount": Decimal("110.01")},
                                                                    {"PaymentID": row["PaymentID"]}),
                False, "Payment_within_invoice", row)
        shrink = {"Subtotal": Decimal("99.00")}
        _expect(probe, "the invoice's subtotal lowered below what is paid (110.00)",
                probe.update("Invoice", shrink, {"InvoiceID": iid}), False, "Payment_within_invoice", shrink)


# -- treatments and tests billed through their link tables ------------------------------------------------------
@CHIRONA
def test_each_treatment_and_test_is_billed_once_and_links_go_with_their_invoice(engine, pack, probe):
    with probe.example():
        first, second = _invoice(probe, Decimal("50.00"), Decimal(0)), _invoice(probe, Decimal("60.00"), Decimal(0))
        patient = _patient(probe)
        staff = next(_ids)
        for table, row in (
            ("Staff", {"StaffID": staff, "FirstName": "Doc", "LastName": "Tor", "Role": "Doctor",
                       "HireDate": dt.date(2020, 1, 1)}),
            ("Doctor", {"DoctorID": staff, "Specialization": "Cardiology"}),
            ("Treatment", {"TreatmentID": staff, "PatientID": patient, "DoctorID": staff, "Diagnosis": "I10",
                           "TreatmentDate": T0, "Cost": Decimal("50.00")}),
            ("MedicalTest", {"TestID": staff, "PatientID": patient, "TestName": "ECG", "TestDate": T0,
                             "Cost": Decimal("60.00")}),
        ):
            _expect(probe, table, probe.insert(table, row), True, "", row)
        for link, col in (("TreatmentInvoice", "TreatmentID"), ("MedicalTestInvoice", "TestID")):
            row = {"InvoiceID": first, col: staff}
            _expect(probe, f"{link} to the first invoice", probe.insert(link, row), True, "", row)
            out = probe.insert(link, {"InvoiceID": second, col: staff})
            if out.ok or out.kind != "unique":
                raise probe.fail(f"{link}: the same {col} on a second invoice", want="rejected (unique)", have=out.verdict)
            out = probe.insert(link, {"InvoiceID": second, col: staff + 1})
            if out.ok or out.kind != "fk":
                raise probe.fail(f"{link}: a {col} that does not exist", want="rejected (fk)", have=out.verdict)
        _expect(probe, "delete the first invoice", probe.delete("Invoice", {"InvoiceID": first}), True, "", first)
        for link in ("TreatmentInvoice", "MedicalTestInvoice"):
            assert probe.select(link, {"InvoiceID": first}) == [], f"{link} rows outlived their invoice"


# -- no double booking under concurrency ----------------------------------------------------------------
def _insert(eng, conn, table: str, row: dict) -> None:
    cols = ", ".join(eng.quote(c) for c in row)
    cur = conn.cursor()
    try:
        cur.execute(f"INSERT INTO {eng.quote_table(table)} ({cols}) VALUES ({', '.join(['%s'] * len(row))})",
                    tuple(row.values()))
    finally:
        cur.close()


@CHIRONA
@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_concurrent_bookings_of_one_doctor_queue(engine, pack, dbi_config, dbi_runtime, first_ends):
    """Two sessions book one doctor for overlapping periods at once: the second waits for the first, and is
    refused if the first commits, accepted if it rolls back (PostgreSQL's exclusion constraint does this by
    itself; MySQL's triggers lock the doctor's row and read the appointments with a locking read)."""
    import threading
    import time

    from dbintegrity.pytest_plugin import selected_pack_names

    if pack not in selected_pack_names(dbi_config):
        pytest.skip(f"pack {pack} is not selected (--pack / DBINTEGRITY_PACK)")
    eng = dbi_runtime.engine(engine)
    database = dbi_runtime.database(engine, pack, "race")
    setup = dbi_runtime.connect(engine, database)
    try:
        _insert(eng, setup, "Staff", {"StaffID": 1, "FirstName": "Doc", "LastName": "Race", "Role": "Doctor",
                                      "HireDate": dt.date(2020, 1, 1)})
        _insert(eng, setup, "Doctor", {"DoctorID": 1, "Specialization": "Cardiology"})
        _insert(eng, setup, "Patient", {"PatientID": 1, "FirstName": "Pat", "LastName": "Race",
                                        "DateOfBirth": dt.date(1980, 1, 1), "Gender": "Male"})
    finally:
        setup.close()
    first = dbi_runtime.connect(engine, database, autocommit=False)
    second = dbi_runtime.connect(engine, database, autocommit=False)
    booking = {"PatientID": 1, "DoctorID": 1, "Status": "Scheduled"}
    outcome: dict[str, object] = {}

    def book_second() -> None:
        try:
            _insert(eng, second, "Appointment", dict(booking, AppointmentID=2, StartTime=T0 + dt.timedelta(minutes=30),
                                                     EndTime=T0 + dt.timedelta(minutes=90)))
            outcome["second"] = "accepted"
        except eng.driver_errors as exc:
            outcome["second"] = f"refused: {eng.error_message(exc)}"
    try:
        _insert(eng, first, "Appointment", dict(booking, AppointmentID=1, StartTime=T0, EndTime=T0 + dt.timedelta(hours=1)))
        waiter = threading.Thread(target=book_second, daemon=True)
        waiter.start()
        time.sleep(1.0)
        assert waiter.is_alive(), f"the second booking did not wait for the first: {outcome.get('second')}"
        (first.commit if first_ends == "commit" else first.rollback)()
        waiter.join(30)
        assert not waiter.is_alive(), "the second booking still waits after the first ended"
        want = "refused" if first_ends == "commit" else "accepted"
        assert str(outcome.get("second", "")).startswith(want), \
            f"first booking {first_ends}ed: want the overlapping second {want}, have {outcome.get('second')}"
    finally:
        second.rollback()
        second.close()
        first.close()
        dbi_runtime.drop(engine, database)
