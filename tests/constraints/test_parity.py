"""Behavioural probes derived from each pack's contract; they ship in :mod:`dbintegrity.gate.test_parity`
so that ``dbintegrity check`` runs exactly these tests on any packs folder."""

from dbintegrity.gate.test_parity import *  # noqa: F403
