"""The gate: test modules shipped with the package so ``dbintegrity check`` runs them on any packs.

The repository's ``tests/`` folders import these modules, so ``pytest -m integrity`` in this repository
and ``dbintegrity check`` anywhere run exactly the same checks.
"""
