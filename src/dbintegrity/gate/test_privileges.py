"""Grants: every role's privileges on every table are exactly what the contract's ``privileges`` section says.

One pytest item per (engine, role, table) the contract names, including tables where it grants the role
nothing, so a grant added behind the contract's back fails as surely as one revoked; a failure names what
the engine grants beyond the contract and what it lacks, e.g.
``hm_nurse on visits: contract [SELECT, UPDATE(notes)], mysql [SELECT, UPDATE] (mysql also grants UPDATE;
mysql does not grant UPDATE(notes))``.  Roles the contract does not name at all must hold no grants.
Whether the grants *work* (allowed operations succeed, others fail) is proven by behaviour in the
repository's ``tests/rules``; this is the structural half that the gate runs on every pack.
"""

from __future__ import annotations

import pytest

from dbintegrity.errors import ContractError
from dbintegrity.gate._common import item_or_fail
from dbintegrity.pack import contract

pytestmark = pytest.mark.integrity


@pytest.mark.dbi_contract("privilege")
def test_privilege(engine, item, dbi_live_schema):
    diffs = contract.check_item(item_or_fail(item), dbi_live_schema, engine)
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)


def test_no_grants_beyond_contract(engine, pack, dbi_runtime, dbi_live_schema):
    """Roles holding grants that the contract does not name (the other direction of the items above)."""
    try:
        declared = contract.load(dbi_runtime.pack(pack).contract_path)
    except ContractError as exc:
        raise pytest.fail.Exception(str(exc), pytrace=False) from None
    extra = contract.extra_grantees(declared, dbi_live_schema, engine)
    if extra:
        pytest.fail("\n".join(extra), pytrace=False)
