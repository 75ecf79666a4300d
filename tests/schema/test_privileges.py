"""Grants of every pack on every engine, against the pack's contract; the checks ship in
:mod:`dbintegrity.gate.test_privileges` so that ``dbintegrity check`` runs exactly these tests."""

from dbintegrity.gate.test_privileges import *  # noqa: F403
