"""Engine findings: when the engine itself breaks a rule the schema declares, say so in words.

A probe failure usually means the schema does not do what its contract says.  Sometimes the schema
declares the rule and the engine does not keep it: MySQL 9.7.4 stores an orphan row when the foreign
key's column leads a composite index whose later column is NULL.  Such a failure must not read like a
schema defect: it names the engine and its version, the declared rule it broke, the proof that the rule
is declared and was broken (the row is stored, its parent absent), and a reproduction that needs nothing
but the engine: the tables' own DDL as the engine prints it, the insert, and the query that shows it.
"""

from __future__ import annotations

from typing import Any

from dbintegrity.pack.model import ForeignKey
from dbintegrity.probes.session import ProbeFailure, ProbeSession, literal


def orphan_accepted(probe: ProbeSession, table: str, fk: ForeignKey, row: dict[str, Any],
                    insert: str) -> ProbeFailure | None:
    """The engine finding for an accepted orphan ``row`` of ``table`` (written by the statement ``insert``),
    or None when it is not one.

    It is one when the engine stored the row and holds no parent row with its key, although the
    foreign key is declared on the live table (the structure tests compare it with the contract).
    """
    stored = probe.fetch(table, probe.key_of(table, row))
    key = {rc: row.get(c) for c, rc in zip(fk.columns, fk.ref_columns, strict=True)}
    if stored is None or any(v is None for v in key.values()) or probe.fetch(fk.ref_table, key) is not None:
        return None
    version = probe.engine.server_version(probe.conn)
    q = probe.engine.quote_table
    columns = ", ".join(probe.engine.quote(c) for c in fk.columns)
    where = " AND ".join(f"{probe.engine.quote(rc)} = {literal(v)}" for rc, v in key.items())
    ddl = [d for name in dict.fromkeys((fk.ref_table, table)) if (d := probe.engine.table_definition(probe.conn, name))]
    reproduction = [
        f"-- on {probe.engine.name} {version}, in an empty database:", *[f"{d};" for d in ddl], insert,
        f"SELECT {columns} FROM {q(table)} AS child WHERE NOT EXISTS "
        f"(SELECT 1 FROM {q(fk.ref_table)} WHERE {where});  -- returns the orphan",
    ]
    lines = [
        f"ENGINE FINDING: {probe.engine.name} {version} broke a rule the schema declares: it stored a row of "
        f"{table} whose FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {fk.ref_table} "
        f"({', '.join(fk.ref_columns)}) points at no parent row.",
        f"  The foreign key is declared on the live table, the row is stored and {fk.ref_table} holds no row {key}: "
        "the engine, not the schema, is at fault; an engine that keeps the rule refuses the insert.",
        "  want: rejected (fk)",
        "  have: accepted and stored",
        f"  rows: {row}",
        f"  minimal reproduction on {probe.engine.name}:",
        *[f"    {line}" for text in reproduction for line in text.splitlines()],
    ]
    return ProbeFailure("\n".join(lines))
