"""Where a schema's tables live: namespaces (PostgreSQL schemas, MySQL databases) and qualified names.

A schema written by someone else rarely keeps its tables where a tool looks by default: PostgreSQL
scripts put them in schemas of their own (``CREATE TABLE app.t``, ``"ChironaSchema"."Patient"``), MySQL
scripts create and ``USE`` a database of their own.  The model names a table ``schema.table`` when it is
not in PostgreSQL's ``public`` schema (split on the first dot: the engines quote each part), and the run
may be narrowed to some namespaces with ``--schema`` (``DBINTEGRITY_SCHEMAS``), which reaches the gate's
own process through the environment like ``--sample``.
"""

from __future__ import annotations

import os

SCHEMAS_ENV = "DBINTEGRITY_SCHEMAS"
"""Comma-separated namespaces the run introspects and probes (``dbintegrity check --schema``); unset: all."""
DEFAULT_SCHEMA = "public"


def selected() -> tuple[str, ...]:
    """The namespaces ``--schema`` chose for this run, or () for every namespace the files created."""
    return tuple(s.strip() for s in os.environ.get(SCHEMAS_ENV, "").split(",") if s.strip())


def qualified(schema: str, table: str, home: str = DEFAULT_SCHEMA) -> str:
    """The model's name of ``schema.table``: bare in the home namespace (unless the name itself holds a dot).

    The home namespace is PostgreSQL's ``public``, or the first schema of the database's search path when a
    pack lives in a namespace of its own (``session.yml`` ``namespace:``): its tables are then named as MySQL,
    whose database is the namespace, names them, and one contract serves both dialects."""
    if schema == home and "." not in table:
        return table
    return f"{schema}.{table}"


def split(name: str) -> tuple[str | None, str]:
    """(schema or None, table) of a model name."""
    schema, dot, table = name.partition(".")
    return (schema, table) if dot else (None, name)


def describe(counts: dict[str, int]) -> str:
    """``schema "clinic" (12 tables), schema "audit" (1 table)``: what the files created, for one line."""
    def n(k: int) -> str:
        return f"{k} table" + ("" if k == 1 else "s")
    return ", ".join(f'schema "{s}" ({n(k)})' for s, k in sorted(counts.items()))
