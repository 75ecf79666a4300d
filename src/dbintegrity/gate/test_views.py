"""Views: each view of the contract exists with its columns, in order, and answers a query."""

from __future__ import annotations

import pytest

from dbintegrity import contract
from dbintegrity.gate._common import item_or_fail

pytestmark = pytest.mark.integrity


@pytest.mark.dbi_contract("view")
def test_view_columns(engine, item, dbi_live_schema):
    diffs = contract.check_item(item_or_fail(item), dbi_live_schema, engine)
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)


@pytest.mark.dbi_contract("view")
def test_view_answers(engine, item, dbi_probe):
    it = item_or_fail(item)
    out = dbi_probe.run(f"SELECT * FROM {dbi_probe.engine.quote(it.table)} WHERE 1 = 0")
    if not out.ok:
        raise dbi_probe.fail(f"SELECT from view {it.table}", want="an empty answer", have=str(out))
