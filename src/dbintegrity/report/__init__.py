"""``dbintegrity report``: a Great Expectations data-quality report on a seeded (or existing) database.

The suite is built from the pack's contract (what the engine should have enforced: NOT NULL, ENUM labels,
CHECK bounds, keys, foreign keys) plus ``sql/<pack>/expectations.yml`` (what plausible data looks like),
run as SQL inside the database, and written as Data Docs HTML, ``summary.json``, charts and a console
table.

Great Expectations costs seconds to import, so only :mod:`dbintegrity.report.gxrun` imports it, and only
when a report runs: importing this package (or the CLI, or the pytest plugin) must not.
"""

from __future__ import annotations

from dbintegrity.errors import DbIntegrityError


class ReportError(DbIntegrityError):
    """The report cannot be built or run as asked; one line saying what and where."""
