"""Helpers shared by the gate's probe modules (not collected: the name does not start with test_)."""

from __future__ import annotations

from typing import Any

import pytest

from dbintegrity.errors import ContractError
from dbintegrity.pack.contract import Item
from dbintegrity.probes.evaluate import Unsupported
from dbintegrity.probes.fk_simulation import NotSimulated
from dbintegrity.probes.synthesis import Unsynthesizable


def item_or_fail(item: Any) -> Item:
    """The contract item, or the contract's own one-line error as the test's failure."""
    if isinstance(item, ContractError):
        pytest.fail(str(item), pytrace=False)
    assert isinstance(item, Item)
    return item


CANNOT_PROBE = (Unsynthesizable, NotSimulated, Unsupported)
"""Reasons a probe cannot be built; the test is skipped with the message, and the skip is counted."""


def skip_because(exc: BaseException) -> None:
    pytest.skip(f"cannot probe: {exc}")
