"""``dbintegrity load``: CSV files judged row by row against the contract, then loaded at once or not at all.

Each test copies ``fixtures/hms_db/csv`` (the seed's three files, dates as DD/MM/YYYY), breaks one thing, and
loads into a fresh database of the pack on every selected engine: a bad row of each kind is reported as
``file:line: column: value: reason`` and nothing is written; with a rejects file the good rows load and the
bad ones are set aside; a file that cannot be read as a whole is one error line; a failure in the middle of
the load rolls everything back.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.intake import LoadOptions, load_csv
from dbintegrity.intake.batch import FileError
from dbintegrity.intake.run import LoadError, parse_date_formats
from dbintegrity.seed.load import Loader

pytestmark = pytest.mark.selftest
PACK = "hms_db"
GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "hms_db" / "csv"
DMY = LoadOptions(*parse_date_formats(["DD/MM/YYYY"]))
ROWS = {"doctors": 5, "patients": 12, "appointments": 20}


@pytest.fixture
def files(tmp_path) -> Path:
    out = tmp_path / "csv"
    shutil.copytree(GOOD, out)
    return out


def edit(folder: Path, table: str, line: int, column: str, value: str) -> None:
    """Set ``column`` of the record on physical ``line`` (the header is line 1) of ``table``.csv."""
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def counts(runtime, engine: str, database: str) -> dict[str, int]:
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        out = {}
        for table in ROWS:
            cur.execute(f"SELECT COUNT(*) FROM {runtime.engine(engine).quote(table)}")
            out[table] = int(cur.fetchone()[0])
        return out
    finally:
        conn.close()


def scalar(runtime, engine: str, database: str, sql: str):
    conn = runtime.connect(engine, database)
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchone()[0]
    finally:
        conn.close()


def fresh(runtime, engine: str) -> str:
    return runtime.database(engine, PACK, "load")


def test_good_files_load_with_their_dates_transformed(dbi_runtime, engine, files):
    database = fresh(dbi_runtime, engine)
    result = load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    assert result.committed and not result.batch.problems, result.summary()
    assert counts(dbi_runtime, engine, database) == ROWS
    born = scalar(dbi_runtime, engine, database, "SELECT date_of_birth FROM patients WHERE patient_id = 'HMS/001'")
    assert str(born) == "1990-05-17", "17/05/1990 under DD/MM/YYYY is 17 May 1990"
    issued = scalar(dbi_runtime, engine, database,
                    "SELECT last_issued FROM hms_id_counters WHERE counter_name = 'patients'")
    assert issued == 12, "the loaded identifiers HMS/001..HMS/012 move the counter: the next one is HMS/013"


BAD_ROWS = [
    # (table, line, column, value, the column the report names, words of the reason)
    ("doctors", 3, "doctor_id", "two", "doctor_id", "not a whole number"),
    ("doctors", 3, "doctor_id", "2147483648", "doctor_id", "out of range for integer"),
    ("patients", 4, "first_name", "N" * 51, "first_name", "longer than varchar(50)"),
    ("patients", 4, "last_name", "", "last_name", "NOT NULL"),
    ("patients", 4, "gender", "female", "gender", "not one of the labels Male, Female"),
    ("appointments", 5, "status", "Done", "status", "not one of the labels"),
    ("patients", 4, "phone", "0772 123456", "phone", "breaks CHECK (phone ~"),
    ("doctors", 3, "phone", "256701234567", "phone", "breaks CHECK (phone ~"),
    ("patients", 4, "patient_id", "HMS/3", "patient_id", "breaks CHECK (patient_id ~"),
    ("patients", 4, "date_of_birth", "2016-02-28", "date_of_birth", "not a date in the declared format DD/MM/YYYY"),
    ("patients", 4, "date_of_birth", "30/02/2016", "date_of_birth", "no such date"),
    ("appointments", 5, "patient_id", "HMS/099", "patient_id", "no patients row with (patient_id) = (HMS/099)"),
    ("appointments", 5, "doctor_id", "9", "doctor_id", "no doctors row with (doctor_id) = (9)"),
    ("patients", 4, "patient_id", "HMS/001", "patient_id", "duplicate key (patient_id): also on line 2"),
    ("doctors", 3, "email", "s.namuli@hms.example.ug", "email", "duplicate key (email): also on line 2"),
]


@pytest.mark.parametrize(("table", "line", "column", "value", "named", "reason"), BAD_ROWS,
                         ids=[f"{t}.{c}={v[:12] or 'empty'}" for t, _l, c, v, *_ in BAD_ROWS])
def test_a_bad_row_loads_nothing(dbi_runtime, engine, files, table, line, column, value, named, reason):
    edit(files, table, line, column, value)
    database = fresh(dbi_runtime, engine)
    result = load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    problems = result.batch.problems
    assert not result.committed
    assert counts(dbi_runtime, engine, database) == dict.fromkeys(ROWS, 0), "a bad row must load nothing"
    assert any(p.line == line and p.column == named and reason in p.reason for p in problems), \
        "\n".join(map(str, problems))
    first = next(p for p in problems if p.column == named)
    assert str(first).startswith(f"{files / (table + '.csv')}:{line}: {named}: "), str(first)


def test_rejects_file_loads_the_good_rows_and_sets_the_bad_aside(dbi_runtime, engine, files, tmp_path):
    edit(files, "patients", 4, "phone", "0772-123456")  # HMS/003: refused, and so are its two appointments
    edit(files, "appointments", 9, "status", "Done")
    database = fresh(dbi_runtime, engine)
    rejects = tmp_path / "rejects.csv"
    result = load_csv(dbi_runtime, engine, database, PACK, files,
                      LoadOptions(DMY.dates, {}, rejects))
    assert result.committed
    assert counts(dbi_runtime, engine, database) == {"doctors": 5, "patients": 11, "appointments": 17}
    with rejects.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(Path(r["file"]).name, r["line"], r["column"]) for r in rows] == [
        ("patients.csv", "4", "phone"), ("appointments.csv", "4", "patient_id"), ("appointments.csv", "9", "status"),
        ("appointments.csv", "21", "patient_id")]
    assert rows[1]["reason"] == "its patients row (patients.csv:4) was refused", rows[1]
    assert rows[0]["record"].startswith("HMS/003,Esther,Auma")


def test_foreign_keys_are_checked_against_the_database(dbi_runtime, engine, files, tmp_path):
    database = fresh(dbi_runtime, engine)
    assert load_csv(dbi_runtime, engine, database, PACK, files, DMY).committed
    later = tmp_path / "later"
    later.mkdir()
    shutil.copy(files / "appointments.csv", later)
    edit(later, "appointments", 2, "patient_id", "HMS/012")  # in the database: fine
    for line in range(2, 22):
        edit(later, "appointments", line, "appointment_id", str(100 + line))
    edit(later, "appointments", 3, "patient_id", "HMS/013")  # nowhere
    result = load_csv(dbi_runtime, engine, database, PACK, later, DMY)
    assert [(p.line, p.column) for p in result.batch.problems] == [(3, "patient_id")], result.batch.problems
    assert "in the database" in result.batch.problems[0].reason
    again = load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    assert any("already in table patients" in p.reason for p in again.batch.problems)
    assert counts(dbi_runtime, engine, database) == ROWS


def test_the_declared_date_format_is_never_guessed(dbi_runtime, engine, files):
    database = fresh(dbi_runtime, engine)
    result = load_csv(dbi_runtime, engine, database, PACK, files, LoadOptions(*parse_date_formats(["MM/DD/YYYY"])))
    bad = {(p.line, p.column) for p in result.batch.problems if p.file.name == "patients.csv"}
    assert (2, "date_of_birth") in bad, "17/05/1990 is no date under MM/DD/YYYY"
    assert (2, "registered_on") not in bad, "09/01/2024 is 1 September under MM/DD/YYYY: declared, not guessed"
    assert (5, "date_of_birth") not in bad, "12/12/1978 reads the same either way"
    assert counts(dbi_runtime, engine, database) == dict.fromkeys(ROWS, 0)


def test_per_column_date_format(dbi_runtime, engine, files):
    path = files / "patients.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    for row in rows[1:]:
        d, m, y = row[8].split("/")
        row[8] = f"{y}-{m}-{d}"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    database = fresh(dbi_runtime, engine)
    options = LoadOptions(*parse_date_formats(["DD/MM/YYYY", "patients.registered_on=YYYY-MM-DD"]))
    result = load_csv(dbi_runtime, engine, database, PACK, files, options)
    assert result.committed, "\n".join(map(str, result.batch.problems))


def test_encoding_error_names_the_line(dbi_runtime, engine, files):
    path = files / "patients.csv"
    path.write_bytes(path.read_bytes().replace(b"Esther", "Est\xe9r".encode("cp1252")))
    database = fresh(dbi_runtime, engine)
    with pytest.raises(FileError, match=r"patients\.csv:4: byte b'\\xe9' .* not utf-8; .*--encoding"):
        load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    result = load_csv(dbi_runtime, engine, database, PACK, files, LoadOptions(DMY.dates, {}, None, "cp1252"))
    assert result.committed
    assert scalar(dbi_runtime, engine, database, "SELECT first_name FROM patients WHERE patient_id = 'HMS/003'") \
        == "Estér"


@pytest.mark.parametrize(("change", "message"), [
    ("missing", r"patients\.csv:1: missing column\(s\) phone of table patients"),
    ("extra", r"patients\.csv:1: column 'nin' is not a column of table patients"),
    ("empty", r"patients\.csv:1: empty file"),
    ("unknown", r"wards\.csv: no table 'wards' in the pack"),
])
def test_files_that_cannot_be_read_as_a_whole(dbi_runtime, engine, files, change, message):
    path = files / "patients.csv"
    rows = list(csv.reader(path.open(newline="", encoding="utf-8")))
    if change == "missing":
        rows = [r[:5] + r[6:] for r in rows]
    elif change == "extra":
        rows = [r + (["nin"] if i == 0 else ["CM90012345ABCD"]) for i, r in enumerate(rows)]
    if change == "empty":
        path.write_text("", encoding="utf-8")
    elif change == "unknown":
        (files / "wards.csv").write_text("ward\nA\n", encoding="utf-8")
    else:
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    database = fresh(dbi_runtime, engine)
    with pytest.raises(FileError, match=message):
        load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    assert counts(dbi_runtime, engine, database) == dict.fromkeys(ROWS, 0)


def test_a_header_only_file_loads_no_rows(dbi_runtime, engine, files):
    path = files / "appointments.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    database = fresh(dbi_runtime, engine)
    result = load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    assert result.committed and counts(dbi_runtime, engine, database) == {**ROWS, "appointments": 0}


def test_a_failure_mid_load_rolls_everything_back(dbi_runtime, engine, files, monkeypatch):
    """The engine refuses the last table after the first two are in: no table keeps any row."""
    original = {cls: cls.load for cls in Loader.__subclasses__()}

    def failing(self, enc, spool):
        if enc.table == "appointments":
            from dbintegrity.seed.errors import SeedError
            original[type(self)](self, enc, spool)
            raise SeedError("appointments: the engine refused a row (simulated after the rows were sent)")
        return original[type(self)](self, enc, spool)

    for cls in original:
        monkeypatch.setattr(cls, "load", failing)
    database = fresh(dbi_runtime, engine)
    with pytest.raises(LoadError, match=r"appointments\.csv: .*nothing was loaded \(rolled back\)"):
        load_csv(dbi_runtime, engine, database, PACK, files, DMY)
    assert counts(dbi_runtime, engine, database) == dict.fromkeys(ROWS, 0)


def test_command_line_reports_and_exit_status(dbi_runtime, dbi_config, engine, files, tmp_path, capsys):
    edit(files, "patients", 4, "phone", "0772 123456")
    packs = str(dbi_config.packs_dir)
    args = ["load", PACK, "--csv", str(files), "--engine", engine, "--date-format", "DD/MM/YYYY", "--packs", packs]
    assert cli.main(args) == 1
    out = capsys.readouterr()
    assert f"{files / 'patients.csv'}:4: phone: '0772 123456': breaks CHECK" in out.err
    assert "nothing was loaded" in out.out and "removed the disposable database" in out.out
    assert cli.main([*args, "--rejects", str(tmp_path / "r.csv")]) == 1
    assert "written to" in capsys.readouterr().out
    assert cli.main(["load", PACK, "--csv", str(files), "--packs", packs]) == 2
    assert "--url URL" in capsys.readouterr().err
