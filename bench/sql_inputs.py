"""Reading and loading a zero-config input (``--sql``): statements, files, read time, load time.

A run reads the inputs as ``dbintegrity check --sql`` does (includes, placeholders, folder order), then
loads them into a fresh database on a disposable engine (local provider unless ``--provider`` says
otherwise) and reports the statements applied per second.  Point it at any dump, folder or script, e.g.
the public corpus a checkout may have beside it:

    .venv/bin/python bench/sql_inputs.py --engine postgres --define cdmDatabaseSchema=public \\
        ../shared/corpus/omop_cdm_5.4_postgresql
    .venv/bin/python bench/sql_inputs.py --engine mysql fixtures/zero_config/mysqldump/clinic.sql
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from dbintegrity.config import env_lookup, resolve
from dbintegrity.engines import get_engine
from dbintegrity.servers.runtime import Runtime
from dbintegrity.sqltext.inputs import Inputs, parse_defines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sql", nargs="+", type=Path, help="files or folders, in the order --sql would take them")
    parser.add_argument("--engine", required=True)
    parser.add_argument("--define", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--provider", default="local")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = {"provider": args.provider, "engines": args.engine}
    cfg = resolve([lambda o: settings.get(o.name), env_lookup()])
    inputs = Inputs(tuple(args.sql), get_engine(args.engine).dialect_dir, parse_defines(args.define))
    reads, loads = [], []
    statements = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        statements = inputs.statements()
        reads.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory(prefix="dbintegrity-bench-") as work:
        (Path(work) / "schema").mkdir()
        inputs.write(Path(work) / "schema")
        runtime = Runtime(replace(cfg, packs_dir=Path(work), packs=("schema",)))
        try:
            runtime.server(args.engine)
            pack = runtime.pack("schema")
            for i in range(args.repeat):
                database = runtime.create_database(args.engine, f"bench{i}")
                t0 = time.perf_counter()
                runtime.load(args.engine, pack, database)
                loads.append(time.perf_counter() - t0)
                runtime.drop(args.engine, database)
        finally:
            runtime.close()
    files = len({s.path for s in statements})
    load = statistics.median(loads)
    print(f"{'input':<50}{'statements':>11}{'files':>7}{'read s':>9}{'load s (median, min-max)':>28}{'stmt/s':>9}")
    name = " ".join(map(str, args.sql))
    name = name if len(name) <= 48 else "..." + name[-45:]
    print(f"{name:<50}{len(statements):>11}{files:>7}{statistics.median(reads):>9.3f}"
          f"{f'{load:.2f} ({min(loads):.2f}-{max(loads):.2f})':>28}{len(statements) / load:>9.0f}")


if __name__ == "__main__":
    sys.exit(main())
