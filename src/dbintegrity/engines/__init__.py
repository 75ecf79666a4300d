"""The engine registry: adding an engine (MariaDB, another PostgreSQL line) is one new module here."""

from __future__ import annotations

from functools import cache

from dbintegrity.engines.base import Engine
from dbintegrity.errors import ConfigError


@cache
def get_engine(name: str) -> Engine:
    """The engine object for ``name``; modules are imported only when asked for."""
    if name == "mysql":
        from dbintegrity.engines.mysql import MySQLEngine

        return MySQLEngine()
    if name == "postgres":
        from dbintegrity.engines.postgres import PostgresEngine

        return PostgresEngine()
    raise ConfigError(f"engine {name!r} is not known; choose mysql or postgres")
