"""sqlinput: reading schema scripts as people ship them, without a database.

Dumps (real pg_dump / mysqldump output from ``fixtures/zero_config/make_dumps.py``), include chains,
Flyway and numbered folders, the OHDSI four-file layout, placeholders, and errors that name the user's
own file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity.sqltext.inputs import (
    InputError,
    Inputs,
    natural_key,
    ordered_files,
    parse_defines,
    read_inputs,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "zero_config"


def texts(paths, dialect, **defines):
    """The statement texts ``paths`` read as."""
    return [s.text for s in read_inputs(paths, dialect=dialect, defines=defines)]


# -- dumps -------------------------------------------------------------------------------------------

def test_pg_dump_reads_without_meta_commands_and_keeps_copy_rows():
    dump = FIXTURES / "pg_dump" / "clinic.sql"
    assert "\\restrict " in dump.read_text() and "\\unrestrict " in dump.read_text(), "regenerate with a current pg_dump"
    got = read_inputs([dump], dialect="postgres")
    assert not any(s.text.startswith("\\") for s in got)
    copies = {s.text.split()[1]: s for s in got if s.data is not None}
    assert set(copies) == {"public.admission", "public.patient", "public.ward"}
    patient = copies["public.patient"].data or ""
    assert patient.count("\n") == 3 and "Ada O'Neill" in patient and "\\N" in patient
    after = got[got.index(copies["public.ward"]) + 1]
    lines = dump.read_text().splitlines()
    assert lines[after.line - 1].startswith(after.text.splitlines()[0]), "lines after a COPY block are right"
    assert all(s.path == dump for s in got)


def test_mysqldump_drops_locks_and_definers_and_keeps_versioned_comments():
    dump = FIXTURES / "mysqldump" / "clinic.sql"
    raw = dump.read_text()
    assert "LOCK TABLES" in raw and "DEFINER=" in raw and "DELIMITER ;;" in raw and "/*!40101 SET @OLD_" in raw
    got = texts([dump], "mysql")
    assert not any("LOCK TABLES" in t or "DEFINER=" in t or "GTID_PURGED" in t for t in got)
    assert not any(t.startswith("SET @@SESSION.SQL_LOG_BIN") for t in got)
    assert "/*!50013  SQL SECURITY DEFINER */" in next(t for t in got if "VIEW `open_admission` AS select" in t)
    assert "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */" in got
    trigger = next(t for t in got if "TRIGGER `patient_mrn`" in t)
    assert trigger.startswith("/*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER")
    procedure = next(t for t in got if "PROCEDURE `discharge`" in t)
    assert procedure.startswith("CREATE  PROCEDURE `discharge`") and procedure.rstrip().endswith("END")


def test_pg_dump_create_loads_into_the_database_under_test():
    """``pg_dump --create``: CREATE/ALTER DATABASE clinic and ``\\connect clinic`` stand for the database
    being loaded, so none of them reaches the server."""
    dump = FIXTURES / "pg_dump" / "clinic_create.sql"
    assert "\\connect clinic" in dump.read_text() and "CREATE DATABASE clinic" in dump.read_text()
    notes: list[str] = []
    got = read_inputs([dump], dialect="postgres", log=notes.append)
    assert not any("DATABASE" in s.text.split("(")[0] for s in got)
    assert sum("left out: the database being loaded stands in for it" in n for n in notes) == 2
    assert any(s.text.startswith("CREATE TABLE public.patient") for s in got)


@pytest.mark.parametrize(("command", "skipped"), [
    ("\\restrict k3y", True), ("\\unrestrict k3y", True), ("\\set ON_ERROR_STOP on", True),
    ("\\echo hello", True), ("\\connect clinic", True),
])
def test_psql_meta_commands_that_are_skipped(tmp_path, command, skipped):
    path = tmp_path / "s.sql"
    path.write_text(f"{command}\nCREATE TABLE t (id int);\n")
    assert texts([path], "postgres") == ["CREATE TABLE t (id int)"]


def test_psql_meta_command_that_is_refused_names_itself_and_its_line(tmp_path):
    path = tmp_path / "s.sql"
    path.write_text("CREATE TABLE t (id int);\n\\copy t from 'x.csv'\n")
    with pytest.raises(InputError, match=r"s\.sql:2: client command \\copy is not supported"):
        read_inputs([path], dialect="postgres")


def test_psql_connect_to_its_own_database_leaves_out_create_database(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text("CREATE DATABASE clinic WITH ENCODING = 'UTF8';\nALTER DATABASE clinic OWNER TO app;\n"
                    "\\connect clinic\nCREATE TABLE t (id int);\n\\connect clinic\nSELECT 1;\n")
    assert texts([path], "postgres") == ["CREATE TABLE t (id int)", "SELECT 1"]


def test_psql_connect_to_another_database_is_refused(tmp_path):
    path = tmp_path / "dump.sql"
    path.write_text("\\connect clinic\nCREATE TABLE t (id int);\n\\c billing\nCREATE TABLE u (id int);\n")
    with pytest.raises(InputError, match=r"dump\.sql:3: `\\c billing` switches to another database than clinic"):
        read_inputs([path], dialect="postgres")


# -- includes ----------------------------------------------------------------------------------------

def test_mysql_source_chain_relative_to_the_including_file_then_the_top_script():
    top = FIXTURES / "includes_mysql" / "create_all.sql"
    csv = (top.parent / "parts" / "staff.csv").resolve()
    got = read_inputs([top], dialect="mysql")
    assert [(s.path.name, s.text.split("(")[0].strip()) for s in got] == [
        ("step_01_structure.sql", "CREATE TABLE department"),
        ("step_01b_staff.sql", "CREATE TABLE staff"),
        ("step_02_data.sql", "INSERT INTO department"),
        ("step_02_data.sql", f"LOAD DATA LOCAL INFILE '{csv}' INTO TABLE staff FIELDS TERMINATED BY ','"),
        ("step_02_data.sql", "DROP PROCEDURE IF EXISTS staff_count"),
        ("step_02_data.sql", "CREATE PROCEDURE staff_count"),
        ("step_02_data.sql", "DROP PROCEDURE IF EXISTS department_count"),
        ("step_02_data.sql", "CREATE PROCEDURE department_count"),
        ("step_03_later.sql", "ALTER TABLE staff ADD COLUMN hired DATE NULL"),
    ]


def test_psql_includes():
    got = read_inputs([FIXTURES / "includes_psql" / "install.sql"], dialect="postgres")
    assert [(s.path.name, s.line) for s in got] == [
        ("types.sql", 1), ("tables.sql", 1), ("tables_more.sql", 1), ("tables_more.sql", 6)]
    assert got[-1].data == ""


def test_missing_include_names_the_including_line(tmp_path):
    (tmp_path / "top.sql").write_text("CREATE TABLE a (id int);\n\nsource step_a100.sql\n")
    with pytest.raises(InputError, match=r"top\.sql:3: `source step_a100\.sql`: no such file \(looked in "):
        read_inputs([tmp_path / "top.sql"], dialect="mysql")


def test_include_cycle_is_an_error(tmp_path):
    (tmp_path / "a.sql").write_text("\\ir b.sql\n")
    (tmp_path / "b.sql").write_text("SELECT 1;\n\\ir a.sql\n")
    with pytest.raises(InputError, match=r"b\.sql:2: `\\ir a\.sql` includes a file already being read "
                                         r"\(a\.sql -> b\.sql -> a\.sql\)"):
        read_inputs([tmp_path / "a.sql"], dialect="postgres")


def test_missing_load_data_file_is_named_before_any_server(tmp_path):
    (tmp_path / "data.sql").write_text("LOAD DATA LOCAL INFILE './data_en/x.csv' INTO TABLE x;\n")
    with pytest.raises(InputError, match=r"data\.sql:1: .*no such file \./data_en/x\.csv"):
        read_inputs([tmp_path / "data.sql"], dialect="mysql")


# -- folders -----------------------------------------------------------------------------------------

def test_flyway_folder_in_version_order_repeatables_last_undo_left_out():
    notes: list[str] = []
    got = ordered_files(FIXTURES / "flyway", dialect="postgres", log=notes.append)
    assert [p.name for p in got] == ["V1__wards.sql", "V5__patients.sql", "V5_1__patient_ward.sql",
                                     "V10__admissions.sql", "V11__discharge_note.sql", "R__open_admissions.sql",
                                     "afterMigrate.sql"]
    assert got[4].parent.name == "later"
    assert any("U5_1__patient_ward.sql: undo migration, not applied" in n for n in notes)
    assert any("beforeEachMigrate.sql: Flyway callback beforeEachMigrate, not applied" in n for n in notes)


def test_a_folder_with_an_entry_script_runs_its_includes_once(tmp_path):
    """A folder holding a top-level script and the steps it sources: the steps run where it includes them."""
    (tmp_path / "create_all.sql").write_text("source step_1.sql;\nsource step_2.sql;\n")
    (tmp_path / "step_1.sql").write_text("CREATE TABLE a (id INT PRIMARY KEY);\n")
    (tmp_path / "step_2.sql").write_text("ALTER TABLE a ADD COLUMN b INT;\n")
    notes: list[str] = []
    got = read_inputs([tmp_path], dialect="mysql", log=notes.append)
    assert [s.text for s in got] == ["CREATE TABLE a (id INT PRIMARY KEY)", "ALTER TABLE a ADD COLUMN b INT"]
    assert sum("included by create_all.sql, so not applied on its own" in n for n in notes) == 2


def test_flyway_duplicate_version_is_an_error(tmp_path):
    (tmp_path / "V1__a.sql").write_text("SELECT 1;")
    (tmp_path / "V1_0__b.sql").write_text("SELECT 1;")
    with pytest.raises(InputError, match=r"V1__a\.sql: Flyway version 1 is also V1_0__b\.sql; each version must be"):
        ordered_files(tmp_path, dialect="postgres")


def test_numbered_files_in_natural_order():
    assert [p.name for p in ordered_files(FIXTURES / "numbered", dialect="mysql")] == [
        "1_settings.sql", "2_wards.sql", "10_beds.sql"]
    assert sorted(["10_a", "2_b", "1_c"], key=natural_key) == ["1_c", "2_b", "10_a"]


def test_unnumbered_folder_goes_by_kind_of_ddl():
    """The OHDSI layout: alphabetical order would run the foreign keys before the tables they join."""
    got = [p.name for p in ordered_files(FIXTURES / "ohdsi", dialect="postgres")]
    assert got == ["CLINIC_postgresql_ddl.sql", "CLINIC_postgresql_primary_keys.sql",
                   "CLINIC_postgresql_constraints.sql", "CLINIC_postgresql_indices.sql"]


def test_a_version_every_name_shares_is_no_order(tmp_path):
    """OMOP CDM ships ``OMOPCDM_postgresql_5.4_ddl.sql`` ... ``_5.4_constraints.sql``: the shared ``5`` is the
    release, not a step number, so the files still go by what they hold."""
    for path in (FIXTURES / "ohdsi").iterdir():
        (tmp_path / path.name.replace("_postgresql_", "_postgresql_5.4_")).write_bytes(path.read_bytes())
    got = [p.name for p in ordered_files(tmp_path, dialect="postgres")]
    assert got == ["CLINIC_postgresql_5.4_ddl.sql", "CLINIC_postgresql_5.4_primary_keys.sql",
                   "CLINIC_postgresql_5.4_constraints.sql", "CLINIC_postgresql_5.4_indices.sql"]


def test_unnumbered_folder_kinds_views_and_data_last(tmp_path):
    (tmp_path / "a_data.sql").write_text("-- rows\nINSERT INTO t VALUES (1);")
    (tmp_path / "b_views.sql").write_text("CREATE VIEW v AS SELECT 1;")
    (tmp_path / "c_unique.sql").write_text("SET search_path = app;\nCREATE UNIQUE INDEX u ON t (x);")
    (tmp_path / "d_schema.sql").write_text("/*!40101 SET NAMES utf8 */;\nDROP TABLE IF EXISTS t;")
    assert [p.name for p in ordered_files(tmp_path, dialect="mysql")] == [
        "d_schema.sql", "c_unique.sql", "b_views.sql", "a_data.sql"]


def test_repeated_paths_are_applied_as_given():
    got = read_inputs([FIXTURES / "numbered" / "10_beds.sql", FIXTURES / "numbered" / "2_wards.sql"],
                      dialect="mysql")
    assert [s.path.name for s in got] == ["10_beds.sql", "2_wards.sql"]


# -- placeholders ------------------------------------------------------------------------------------

def test_ohdsi_placeholder_filled_everywhere():
    got = texts([FIXTURES / "ohdsi"], "postgres", cdmDatabaseSchema="cdm")
    assert got[0].startswith("CREATE TABLE cdm.concept (")
    assert "REFERENCES cdm.CONCEPT (CONCEPT_ID)" in "\n".join(got)
    assert not any("@" in t for t in got)


def test_flyway_placeholder_filled():
    got = texts([FIXTURES / "flyway"], "postgres", schema="clinic")
    assert got[0].startswith("CREATE TABLE clinic.ward") and not any("${" in t for t in got)


@pytest.mark.parametrize(("fixture", "dialect", "message"), [
    ("ohdsi", "postgres", r"CLINIC_postgresql_ddl\.sql:3: placeholder @cdmDatabaseSchema has no value: "
                          r"pass --define cdmDatabaseSchema=VALUE"),
    ("flyway", "postgres", r"V1__wards\.sql:1: placeholder \$\{schema\} has no value: pass --define schema=VALUE"),
])
def test_unfilled_placeholder_is_one_line_naming_file_line_and_define(fixture, dialect, message):
    with pytest.raises(InputError, match=message) as info:
        read_inputs([FIXTURES / fixture], dialect=dialect)
    assert "\n" not in str(info.value)


def test_mysql_user_variables_are_not_placeholders(tmp_path):
    path = tmp_path / "s.sql"
    path.write_text("SET @OLD_SQL_MODE=@@SQL_MODE;\nCREATE TABLE @db.t (id int);\n")
    assert texts([path], "mysql", db="clinic") == ["SET @OLD_SQL_MODE=@@SQL_MODE", "CREATE TABLE clinic.t (id int)"]


def test_parse_defines():
    assert parse_defines(["a=1", "cdmDatabaseSchema=public", "x=a=b"]) == {
        "a": "1", "cdmDatabaseSchema": "public", "x": "a=b"}
    with pytest.raises(InputError, match=r"--define 'oops': expected NAME=VALUE"):
        parse_defines(["oops"])


# -- errors name the user's file ---------------------------------------------------------------------

def test_split_errors_name_the_included_file(tmp_path):
    (tmp_path / "top.sql").write_text("\\i part.sql\n")
    (tmp_path / "part.sql").write_text("SELECT 1;\n\nSELECT 'unterminated;\n")
    with pytest.raises(InputError, match=r"part\.sql:3: unterminated ' quote"):
        read_inputs([tmp_path / "top.sql"], dialect="postgres")


def test_staged_inputs_round_trip(tmp_path):
    inputs = Inputs((FIXTURES / "ohdsi",), "postgres", {"cdmDatabaseSchema": "public"})
    inputs.write(tmp_path)
    again = Inputs.read(tmp_path)
    assert again == inputs
    assert next(s.path for s in again.statements()) == FIXTURES / "ohdsi" / "CLINIC_postgresql_ddl.sql"


def test_nothing_to_read(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_inputs([tmp_path / "nope.sql"], dialect="mysql")
    with pytest.raises(InputError, match=r"the folder has no \.sql files"):
        read_inputs([tmp_path], dialect="mysql")


def test_psql_variables_from_set_and_define(tmp_path):
    """``\\set`` and ``--define`` (as ``psql -v``) fill :name, :'name' and :"name", where psql would."""
    path = tmp_path / "s.sql"
    path.write_text("\\set schema app\n\\set owner 'Dr O''Neill'\n"
                    "CREATE SCHEMA :\"schema\";\n"
                    "CREATE TABLE :schema.t (id int DEFAULT '1'::int, note text DEFAULT :'owner', "
                    "tag text DEFAULT 'x:schema', r int[] DEFAULT '{1}', s int DEFAULT (ARRAY[1,2])[1:2][1]);\n"
                    "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ DECLARE x int; BEGIN x := 1; "
                    "RETURN :unknown; END $$;\n"
                    "\\unset schema\nSELECT :schema, :limit;\n")
    got = texts([path], "postgres", limit="5")
    assert got == [
        'CREATE SCHEMA "app"',
        "CREATE TABLE app.t (id int DEFAULT '1'::int, note text DEFAULT 'Dr O''Neill', tag text DEFAULT "
        "'x:schema', r int[] DEFAULT '{1}', s int DEFAULT (ARRAY[1,2])[1:2][1])",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ DECLARE x int; BEGIN x := 1; RETURN :unknown; "
        "END $$",
        "SELECT :schema, 5",
    ]


def test_gzipped_dump_reads_like_the_plain_one(tmp_path):
    import gzip

    dump = FIXTURES / "pg_dump" / "clinic.sql"
    packed = tmp_path / "clinic.sql.gz"
    packed.write_bytes(gzip.compress(dump.read_bytes()))
    plain = [(s.text, s.line, s.data) for s in read_inputs([dump], dialect="postgres")]
    assert [(s.text, s.line, s.data) for s in read_inputs([packed], dialect="postgres")] == plain
    assert [p.name for p in ordered_files(tmp_path, dialect="postgres")] == ["clinic.sql.gz"]


def test_pg_dump_archive_says_how_to_get_sql(tmp_path):
    archive = tmp_path / "clinic.dump"
    archive.write_bytes(b"PGDMP\x01\x0f\x00" + bytes(64))
    with pytest.raises(InputError, match=r"clinic\.dump is a pg_dump archive, not SQL: turn it into SQL with "
                                         r"`pg_restore -f out\.sql "):
        read_inputs([archive], dialect="postgres")


def test_numbered_after_a_common_prefix_is_natural_order(tmp_path):
    for name in ("step_10_later.sql", "step_2_tables.sql", "step_1_schema.sql"):
        (tmp_path / name).write_text("INSERT INTO t VALUES (1);" if "later" not in name else "CREATE TABLE u (id int);")
    assert [p.name for p in ordered_files(tmp_path, dialect="mysql")] == [
        "step_1_schema.sql", "step_2_tables.sql", "step_10_later.sql"]
    (tmp_path / "readme.sql").write_text("CREATE TABLE v (id int);")  # not numbered: the folder goes by kind
    assert [p.name for p in ordered_files(tmp_path, dialect="mysql")][:2] == ["readme.sql", "step_10_later.sql"]
