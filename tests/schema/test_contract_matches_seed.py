"""The healthcare_mgmt contract says what the seed's DDL says, checked without any database.

The contract was written by ``dbintegrity snapshot`` from a live MySQL and reviewed; this test is the
independent second reading: it parses the seed's own ``CREATE TABLE`` blocks with sqlglot and compares
every table, column (type, nullability, default, ENUM labels, generated expression), key, FK action, UNIQUE,
index and CHECK with the contract.  Indexes the contract has beyond the seed's must be exactly the ones
InnoDB creates for FK columns that have no index of their own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from dbintegrity.pack import contract
from dbintegrity.pack.model import Schema
from dbintegrity.sqltext.expr import normalize
from dbintegrity.sqltext.split import split_file

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "004_2cfaa6fdadd22619.txt"
CONTRACT = REPO / "sql" / "healthcare_mgmt" / "contract.yml"

_TYPES = {"INT": "integer", "TEXT": "text", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
          "TIMESTAMPTZ": "timestamp",
          "BOOLEAN": "boolean", "JSON": "json"}


def _seed_tables() -> dict[str, exp.Create]:
    if not SEED.is_file():
        pytest.skip(f"the seed {SEED} is not beside the repository (../shared is needed for this check)")
    blocks = re.findall(r"```sql\n(.*?)```", SEED.read_text(encoding="utf-8"), re.S)
    out = {}
    for block in blocks:
        tree = sqlglot.parse_one(block, read="mysql")
        out[tree.this.this.name] = tree
    return out


def _neutral_type(dt: exp.DataType) -> tuple[str, list[str] | None]:
    kind = dt.this.name
    params = [p.this.name if isinstance(p, exp.DataTypeParam) else p.name for p in dt.expressions]
    if kind == "ENUM":
        return "enum", [p.this if isinstance(p, exp.Literal) else p.name for p in dt.expressions]
    if kind == "VARCHAR":
        return f"varchar({params[0]})", None
    if kind == "DECIMAL":
        return f"decimal({params[0]},{params[1]})", None
    return _TYPES[kind], None


def _default(value: exp.Expression, ntype: str) -> str:
    if isinstance(value, exp.Boolean):
        return "true" if value.this else "false"
    if isinstance(value, exp.Literal):
        return f"'{value.this}'" if value.is_string else value.this
    if isinstance(value, exp.CurrentTimestamp):
        return "CURRENT_TIMESTAMP"
    raise AssertionError(f"unexpected default {value.sql()} for {ntype}")


def _columns(create: exp.Create) -> dict[str, dict[str, Any]]:
    cols: dict[str, dict[str, Any]] = {}
    for col in create.this.expressions:
        if not isinstance(col, exp.ColumnDef):
            continue
        ntype, labels = _neutral_type(col.args["kind"])
        entry: dict[str, Any] = {"type": ntype, "nullable": True, "default": None, "enum": labels,
                                 "generated": None, "on_update": None, "unique": False}
        for c in col.constraints:
            k = c.kind
            if isinstance(k, exp.NotNullColumnConstraint | exp.PrimaryKeyColumnConstraint):
                entry["nullable"] = False
            elif isinstance(k, exp.DefaultColumnConstraint):
                entry["default"] = _default(k.this, ntype)
            elif isinstance(k, exp.ComputedColumnConstraint):
                entry["generated"] = normalize(k.this.sql("mysql"), "mysql")
            elif isinstance(k, exp.OnUpdateColumnConstraint):
                entry["on_update"] = "CURRENT_TIMESTAMP"
            elif isinstance(k, exp.UniqueColumnConstraint):
                entry["unique"] = True
            elif isinstance(k, exp.CheckColumnConstraint):
                entry["check"] = normalize(k.this.sql("mysql"), "mysql")
        if labels and not entry["nullable"] and entry["default"] is None:
            entry["default"] = f"'{labels[0]}'"  # MySQL's implicit default of a NOT NULL ENUM
        cols[col.name] = entry
    return cols


@pytest.fixture(scope="module")
def declared() -> Schema:
    return contract.load(CONTRACT)


def pytest_generate_tests(metafunc):
    if "table" in metafunc.fixturenames:
        tables = sorted(re.findall(r"^### \d+\. (\w+)", SEED.read_text(encoding="utf-8"), re.M)) if SEED.is_file() \
            else ["(seed missing)"]
        metafunc.parametrize("table", tables)


RULES = sorted((REPO / "sql" / "healthcare_mgmt" / "mysql").glob("02_rules*.sql"))


def _rule_checks() -> dict[str, list[str]]:
    """Per table, the CHECKs the pack's business-rules files add (neutral form), read with sqlglot."""
    out: dict[str, list[str]] = {}
    for statement in (st for path in RULES for st in split_file(path, dialect="mysql")):
        tree = sqlglot.parse_one(statement.text, read="mysql")
        if isinstance(tree, exp.Alter):
            out.setdefault(tree.this.name, []).extend(
                normalize(check.this.sql(dialect="mysql"), "mysql") for check in tree.find_all(exp.CheckColumnConstraint))
    return out


PACK_TABLES = {"audit_log": "the audit trail the seed's Data Integrity section asks for (04_audit.sql)"}
"""Tables the pack adds to the seed's twelve, each with why."""


def test_same_tables(declared):
    assert sorted(t for t in declared.tables if t not in PACK_TABLES) == sorted(_seed_tables())


def test_table_matches_seed(table, declared):
    create = _seed_tables()[table]
    want = _columns(create)
    have = declared.tables[table]
    assert list(have.columns) == list(want), "column names and order"
    for name, w in want.items():
        c = have.columns[name]
        got = {"type": c.type, "nullable": c.nullable, "default": c.default, "enum": list(c.enum) if c.enum else None,
               "generated": c.generated, "on_update": c.on_update}
        assert got == {k: w[k] for k in got}, f"{table}.{name}"
    seed_checks = [w["check"] for w in want.values() if "check" in w]
    have_checks = [ch.expression for ch in have.checks]
    assert set(seed_checks) <= set(have_checks), "the seed's own CHECKs"
    assert sorted(set(have_checks) - set(seed_checks)) == sorted(_rule_checks().get(table, [])), \
        "CHECKs beyond the seed's are exactly those of the business-rules file"
    pk = [n for n, w in want.items() if any(isinstance(c.kind, exp.PrimaryKeyColumnConstraint)
                                            for c in next(cd for cd in create.this.expressions
                                                          if isinstance(cd, exp.ColumnDef) and cd.name == n).constraints)]
    assert list(have.primary_key) == pk
    fks = {}
    indexes: set[tuple[str, ...]] = set()
    uniques = {(n,) for n, w in want.items() if w["unique"]}
    for node in create.this.expressions:
        if isinstance(node, exp.ForeignKey):
            ref = node.args["reference"]
            options = " ".join(ref.args.get("options") or [])
            m = re.search(r"ON DELETE (CASCADE|SET NULL|RESTRICT|NO ACTION)", options)
            fks[tuple(e.name for e in node.expressions)] = (ref.this.this.name,
                                                            tuple(e.name for e in ref.this.expressions),
                                                            m.group(1) if m else "NO ACTION")
        elif isinstance(node, exp.IndexColumnConstraint):
            indexes.add(tuple(e.name for e in node.expressions))
        elif isinstance(node, exp.UniqueColumnConstraint):
            uniques.add(tuple(e.name for e in node.this.expressions))
    assert {fk.columns: (fk.ref_table, fk.ref_columns, fk.on_delete) for fk in have.foreign_keys} == fks
    assert all(fk.on_update == "NO ACTION" for fk in have.foreign_keys), "the seed declares no ON UPDATE action"
    assert set(have.uniques) == uniques
    contract_indexes = {ix.columns for ix in have.indexes if not ix.unique}
    assert indexes <= contract_indexes, f"seed indexes missing from the contract: {indexes - contract_indexes}"
    implicit = {cols for cols in fks if not any(ix[: len(cols)] == cols for ix in indexes | uniques
                                                 | {tuple(have.primary_key)})}
    assert contract_indexes - indexes == implicit, "extra indexes must be exactly InnoDB's implicit FK indexes"
