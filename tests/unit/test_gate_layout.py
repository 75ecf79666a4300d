"""The gate's ``@given`` tests stay thin: Hypothesis hashes their source twice per test.

Hypothesis digests a ``@given`` test's source (``inspect.getsource``, tokenised) for the derandomised
seed and again for the example database's key, on every parametrized test.  A 40-line body costs 3-5 ms
per digest, about a tenth of the gate's CPU; the gate's tests call their probe instead (``dbintegrity.gate``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from dbintegrity import gate

MOST_LINES = 6
"""Decorators, ``def``, a one-line docstring and the call, with room for a docstring of two lines."""


def given_tests() -> list[tuple[str, object]]:
    found = []
    for info in pkgutil.iter_modules(gate.__path__):
        module = importlib.import_module(f"{gate.__name__}.{info.name}")
        found += [(f"{info.name}.{name}", fn) for name, fn in vars(module).items()
                  if name.startswith("test_") and hasattr(fn, "hypothesis")]
    return found


def test_the_gate_has_given_tests() -> None:
    assert len(given_tests()) >= 10  # the check below must not pass over nothing


def test_every_given_test_is_a_call_to_its_probe() -> None:
    fat = {name: len(inspect.getsource(fn.hypothesis.inner_test).splitlines())  # type: ignore[attr-defined]
           for name, fn in given_tests()}
    assert {name: n for name, n in fat.items() if n > MOST_LINES} == {}
