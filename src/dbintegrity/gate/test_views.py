"""Views: each view of the contract exists with its columns, in order, and answers as its meaning says.

The meaning comes from the pack's ``views.yml`` (:mod:`dbintegrity.probes.view_meaning`); the probes that check it
insert, change and look like a user would (:mod:`dbintegrity.probes.views`).  A view the file gives no
meaning is skipped with that reason: only a query that runs would be proven.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dbintegrity.errors import ContractError
from dbintegrity.gate._common import CANNOT_PROBE, item_or_fail, skip_because
from dbintegrity.pack import contract
from dbintegrity.probes import view_meaning as viewmeaning
from dbintegrity.probes.views import run_example

pytestmark = pytest.mark.integrity


@pytest.mark.dbi_contract("view")
def test_view_columns(engine, item, dbi_live_schema):
    diffs = contract.check_item(item_or_fail(item), dbi_live_schema, engine)
    if diffs:
        pytest.fail("\n".join(diffs), pytrace=False)


@pytest.mark.dbi_contract("view")
@given(data=st.data())
def test_view_answers(engine, pack, item, dbi_probe, dbi_runtime, data):
    """The rows a user writes show in the view exactly when, and as, the meaning says; so do the changes."""
    _probe_view_answers(pack, item, dbi_probe, dbi_runtime, data)


def _probe_view_answers(pack, item, dbi_probe, dbi_runtime, data) -> None:
    it = item_or_fail(item)
    path = dbi_runtime.pack(pack).path / viewmeaning.VIEWS_FILE
    try:
        meaning = viewmeaning.load(path, dbi_probe.schema).get(it.table)
    except ContractError as exc:
        pytest.fail(str(exc), pytrace=False)
    with dbi_probe.example():
        out = dbi_probe.run(f"SELECT * FROM {dbi_probe.engine.quote_table(it.table)} WHERE 1 = 0")
        if not out.ok:
            raise dbi_probe.fail(f"SELECT from view {it.table}", want="an empty answer", have=str(out))
        if meaning is None:
            pytest.skip(f"{path} states no meaning for view {it.table}: only that it answers a query is proven "
                        "(format: dbintegrity.probes.view_meaning)")
        try:
            run_example(data, dbi_probe, meaning, dbi_probe.schema)
        except CANNOT_PROBE as exc:
            skip_because(exc)
