"""Errors a user can act on.

Every error the suite raises on purpose is a :class:`DbIntegrityError` whose ``str()`` is one line
naming what was wrong, where (file, line, setting) and what to do.  The CLI and the pytest plugin print
that line instead of a traceback, so the first thing a user sees is the fix, not our internals.
"""

from __future__ import annotations


class DbIntegrityError(Exception):
    """Base class: the message is one actionable line."""


class ConfigError(DbIntegrityError):
    """A setting (flag, ini key or environment variable) has a value we cannot use."""


class EngineUnavailable(DbIntegrityError):
    """No provider could start or reach the requested engine."""


class EngineDied(DbIntegrityError):
    """A server we started or reached went away in the middle of a run."""


class PackError(DbIntegrityError):
    """A schema pack is malformed or one of its statements was rejected by the server."""


class ContractError(DbIntegrityError):
    """A contract file is missing or malformed."""
