"""contract: loading contract.yml, its items and ids, and the sentences that explain a difference."""

import copy
from pathlib import Path

import pytest

from dbintegrity.errors import ContractError
from dbintegrity.pack import contract
from dbintegrity.pack.contract import check_item, compare, dump, items, load
from dbintegrity.pack.model import Check, Column, ForeignKey, Index, Schema, Table

REPO = Path(__file__).resolve().parents[2]


def hospital():
    """A small schema in the contract's canonical order (what load(dump(...)) gives back)."""
    patients = Table(
        "patients",
        columns={
            "id": Column("id", "varchar(36)", nullable=False),
            "name": Column("name", "varchar(100)", nullable=False),
            "status": Column("status", "enum", nullable=True, default="'active'",
                             enum=("active", "inactive", "deceased")),
            "born": Column("born", "date", nullable=True),
        },
        primary_key=("id",),
    )
    users = Table(
        "users",
        columns={
            "id": Column("id", "varchar(36)", nullable=False),
            "email": Column("email", "varchar(255)", nullable=False),
            "updated_at": Column("updated_at", "timestamp", nullable=True, default="CURRENT_TIMESTAMP",
                                 on_update="CURRENT_TIMESTAMP"),
        },
        primary_key=("id",),
        indexes=[Index(("email",), unique=True)],
    )
    appointments = Table(
        "appointments",
        columns={
            "id": Column("id", "varchar(36)", nullable=False),
            "patient_id": Column("patient_id", "varchar(36)", nullable=False),
            "doctor_id": Column("doctor_id", "varchar(36)", nullable=True),
            "minutes": Column("minutes", "integer", nullable=True, default="30"),
            "fee": Column("fee", "decimal(10,2)", nullable=True),
            "fee_due": Column("fee_due", "decimal(10,2)", nullable=True, generated="fee - 0"),
        },
        primary_key=("id",),
        foreign_keys=[
            ForeignKey(("doctor_id",), "users", ("id",), on_delete="SET NULL"),
            ForeignKey(("patient_id",), "patients", ("id",), on_delete="CASCADE", on_update="RESTRICT"),
        ],
        indexes=[Index(("doctor_id",)), Index(("patient_id", "minutes"))],
        checks=[Check("minutes > 0")],
    )
    return Schema(tables={t.name: t for t in (appointments, patients, users)})


def write(tmp_path, text, name="contract.yml"):
    path = tmp_path / "pack" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- load errors ----------------------------------------------------------------------------------------

def test_missing_contract_says_to_run_snapshot(tmp_path):
    path = tmp_path / "healthcare" / "contract.yml"
    with pytest.raises(ContractError) as info:
        load(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}: no contract")
    assert "`dbintegrity snapshot healthcare --engine mysql`" in msg


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "tables:\n  users:\n    columns: {id: {type: int, nullable: false}\n  x: 1\n")
    with pytest.raises(ContractError) as info:
        load(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}:4: not valid YAML: ")


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "views: {}\n", "tables: [a, b]\n", "just text\n"],
                         ids=["empty", "list", "no-tables", "tables-list", "scalar"])
def test_wrong_top_level_shape(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ContractError) as info:
        load(path)
    assert str(info.value) == f"{path}: expected a mapping with a 'tables' key"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("tables:\n  t:\n    columns:\n      id: {type: int}\n", "tables.t.columns.id: missing nullable"),
        ("tables:\n  t:\n    columns:\n      id: 5\n", "tables.t.columns.id: expected a mapping, got int"),
        ("tables:\n  t: 5\n", "tables.t: expected a mapping, got int"),
        ("tables:\n  t:\n    columns: {}\n    foreign_keys: [users(id)]\n",
         "tables.t.foreign_keys: expected a mapping, got str"),
        ("tables:\n  t:\n    columns: {}\n    foreign_keys:\n    - {references: users(id)}\n",
         "tables.t.foreign_keys: missing columns"),
    ],
    ids=["missing-key", "column-not-mapping", "table-not-mapping", "fk-not-mapping", "fk-without-columns"],
)
def test_wrong_shape_is_one_line_with_file_and_place(tmp_path, text, want):
    path = write(tmp_path, text)
    with pytest.raises(ContractError) as info:
        load(path)
    assert str(info.value) == f"{path}: {want}"


@pytest.mark.parametrize("references", ["users", "users.id", "(id)", "users(id"])
def test_bad_fk_references(tmp_path, references):
    path = write(tmp_path, "tables:\n  t:\n    columns: {}\n    foreign_keys:\n"
                           f"    - {{columns: [a], references: '{references}'}}\n")
    with pytest.raises(ContractError) as info:
        load(path)
    assert str(info.value) == (f"{path}: tables.t.foreign_keys: references must look like 'table(col)', "
                               f"got {references!r}")


def test_unknown_fk_action(tmp_path):
    path = write(tmp_path, "tables:\n  t:\n    columns: {}\n    foreign_keys:\n"
                           "    - {columns: [a], references: users(id), on_delete: EXPLODE}\n")
    with pytest.raises(ContractError) as info:
        load(path)
    assert str(info.value) == (f"{path}: FK action 'EXPLODE' is not one of "
                               "CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION")


def test_fk_actions_default_to_no_action_and_are_upper_cased(tmp_path):
    path = write(tmp_path, "tables:\n  t:\n    columns: {}\n    foreign_keys:\n"
                           "    - {columns: [a], references: ' users ( id, code ) ', on_update: set null}\n")
    fk = load(path).tables["t"].foreign_keys[0]
    assert fk == ForeignKey(("a",), "users", ("id", "code"), on_delete="NO ACTION", on_update="SET NULL")


def test_checks_are_normalised_on_load(tmp_path):
    path = write(tmp_path, "tables:\n  vitals:\n    columns: {}\n    checks: ['(pain BETWEEN 0 AND 10)']\n")
    assert load(path).tables["vitals"].checks == [Check("pain >= 0 AND pain <= 10")]


# -- dump / load ---------------------------------------------------------------------------------------

def test_dump_then_load_round_trips(tmp_path):
    schema = hospital()
    text = dump(schema, pack="hospital", engine="postgres")
    assert text.startswith("# Integrity contract of pack hospital")
    assert "`dbintegrity snapshot hospital --engine postgres`" in text
    assert load(write(tmp_path, text)) == schema


def test_dump_is_stable_whatever_the_order_of_keys(tmp_path):
    shuffled = hospital()
    appts = shuffled.tables["appointments"]
    appts.foreign_keys.reverse()
    appts.indexes.reverse()
    shuffled.tables = dict(reversed(shuffled.tables.items()))
    assert dump(shuffled, "p", "mysql") == dump(hospital(), "p", "mysql")


def test_dump_quotes_sql_literals_readably():
    text = dump(hospital(), "p", "mysql")
    assert "default: \"'active'\"" in text
    assert "'''" not in text


def test_real_contract_loads():
    schema = load(REPO / "sql" / "healthcare_mgmt" / "contract.yml")
    assert len(schema.tables) == 13  # the seed's 12 and the pack's audit_log (04_audit.sql)
    assert {"patients", "users", "appointments", "vitals"} <= set(schema.tables)


# -- items and their ids -------------------------------------------------------------------------------

def ids(kind, schema=None):
    return [i.id for i in items(schema or hospital(), kind)]


def test_item_ids():
    assert ids("table") == ["appointments", "patients", "users"]
    assert ids("column")[:3] == ["appointments.id", "appointments.patient_id", "appointments.doctor_id"]
    assert ids("primary_key") == ["appointments:primary_key(id)", "patients:primary_key(id)",
                                  "users:primary_key(id)"]
    assert ids("unique") == ["users:unique(email)"]
    assert ids("index") == ["appointments:index(doctor_id)", "appointments:index(patient_id,minutes)"]
    assert ids("foreign_key") == ["appointments.doctor_id->users.id:SET_NULL",
                                  "appointments.patient_id->patients.id:CASCADE"]
    assert ids("check") == ["appointments:check(minutes > 0)"]
    assert ids("undeclared") == ["appointments:undeclared(nothing-undeclared)",
                                 "patients:undeclared(nothing-undeclared)", "users:undeclared(nothing-undeclared)"]


def test_ids_are_unique_per_kind():
    for kind in contract.KINDS:
        got = ids(kind)
        assert len(got) == len(set(got)), kind


# -- differences ---------------------------------------------------------------------------------------

def item(kind, ident):
    return next(i for i in items(hospital(), kind) if i.id == ident)


def test_identical_schema_has_no_diffs():
    assert compare(hospital(), hospital(), "postgres") == []


def test_fk_on_delete_diff():
    live = hospital()
    fks = live.tables["appointments"].foreign_keys
    fks[1] = ForeignKey(("patient_id",), "patients", ("id",), on_delete="SET NULL", on_update="RESTRICT")
    it = item("foreign_key", "appointments.patient_id->patients.id:CASCADE")
    assert check_item(it, live, "postgres") == [
        "appointments.patient_id ON DELETE: contract CASCADE, postgres SET NULL"]


def test_restrict_and_no_action_are_equal():
    live = hospital()
    fks = live.tables["appointments"].foreign_keys
    fks[1] = ForeignKey(("patient_id",), "patients", ("id",), on_delete="CASCADE", on_update="NO ACTION")
    fks[0] = ForeignKey(("doctor_id",), "users", ("id",), on_delete="SET NULL", on_update="RESTRICT")
    assert compare(hospital(), live, "mysql") == []


def test_fk_references_and_missing_fk():
    live = hospital()
    live.tables["appointments"].foreign_keys = [
        ForeignKey(("doctor_id",), "patients", ("id",), on_delete="SET NULL")]
    assert check_item(item("foreign_key", "appointments.doctor_id->users.id:SET_NULL"), live, "mysql") == [
        "appointments.doctor_id REFERENCES: contract users(id), mysql patients(id)"]
    assert check_item(item("foreign_key", "appointments.patient_id->patients.id:CASCADE"), live, "mysql") == [
        "appointments.patient_id FOREIGN KEY -> patients: contract has it, mysql does not"]


def test_column_diffs():
    live = hospital()
    cols = live.tables["patients"].columns
    cols["name"] = Column("name", "text", nullable=True, default="'x'")
    cols["status"] = Column("status", "enum", nullable=True, default="'active'", enum=("active", "inactive"))
    del cols["born"]
    assert check_item(item("column", "patients.name"), live, "postgres") == [
        "patients.name type: contract varchar(100), postgres text",
        "patients.name nullable: contract NOT NULL, postgres NULL allowed",
        "patients.name DEFAULT: contract none, postgres 'x'",
    ]
    assert check_item(item("column", "patients.status"), live, "postgres") == [
        "patients.status ENUM labels: contract ['active', 'inactive', 'deceased'], "
        "postgres ['active', 'inactive']"]
    assert check_item(item("column", "patients.born"), live, "postgres") == [
        "patients.born: contract has the column, postgres does not"]


def test_generated_and_on_update_diffs():
    live = hospital()
    live.tables["appointments"].columns["fee_due"] = Column("fee_due", "decimal(10,2)", nullable=True)
    live.tables["users"].columns["updated_at"] = Column("updated_at", "timestamp", nullable=True,
                                                        default="CURRENT_TIMESTAMP")
    assert compare(hospital(), live, "mysql") == [
        "appointments.fee_due generated as: contract fee - 0, mysql none",
        "users.updated_at ON UPDATE: contract CURRENT_TIMESTAMP, mysql none",
    ]


def test_primary_key_unique_index_and_check_diffs():
    live = hospital()
    live.tables["patients"].primary_key = ("id", "name")
    live.tables["users"].indexes = []
    live.tables["appointments"].indexes = [Index(("doctor_id",))]
    live.tables["appointments"].checks = [Check("minutes >= 0")]
    assert compare(hospital(), live, "mysql") == [
        "patients PRIMARY KEY: contract (id), mysql (id,name)",
        "users UNIQUE (email): contract has it, mysql does not (mysql has: none)",
        "appointments INDEX (patient_id,minutes): contract has it, mysql does not",
        "appointments CHECK (minutes > 0): contract has it, mysql has ['minutes >= 0']",
        "appointments CHECK (minutes >= 0): mysql has it, the contract does not",
    ]


def test_missing_table_is_reported_once():
    live = hospital()
    del live.tables["users"]
    assert check_item(item("column", "users.email"), live, "postgres") == [
        "table users: contract has it, postgres does not"]
    assert compare(hospital(), live, "postgres") == ["table users: contract has it, postgres does not"]


def test_extra_table():
    live = hospital()
    live.tables["audit"] = Table("audit", columns={"id": Column("id", "integer", nullable=False)})
    assert compare(hospital(), live, "mysql") == ["table audit: mysql has it, the contract does not"]


def test_undeclared_extras_are_listed_in_the_undeclared_item():
    live = hospital()
    appts = live.tables["appointments"]
    appts.columns["note"] = Column("note", "text", nullable=True)
    appts.foreign_keys.append(ForeignKey(("note",), "users", ("id",)))
    appts.indexes += [Index(("minutes",)), Index(("fee",), unique=True), Index(("id",), unique=True)]
    appts.checks.append(Check("fee >= 0"))
    want = [
        "appointments.note: postgres has the column, the contract does not",
        "appointments.note FOREIGN KEY -> users: postgres has it, the contract does not",
        "appointments INDEX (minutes): postgres has it, the contract does not",
        "appointments UNIQUE (fee): postgres has it, the contract does not",
        "appointments CHECK (fee >= 0): postgres has it, the contract does not",
    ]
    assert check_item(item("undeclared", "appointments:undeclared(nothing-undeclared)"), live, "postgres") == want
    assert compare(hospital(), live, "postgres") == want


def test_compare_does_not_mutate_its_inputs():
    want, live = hospital(), hospital()
    live.tables["patients"].columns["born"] = Column("born", "text", nullable=False)
    before = copy.deepcopy((want, live))
    compare(want, live, "mysql")
    assert (want, live) == before
