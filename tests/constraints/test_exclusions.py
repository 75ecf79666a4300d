"""Behavioural probes derived from each pack's contract; they ship in :mod:`dbintegrity.gate.test_exclusions`
so that ``dbintegrity check`` runs exactly these tests on any packs folder."""

from dbintegrity.gate.test_exclusions import *  # noqa: F403
