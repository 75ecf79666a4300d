"""Behavioural probes derived from each pack's contract; they ship in :mod:`dbintegrity.gate.test_fk_actions`
so that ``dbintegrity check`` runs exactly these tests on any packs folder."""

from dbintegrity.gate.test_fk_actions import *  # noqa: F403
