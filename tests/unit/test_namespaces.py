"""Namespaces without a database: MySQL scripts' own databases mapped onto the run's, qualified model names,
and a pack whose contract declares nothing failing before any engine starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dbintegrity import cli
from dbintegrity.engines import get_engine
from dbintegrity.engines.mysql.databases import adopt, own_databases
from dbintegrity.pack import namespaces
from dbintegrity.pack.model import Schema
from dbintegrity.sqltext.split import split_sql

SCRIPT = """\
-- drop oh database
drop database if exists oh;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `oh` /*!40100 DEFAULT CHARACTER SET utf8 */;
USE `oh`;
CREATE TABLE oh.ward (id INT PRIMARY KEY, note VARCHAR(40) DEFAULT 'oh.ward stays text');
CREATE TABLE bed (id INT, ward_id INT, FOREIGN KEY (ward_id) REFERENCES `oh`.`ward` (id));
INSERT INTO OH . ward (id) VALUES (1); -- oh.ward in a comment stays
SELECT doh.x FROM doh;
"""


def test_mysql_scripts_own_database_is_left_out_and_unqualified():
    statements = split_sql(SCRIPT, Path("schema.sql"), dialect="mysql")
    assert own_databases(statements) == ["oh"]
    kept = adopt(statements)
    assert [st.line for st in kept] == [5, 6, 7, 8]  # positions of the user's file survive the rewrite
    assert kept[0].text == "CREATE TABLE ward (id INT PRIMARY KEY, note VARCHAR(40) DEFAULT 'oh.ward stays text')"
    assert kept[1].text == "CREATE TABLE bed (id INT, ward_id INT, FOREIGN KEY (ward_id) REFERENCES `ward` (id))"
    assert kept[2].text == "INSERT INTO ward (id) VALUES (1)"
    assert kept[3].text == "SELECT doh.x FROM doh"  # another name that merely ends in "oh"


def test_a_script_without_databases_is_unchanged():
    statements = split_sql("CREATE TABLE t (id INT);\nUSE_ME_NOT;\n", Path("s.sql"), dialect="mysql")
    assert own_databases(statements) == []
    assert adopt(statements) == statements


def test_qualified_names_are_quoted_part_by_part():
    pg, my = get_engine("postgres"), get_engine("mysql")
    assert namespaces.qualified("public", "patient") == "patient"
    assert namespaces.qualified("ChironaSchema", "Patient") == "ChironaSchema.Patient"
    assert namespaces.qualified("public", "odd.name") == "public.odd.name"
    assert pg.quote_table("ChironaSchema.Patient") == '"ChironaSchema"."Patient"'
    assert pg.quote_table("public.odd.name") == '"public"."odd.name"'
    assert my.quote_table("ward") == "`ward`"


def test_contract_references_a_qualified_table():
    schema = Schema.from_dict({"tables": {
        "billing.invoice": {"columns": {"pid": {"type": "integer", "nullable": False}},
                            "foreign_keys": [{"columns": ["pid"], "references": "ChironaSchema.Patient(PatientId)"}]},
    }})
    fk = schema.tables["billing.invoice"].foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns) == ("ChironaSchema.Patient", ("PatientId",))


def test_unique_nulls_not_distinct_survives_the_contract():
    body = {"columns": {"a": {"type": "integer", "nullable": True}, "b": {"type": "integer", "nullable": True}},
            "unique": [["a"], ["b"]], "unique_nulls_not_distinct": [["b"]]}
    schema = Schema.from_dict({"tables": {"t": body}})
    t = schema.tables["t"]
    assert t.nulls_distinct(("a",)) and not t.nulls_distinct(("b",))
    assert schema.to_dict()["tables"]["t"]["unique_nulls_not_distinct"] == [["b"]]


def test_a_pack_whose_contract_declares_no_table_fails_with_one_line(tmp_path, capsys):
    pack = tmp_path / "hollow"
    (pack / "mysql").mkdir(parents=True)
    (pack / "mysql" / "01_schema.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);\n")
    (pack / "contract.yml").write_text("tables: {}\n")
    code = cli.main(["check", "hollow", "--packs", str(tmp_path), "--engines", "mysql", "--provider", "local"])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == (f"dbintegrity check: error: pack hollow: {pack / 'contract.yml'} declares no tables, so "
                           "there is nothing to check and no verdict; write it with `dbintegrity snapshot hollow "
                           "--engine mysql` and review it")
    assert "ok" not in out


def test_the_gate_itself_fails_on_a_contract_without_tables(tmp_path):
    """``pytest -m integrity`` on such a pack fails too (the table kind carries the error), instead of skipping."""
    from dbintegrity.config import Config
    from dbintegrity.pytest_plugin import contract_params

    pack = tmp_path / "hollow"
    (pack / "mysql").mkdir(parents=True)
    (pack / "mysql" / "01_schema.sql").write_text("SELECT 1;\n")
    (pack / "contract.yml").write_text("tables: {}\n")
    params = contract_params(Config(engines=("mysql",), packs_dir=tmp_path), "table")
    assert len(params) == 1
    error = params[0].values[2]
    assert "declares no tables, so there is nothing to check" in str(error)
    assert not params[0].marks


@pytest.mark.parametrize("bad", ["", "a,b"])
def test_schema_option_takes_one_name(bad, capsys):
    code = cli.main(["check", "--sql", "x.sql", "--engine", "postgres", "--schema", bad])
    assert code == 2
    assert "expected one schema name per --schema" in capsys.readouterr().err


def test_a_packs_home_namespace_is_named_bare():
    """Tables of the first schema on PostgreSQL's search path are named bare (one contract with MySQL), others
    keep their schema, public included."""
    assert namespaces.qualified("ChironaSchema", "Patient", "ChironaSchema") == "Patient"
    assert namespaces.qualified("public", "x", "ChironaSchema") == "public.x"
    assert namespaces.qualified("public", "x") == "x"
