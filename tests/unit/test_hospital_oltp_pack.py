"""hospital_oltp holds every number and name its seed states (``../shared/seeds/000_b113040044f9af6a.txt``),
checked without a database: 52 tables, 82 foreign keys, the 15 views by name, the scale-1 counts of the seed's
data layers, and reference files of real, well-formed codes.  The figures below are copied from the seed's text."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from dbintegrity.pack import contract

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "sql" / "hospital_oltp"
REFERENCE = REPO / "fixtures" / "hospital_oltp" / "reference"
VIEWS = ["vw_active_doctors", "vw_todays_appointments", "vw_upcoming_appointments", "vw_active_encounters",
         "vw_active_prescriptions", "vw_available_beds", "vw_bed_occupancy", "vw_department_statistics",
         "vw_pending_lab_orders", "vw_pending_radiology_orders", "vw_low_stock_medications",
         "vw_outstanding_invoices", "vw_insurance_claims_summary", "vw_patient_summary", "vw_doctor_performance"]
SEED_COUNTS = {"departments": 12, "facilities": 4, "rooms": 31, "beds": 33, "equipment": 12, "doctors": 15,
               "nurses": 13, "administrative_staff": 8, "specialists": 8, "staff_shift_schedules": 126,
               "doctor_schedules": 91, "patients": 15, "patient_addresses": 67, "patient_emergency_contacts": 75,
               "patient_allergies": 26}


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def test_52_tables_82_foreign_keys_15_views():
    schema = contract.load(PACK / "contract.yml")
    assert len(schema.tables) == 52
    assert sum(len(t.foreign_keys) for t in schema.tables.values()) == 82
    assert sorted(schema.views) == sorted(VIEWS)
    assert all("created_at" in t.columns for t in schema.tables.values())
    assert {n for n, t in schema.tables.items() if "updated_at" not in t.columns} == {"audit_logs"}
    actions = {fk.on_delete for t in schema.tables.values() for fk in t.foreign_keys}
    assert {"CASCADE", "SET NULL", "RESTRICT"} <= actions


def test_every_foreign_key_is_in_the_readme_table():
    schema = contract.load(PACK / "contract.yml")
    readme = (PACK / "README.md").read_text(encoding="utf-8")
    for t in schema.tables.values():
        for fk in t.foreign_keys:
            row = f"| `{t.name}.{fk.columns[0]}` | `{fk.ref_table}` | {fk.on_delete} |"
            assert row in readme, f"README has no row {row}"


def test_every_view_has_a_meaning():
    meanings = yaml.safe_load((PACK / "views.yml").read_text(encoding="utf-8"))["views"]
    assert sorted(meanings) == sorted(VIEWS)


def test_scale_one_has_the_seeds_counts():
    tables = yaml.safe_load((PACK / "seed_profile.yml").read_text(encoding="utf-8"))["tables"]

    def rows(spec: object) -> object:
        return len(_rows(spec["lines"])) if isinstance(spec, dict) and "lines" in spec else spec

    assert {name: rows(tables[name]["rows"]) for name in SEED_COUNTS} == SEED_COUNTS


def test_reference_files_hold_enough_well_formed_codes():
    icd, cpt, meds, inter, payers = (_rows(n) for n in ("icd10", "cpt", "medications", "interactions", "insurers"))
    assert len(icd) >= 54 and all(re.fullmatch(r"[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", r["code"]) for r in icd)
    assert len(cpt) >= 40 and all(re.fullmatch(r"[0-9]{4}[0-9FTU]", r["code"]) for r in cpt)
    ndc = r"[0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9]"
    assert len(meds) >= 40 and all(re.fullmatch(ndc, r["ndc_code"]) for r in meds)
    assert len({r["ndc_code"] for r in meds}) == len(meds) and len({r["code"] for r in icd}) == len(icd)
    assert len(payers) == 10
    names = [r["generic_name"] for r in meds]
    for r in inter:  # line numbers are the seeded medications' ids: they must name the drugs the line names
        assert names[int(r["medication_no"]) - 1] == r["drug"]
        assert names[int(r["interacts_with_no"]) - 1] == r["interacts_with"]
    assert {r["severity"] for r in inter} == {"minor", "moderate", "severe"}
    assert {"I10", "E11.9"} <= {r["code"] for r in icd} and {"99213", "99214"} <= {r["code"] for r in cpt}
