"""Real servers started from binaries on this machine; each engine's launcher lives with the engine."""

from __future__ import annotations

from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.errors import EngineUnavailable


def probe(cfg: Config, engine: str) -> tuple[bool, str]:
    try:
        if engine == "mysql":
            from dbintegrity.engines.mysql import local as mysql_local

            bins = mysql_local.binaries(cfg)
            return True, f"MySQL {bins.version} from {bins.root}"
        from dbintegrity.engines.postgres import local as pg_local

        bindir = pg_local.find_bindir(cfg)
        pg_local.server_user()
        return True, f"PostgreSQL {pg_local.version(bindir)} from {bindir}"
    except EngineUnavailable as exc:
        return False, str(exc)


def start(cfg: Config, engine: str, cache: Path) -> Server:
    if engine == "mysql":
        from dbintegrity.engines.mysql import local as mysql_local

        return mysql_local.start(cfg, cache)
    from dbintegrity.engines.postgres import local as pg_local

    return pg_local.start(cfg, cache)
