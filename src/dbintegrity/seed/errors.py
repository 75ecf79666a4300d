"""The seeder's one-line errors, both :class:`~dbintegrity.errors.DbIntegrityError` so the CLI prints them plainly."""

from __future__ import annotations

from dbintegrity.errors import DbIntegrityError


class SeedError(DbIntegrityError):
    """Seeding cannot be done as asked: bad scale or mode, a non-empty database, a load the engine refused."""


class ProfileError(SeedError):
    """A seed profile is malformed or does not fit the pack's contract (unknown table, column, provider...)."""


class ExprError(Exception):
    """An expression of a profile cannot be parsed or evaluated; the caller adds where it came from."""
