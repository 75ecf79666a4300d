"""Structure: every table, column, key, index, UNIQUE, FK and CHECK of the contract exists on every engine.

One pytest item per (engine, contract item); a failure lists each attribute that differs as
``have/want`` sentences, e.g. ``appointments.patient_id ON DELETE: contract CASCADE, postgres SET NULL``.
The ``undeclared`` items catch the other direction: live objects the contract does not mention.
"""

from __future__ import annotations

import pytest

from dbintegrity.errors import ContractError
from dbintegrity.pack import contract
from dbintegrity.pack.model import Schema

pytestmark = pytest.mark.integrity


def _verdict(item: contract.Item | ContractError, live: Schema, engine: str) -> None:
    if isinstance(item, ContractError):
        pytest.fail(str(item), pytrace=False)
    diffs = contract.check_item(item, live, engine)
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)


@pytest.mark.dbi_contract("table")
def test_table(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("column")
def test_column(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("primary_key")
def test_primary_key(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("unique")
def test_unique(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("index")
def test_index(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("foreign_key")
def test_foreign_key(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("check")
def test_check(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("trigger")
def test_trigger(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


@pytest.mark.dbi_contract("undeclared")
def test_nothing_undeclared(engine, item, dbi_live_schema):
    _verdict(item, dbi_live_schema, engine)


def test_no_tables_or_views_beyond_contract(engine, pack, dbi_runtime, dbi_live_schema):
    """Tables and views on the engine that the contract does not mention are drift too."""
    try:
        declared = contract.load(dbi_runtime.pack(pack).contract_path)
    except ContractError as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None  # the line once, not chained twice
    extra = contract.extra_tables(declared, dbi_live_schema, engine)
    if extra:
        pytest.fail("\n".join(extra), pytrace=False)


@pytest.mark.dbi_contract("exclusion")
def test_exclusion(engine, item, dbi_live_schema):
    """The engine's exclusion constraint, or the triggers the contract names for it where it has none."""
    _verdict(item, dbi_live_schema, engine)
