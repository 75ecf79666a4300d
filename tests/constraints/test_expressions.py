"""Behavioural probes derived from each pack's contract; they ship in :mod:`dbintegrity.gate.test_expressions`
so that ``dbintegrity check`` runs exactly these tests on any packs folder."""

from dbintegrity.gate.test_expressions import *  # noqa: F403
