"""pytest-xdist scheduling that keeps each engine's tests in one worker.

xdist's own ``--dist loadgroup`` groups tests by an ``xdist_group`` mark that it smuggles to the controller
as a suffix of the test's node id; on pytest 9.2 that suffix no longer takes effect (pytest-xdist issue
#1386), and the tests of one engine are spread over every worker, each then starting that engine's server
and loading its templates.  The engine is already in every test id that has one (``test_unique[mysql-
patients:unique(mrn)]``, see :func:`dbintegrity.pytest_plugin.contract_params`), so the scope is read
from there.  Marked groups (``@name`` suffixes, where pytest still shows them) keep their meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from xdist.scheduler import LoadGroupScheduling  # type: ignore[import-untyped]

GATE_PACKAGE = "dbintegrity/gate/"
CROSS_ENGINE_SCOPE = "engines:all"
"""The gate's tests without an engine compare every engine (``test_parity``): one scope, so one worker loads
the other engines' templates once.  xdist hands out the larger scopes first and a further one only to a
worker with at most two tests left, so these go to the worker that finishes its engine first (they used to
go with the first engine, whose worker could be the slower one: 1.5 s of the healthcare_mgmt gate's wall
time).  Under the local provider that worker uses the other engines' servers, which the controller started
(:mod:`dbintegrity.servers.shared`); under the others it starts them, as the first engine's worker did."""


def engine_of(nodeid: str, engines: Sequence[str]) -> str | None:
    """The engine a test id names first in its parameters (``...[postgres@18-billing]`` -> ``postgres@18``)."""
    params = nodeid.rpartition("::")[2].partition("[")[2].removesuffix("]")  # ids may hold "[" themselves
    if not params:
        return None
    for engine in sorted(engines, key=len, reverse=True):
        if params == engine or params.startswith(engine + "-"):
            return engine
    return None


class EngineScheduling(LoadGroupScheduling):  # type: ignore[misc]  # pytest-xdist ships no type hints here
    """``loadgroup``, with each engine one group."""

    def __init__(self, config: pytest.Config, log: Any = None, *, engines: Sequence[str]) -> None:
        super().__init__(config, log)
        self.engines = tuple(engines)

    def _split_scope(self, nodeid: str) -> str:
        scope = str(super()._split_scope(nodeid))
        if scope != nodeid:  # an xdist_group mark that reached the controller
            return scope
        engine = engine_of(nodeid, self.engines)
        if engine is not None:
            return f"engine:{engine}"
        if GATE_PACKAGE in nodeid and self.engines:
            return CROSS_ENGINE_SCOPE
        return nodeid
