"""MySQL's stand-in for a UUID column, read back as the contract type ``uuid``.

MySQL has no UUID type.  A pack that needs one on both engines declares, on MySQL, a ``CHAR(36)`` column
holding the canonical text form (lower-case hex, 8-4-4-4-12: what PostgreSQL's ``uuid`` type prints) and a
CHECK that admits exactly that form.  Introspection folds the pair into one column of type ``uuid``, so
the contract has one type family for both dialects (PostgreSQL's native ``uuid`` reads as ``uuid`` too).
Only the pair counts: the CHECK dropped, loosened or attached to a column of another type leaves a plain
``char(36)`` and a CHECK in the live schema, which the contract then no longer matches.
"""

from __future__ import annotations

from dataclasses import replace

from dbintegrity.pack.model import Table

UUID_TYPE = "CHAR(36) CHARACTER SET ascii COLLATE ascii_bin"
"""How a contract's ``uuid`` column is written on MySQL (mutation operators restate columns with it)."""
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
"""The canonical text of a UUID, as the CHECK spells it (case-sensitive: ``REGEXP_LIKE(..., 'c')``)."""


def fold_uuid_columns(table: Table) -> None:
    """Turn each ``char(36)`` column with the canonical-UUID CHECK into a ``uuid`` column, dropping that CHECK."""
    for check in list(table.checks):
        for name, col in table.columns.items():
            if col.type == "char(36)" and check.expression == f"{name} ~ '{UUID_PATTERN}'":
                table.columns[name] = replace(col, type="uuid")
                table.checks.remove(check)
                break
