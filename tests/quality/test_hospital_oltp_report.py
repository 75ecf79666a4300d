"""``dbintegrity report hospital_oltp``: the pack's data-quality claims (``sql/hospital_oltp/expectations.yml``)
hold on seeded data, and data that breaks each claim makes the report fail, naming exactly the broken ones.

Three datasets, each seeded at scale 1 and then changed by a few statements (in backfill mode, the mode in which
existing records are loaded: the rules across rows are not asked); each statement breaks one claim and leaves
the others of its dataset standing (the exact set of failures is asserted), so every claim is shown to fail.

Two claims cannot fail alone, and their statements say so (``ALSO``): ``occupancy_within_beds`` follows from
``one_active_admission_per_bed`` (a department's active admissions on beds that each hold at most one cannot outnumber the
beds), and ``stock_not_negative`` restates the contract's CHECK ``quantity_on_hand >= 0``, which the report
checks too (the statement drops the CHECK, or the engine would refuse the stock).

The seeded data is checked by the whole report; the changed datasets by the rules of the tables the claims are
about (the contract's among them), since the statements change nothing else but two views.

Three of the claims are about the views (``vw_bed_occupancy``, ``vw_low_stock_medications``); their statements
replace the view with a wrong one, the change a data-quality report is there to catch.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from report_claims import assert_claims_hold, assert_exactly_these_fail, claims_of, run_report, seeded_databases

QUALITY = "the report needs the quality extra: pip install 'dbintegrity[quality]'"
pytest.importorskip("great_expectations", reason=QUALITY)
pytest.importorskip("matplotlib", reason=QUALITY)

pytestmark = pytest.mark.selftest

PACK = "hospital_oltp"
LOW_STOCK_VIEW = (
    "CREATE OR REPLACE VIEW vw_low_stock_medications AS SELECT inv.id AS inventory_id, m.generic_name, m.ndc_code, "
    "f.name AS facility_name, inv.quantity_on_hand, inv.reorder_level, "
    "inv.reorder_level - inv.quantity_on_hand AS shortfall FROM medication_inventory inv "
    "JOIN medications m ON m.id = inv.medication_id JOIN facilities f ON f.id = inv.facility_id ")
BREAKS: dict[str, dict[str, tuple[str, ...]]] = {
    "first": {
        # a second active admission in the bed of an active one, from the same department or one with a free bed
        "admissions:one_active_admission_per_bed":
            ("UPDATE admissions SET bed_id = {busy_bed}, status = 'active', discharged_at = NULL WHERE id = {moved}",),
        # every bed counted as occupied as well as in its own status
        "departments:occupancy_view_within_beds":
            ("CREATE OR REPLACE VIEW vw_bed_occupancy AS SELECT dep.id AS department_id, dep.name AS department_name, "
             "COUNT(b.id) AS total_beds, COUNT(b.id) AS occupied_beds, "
             "SUM(CASE WHEN b.status = 'available' THEN 1 ELSE 0 END) AS available_beds "
             "FROM departments dep LEFT JOIN rooms r ON r.department_id = dep.id LEFT JOIN beds b ON b.room_id = r.id "
             "GROUP BY dep.id, dep.name",),
        "medication_inventory:stock_not_negative":
            ("ALTER TABLE medication_inventory DROP CONSTRAINT medication_inventory_quantity_not_negative",
             "UPDATE medication_inventory SET quantity_on_hand = -5 WHERE id = {high_line}"),
        # a line exactly at its reorder level, and a view that wants it below
        "medication_inventory:low_stock_view_lists_every_low_line":
            ("UPDATE medication_inventory SET quantity_on_hand = reorder_level WHERE id = {other_high_line}",
             LOW_STOCK_VIEW + "WHERE inv.quantity_on_hand < inv.reorder_level"),
        "insurance_claims:claim_within_invoice":
            ("UPDATE insurance_claims SET claim_amount = claim_amount + 1 WHERE id = {claim}",),
        # no follow-up left: new-patient visits take their place (about 60 % of bookings then, below 75 %)
        "appointments:follow_ups_lead":
            ("UPDATE appointments SET appointment_type_id = {NEWPT} WHERE appointment_type_id = {FOLLOWUP}",),
        # a completed appointment moved a year ahead (the seeded ones are all in the past)
        "appointments:future_not_finished":
            ("UPDATE appointments SET appointment_date = DATE '{next_year}' WHERE id = {completed}",),
    },
    "second": {
        # more active admissions than beds in the department with the fewest, all in one of its beds
        "departments:occupancy_within_beds":
            ("UPDATE admissions SET bed_id = {small_bed}, status = 'active', discharged_at = NULL "
             "WHERE id IN ({crowd})",),
        # the low-stock view lists every line, a line far above its reorder level among them
        "medication_inventory:low_stock_view_lists_only_low_lines": (LOW_STOCK_VIEW,),
        # every line at its reorder level but one
        "medication_inventory:low_stock_share":
            ("UPDATE medication_inventory SET quantity_on_hand = CASE WHEN id = {high_line} THEN reorder_level + 1 "
             "ELSE reorder_level END",),
        # three more claims of one invoice, each for its whole amount: four times the bill
        "invoices:claims_of_an_invoice_within_it":
            ("INSERT INTO insurance_claims (policy_id, invoice_id, claim_number, submitted_date, claim_amount) "
             "SELECT c.policy_id, c.invoice_id, n.claim_number, c.submitted_date, c.claim_amount "
             "FROM insurance_claims AS c CROSS JOIN (SELECT 'CLM-90000001' AS claim_number UNION ALL "
             "SELECT 'CLM-90000002' UNION ALL SELECT 'CLM-90000003') AS n WHERE c.id = {claim}",),
        # about 80 % new-patient visits; follow-ups stay at about 20 %, a third type keeps half the types booked
        "appointments:no_type_dominates":
            ("UPDATE appointments SET appointment_type_id = CASE WHEN id IN ({fifth}) THEN {FOLLOWUP} "
             "WHEN id = {one} THEN {URGENT} ELSE {NEWPT} END",),
    },
    "third": {
        # half follow-ups, half new patients: two types of six booked
        "appointment_types:several_types_used":
            ("UPDATE appointments SET appointment_type_id = CASE WHEN id % 2 = 0 THEN {FOLLOWUP} ELSE {NEWPT} END",),
        # a nurse's shift given to a staff member as well
        "staff_shift_schedules:shift_has_one_owner":
            ("UPDATE staff_shift_schedules SET staff_id = {staff} WHERE id = {nurse_shift}",),
    },
}
ALSO: dict[str, set[str]] = {
    # a department cannot hold more active admissions than beds unless a bed holds two
    "departments:occupancy_within_beds": {"admissions:one_active_admission_per_bed"},
    # the contract's CHECK, which the report checks as well
    "medication_inventory:stock_not_negative": {"medication_inventory.quantity_on_hand:range"},
}
CLAIMS = {rule for breaks in BREAKS.values() for rule in breaks}


@pytest.fixture
def seeded(dbi_runtime, engine, tmp_path):
    """A fresh seeded hospital_oltp database per use (scale 1, about 1,340 rows), dropped afterwards."""
    yield from seeded_databases(dbi_runtime, engine, tmp_path, PACK)


def _rows(cur: Any, sql: str) -> list[tuple]:
    cur.execute(sql)
    return list(cur.fetchall())


def _ids(ids: list[int]) -> str:
    assert ids, "the seeded data has no row the statement needs"
    return ", ".join(str(i) for i in ids)


def placeholders(cur: Any) -> dict[str, Any]:
    """The rows the statements name, chosen from the seeded data so that each breaks its claim and no other."""
    out: dict[str, Any] = dict(_rows(cur, "SELECT code, id FROM appointment_types"))
    beds = dict(_rows(cur, "SELECT r.department_id, COUNT(*) FROM beds b JOIN rooms r ON r.id = b.room_id "
                           "GROUP BY r.department_id"))
    admissions = _rows(cur, "SELECT a.id, a.bed_id, r.department_id, a.status FROM admissions a "
                            "JOIN beds b ON b.id = a.bed_id JOIN rooms r ON r.id = b.room_id ORDER BY a.id")
    active = {d: sum(1 for a in admissions if a[2] == d and a[3] == "active") for d in beds}
    # first: a second active admission in a busy bed, the department still within its beds
    out["busy_bed"], out["moved"] = next(
        (bed, other[0]) for _, bed, dept, status in admissions if status == "active"
        for other in admissions if other[1] != bed
        and active[dept] + (0 if (other[2], other[3]) == (dept, "active") else 1) <= beds[dept])
    # second: the department with the fewest beds gets one active admission more than it has beds
    small = min((d for d in beds if beds[d] + 1 <= len(admissions)), key=lambda d: beds[d])
    out["small_bed"] = min(bed for _, bed, dept, _ in admissions if dept == small) if any(
        a[2] == small for a in admissions) else _rows(
        cur, f"SELECT MIN(b.id) FROM beds b JOIN rooms r ON r.id = b.room_id WHERE r.department_id = {small}")[0][0]
    out["crowd"] = _ids([a[0] for a in admissions if a[2] != small][:beds[small] + 1])
    high = [i for i, q, r in _rows(cur, "SELECT id, quantity_on_hand, reorder_level FROM medication_inventory "
                                        "ORDER BY id") if q > r]
    out["high_line"], out["other_high_line"] = high[0], high[1]
    out["claim"] = _rows(cur, "SELECT MIN(id) FROM insurance_claims")[0][0]
    out["staff"] = _rows(cur, "SELECT MIN(id) FROM administrative_staff")[0][0]
    out["nurse_shift"] = _rows(cur, "SELECT MIN(id) FROM staff_shift_schedules WHERE nurse_id IS NOT NULL")[0][0]
    appointments = _rows(cur, "SELECT id, appointment_date, status FROM appointments ORDER BY id")
    out["completed"] = next(i for i, _, status in appointments if status == "completed")
    out["next_year"] = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    ids = [a[0] for a in appointments]
    fifth = ids[:math.ceil(len(ids) / 5)]
    out["fifth"], out["one"] = _ids(fifth), ids[len(fifth)]
    return out


def test_every_claim_of_the_pack_is_broken_here(dbi_config):
    """A claim added to expectations.yml without a dataset that breaks it would go unproven."""
    assert claims_of(dbi_config, PACK) == CLAIMS


def test_seeded_data_meets_the_claims(dbi_runtime, dbi_config, engine, seeded, tmp_path):
    assert_claims_hold(run_report(dbi_runtime, dbi_config, PACK, engine, seeded("claims"), tmp_path / "ok"), CLAIMS)


@pytest.mark.parametrize("dataset", sorted(BREAKS))
def test_broken_claims_fail_by_name(dbi_runtime, dbi_config, engine, seeded, tmp_path, dataset):
    database = seeded(dataset)
    conn = dbi_runtime.connect(engine, database)
    try:
        dbi_runtime.backfill(engine, PACK, conn)
        cur = conn.cursor()
        values = placeholders(cur)
        for statements in BREAKS[dataset].values():
            for sql in statements:
                cur.execute(sql.format(**values))
        conn.commit()
    finally:
        conn.close()

    expected = set(BREAKS[dataset]).union(*(ALSO.get(rule, set()) for rule in BREAKS[dataset]))
    assert_exactly_these_fail(run_report(dbi_runtime, dbi_config, PACK, engine, database, tmp_path / dataset,
                                         tables_of=CLAIMS), expected)
