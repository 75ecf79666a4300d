"""``dbintegrity seed PACK --engine E``: seed a disposable database (and remove it) or an existing one (``--url``).

Without ``--url`` the command starts the engine the usual way (a :class:`~dbintegrity.servers.runtime.Runtime`),
makes a fresh database with the pack loaded, seeds it, prints the summary and removes database and server
again: a dry run that proves the pack can be seeded and measures it.  With ``--url`` it seeds the database
the URL names, on a server it neither starts nor stops.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from dbintegrity.config import Config
from dbintegrity.seed.errors import SeedError
from dbintegrity.seed.run import check_arguments, seed_database
from dbintegrity.servers.providers.url import parse, redact
from dbintegrity.servers.runtime import Runtime


def database_of(engine: str, url: str) -> str:
    """The database a ``--url`` names (its path); the URL is checked like the url provider checks it."""
    parse(engine, url)
    name = urlsplit(url).path.lstrip("/")
    if not name or "/" in name:
        raise SeedError(f"--url must name the database to seed, e.g. {engine}://user:pw@host/DB; got {redact(url)}")
    return name


def run_seed(cfg: Config, *, pack: str, engine: str, url: str | None = None, scale: float = 1, seed: int = 0,
             mode: str = "refuse", progress: bool | None = None, log_dir: Path | None = None,
             keep_files: Path | None = None, stream: TextIO | None = None) -> int:
    """Seed and print the summary; the exit status of ``dbintegrity seed`` (errors raise, the CLI prints them)."""
    stream = stream or sys.stdout
    check_arguments(scale, seed, mode)
    database = ""
    if url:
        database = database_of(engine, url)
        cfg = cfg.on_server(engine, url)
    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    label = ""
    try:
        runtime.contract(pack)  # an unknown pack or a broken contract fails before any server starts
        if not url:
            database = runtime.database(engine, pack, "seed")
        result = seed_database(runtime, engine, database, pack, scale=scale, seed=seed, mode=mode,
                               progress=progress, log_dir=log_dir, keep_files=keep_files)
        label = runtime.labels.get(engine, engine)
        print(result.summary(), file=stream)
    finally:
        runtime.close()
    if not url:
        print(f"removed the disposable database {database} and its server ({label}); "
              "seed a database you keep with --url", file=stream)
    return 0
