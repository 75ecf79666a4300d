"""``dbintegrity load PACK --csv DIR``: the command line around :func:`dbintegrity.intake.load_csv`.

With ``--url`` the rows go into the database the URL names (which must hold the pack), on a server the
command neither starts nor stops.  Without it a disposable engine (``--engine``) is started, a fresh database
with the pack is made, the files are judged and loaded into it, and everything is removed again: a dry run
that proves, before any production database is touched, that the files pass every rule of the contract and
that the engine takes them (its triggers included), and measures how long the load takes.

Exit status: 0 when every row was loaded; 1 when a row was bad (nothing loaded, or with ``--rejects`` the good
rows loaded and the bad ones written there); 2 for a setting, a file that cannot be read as a whole (encoding,
empty, header) or a load the engine refused (rolled back).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from dbintegrity import engines
from dbintegrity.config import Config
from dbintegrity.engines import parse_key
from dbintegrity.intake.run import LoadError, LoadOptions, load_csv, parse_date_formats
from dbintegrity.servers.runtime import Runtime

SHOWN = 50
"""Bad fields printed on the console; ``--rejects FILE`` holds them all."""


def engine_of(url: str | None, engine: str | None) -> str:
    """The engine named by ``--engine`` or by the URL's scheme (the engine whose own scheme it is, else the
    first that accepts it: ``mysql://`` is MySQL unless ``--engine mariadb`` says otherwise)."""
    from_url = None
    if url:
        scheme = urlsplit(url).scheme
        specs = engines.specs()
        if engine:
            if scheme not in parse_key(engine)[0].url_schemes:
                raise LoadError(f"--engine {engine} does not take a {scheme or '(no scheme)'}:// URL")
            return engine
        found = next((s for s in specs if s.url_schemes[0] == scheme), None) or \
            next((s for s in specs if scheme in s.url_schemes), None)
        if found is None:
            accepted = sorted({f"{x}://" for s in specs for x in s.url_schemes})
            raise LoadError(f"--url must start with one of {', '.join(accepted)}; got {scheme or '(none)'}://")
        from_url = found.name
    chosen = engine or from_url
    if not chosen:
        raise LoadError("say where to load: --url URL (a database you keep) or --engine mysql|postgres "
                        "(a disposable one, to validate the files)")
    return chosen


def run_load(cfg: Config, *, pack: str, csv_dir: Path, url: str | None = None, engine: str | None = None,
             date_formats: list[str] | None = None, rejects: Path | None = None, encoding: str = "utf-8",
             stream: TextIO | None = None) -> int:
    from dbintegrity.seed.command import database_of

    stream = stream or sys.stdout
    eng = engine_of(url, engine)
    dates, per_column = parse_date_formats(date_formats or [])
    options = LoadOptions(dates, per_column, rejects, encoding)
    database = ""
    if url:
        database = database_of(eng, url)
        cfg = cfg.on_server(eng, url)
    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    try:
        runtime.contract(pack)  # an unknown pack or a broken contract fails before any server starts
        if not url:
            database = runtime.database(eng, pack, "load")
        result = load_csv(runtime, eng, database, pack, csv_dir, options)
        label = runtime.labels.get(eng, eng)
    finally:
        runtime.close()
    problems = result.batch.problems
    for p in problems[:SHOWN]:
        print(str(p), file=sys.stderr)
    if len(problems) > SHOWN:
        more = f"{rejects} holds them all" if rejects else "--rejects FILE writes them all"
        print(f"... and {len(problems) - SHOWN} more bad fields ({more})", file=sys.stderr)
    print(f"load {pack} from {csv_dir} into {eng} database {database} (dates {options.dates.spelling}"
          + "".join(f", {c} {f.spelling}" for c, f in per_column.items()) + ")", file=stream)
    print(result.summary(), file=stream)
    if problems and not result.committed:
        print(f"{result.batch.rejected} bad rows in {len({p.file for p in problems})} files: nothing was loaded"
              + ("" if rejects else "; fix them, or pass --rejects FILE to load the good rows and set the bad ones "
                 "aside"), file=stream)
    elif problems:
        print(f"loaded {result.batch.good_rows:,} rows; {result.batch.rejected:,} bad rows written to {rejects}",
              file=stream)
    else:
        print(f"loaded {result.batch.good_rows:,} rows, every one judged against the contract first", file=stream)
    if not url:
        proved = "the files were judged and proved to load" if result.committed else "the files were judged"
        print(f"removed the disposable database {database} and its server ({label}): {proved}; load a database "
              "you keep with --url", file=stream)
    return 1 if problems else 0
