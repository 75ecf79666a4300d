"""Structure of every pack on every engine, against the pack's contract.

The checks themselves ship in :mod:`dbintegrity.gate.test_structure` so that ``dbintegrity check`` runs
exactly these tests on any packs folder; importing them here collects them in this repository.
"""

from dbintegrity.gate.test_structure import *  # noqa: F403
