"""``dbintegrity load`` on chirona's reference data (``fixtures/chirona``: staff, doctors, admin staff, rooms), a
pack whose PostgreSQL tables live in the schema "ChironaSchema" under mixed-case names: the files load on every
engine, and a row that breaks the contract (a doctor who is not on the staff, a room of capacity 0) loads nothing
and is named ``file:line: column: value: reason``."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dbintegrity.intake import LoadOptions, load_csv
from dbintegrity.intake.run import parse_date_formats

pytestmark = pytest.mark.selftest
PACK = "chirona"
GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "chirona"
ISO = LoadOptions(*parse_date_formats([]))
ROWS = {"Staff": 12, "Doctor": 5, "AdminStaff": 2, "Room": 8}


@pytest.fixture
def files(tmp_path) -> Path:
    out = tmp_path / "csv"
    shutil.copytree(GOOD, out)
    return out


def _counts(runtime, engine: str, database: str) -> dict[str, int]:
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        out = {}
        for table in ROWS:
            cur.execute(f"SELECT COUNT(*) FROM {runtime.engine(engine).quote_table(table)}")
            out[table] = int(cur.fetchone()[0])
        return out
    finally:
        conn.close()


def test_reference_files_load(dbi_runtime, engine, files):
    database = dbi_runtime.database(engine, PACK, "load")
    result = load_csv(dbi_runtime, engine, database, PACK, files, ISO)
    assert result.committed and not result.batch.problems, result.summary()
    assert _counts(dbi_runtime, engine, database) == ROWS


@pytest.mark.parametrize(("table", "line", "column", "value", "reason"), [
    ("doctor", 3, "DoctorID", "99", "no Staff row with (StaffID) = (99)"),
    ("room", 4, "Capacity", "0", "breaks CHECK"),
    ("staff", 2, "Role", "Surgeon", "breaks CHECK"),
], ids=["doctor-not-on-staff", "room-capacity-0", "unknown-role"])
def test_a_bad_row_loads_nothing(dbi_runtime, engine, files, table, line, column, value, reason):
    path = files / f"{table}.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    database = dbi_runtime.database(engine, PACK, "load")
    result = load_csv(dbi_runtime, engine, database, PACK, files, ISO)
    assert not result.committed
    assert _counts(dbi_runtime, engine, database) == dict.fromkeys(ROWS, 0)
    problem = next((p for p in result.batch.problems if p.line == line and reason in p.reason), None)
    assert problem is not None, "\n".join(map(str, result.batch.problems))
    assert str(problem).startswith(f"{path}:{line}: {column}: "), str(problem)
