"""The gate: test modules shipped with the package so ``dbintegrity check`` runs them on any packs.

The repository's ``tests/`` folders import these modules, so ``pytest -m integrity`` in this repository
and ``dbintegrity check`` anywhere run exactly the same checks.

Each ``@given`` test is two lines that call its probe (``test_unique`` -> ``_probe_unique``).  Hypothesis
reads and tokenises a ``@given`` test's source twice per test (the derandomised seed and the example
database's key): 3-5 ms for a 40-line body, over 1,400 times per pack and engine, about a tenth of the
gate's CPU.  A two-line test costs a tenth of that; ``tests/unit/test_gate_layout.py`` keeps them so.
"""
