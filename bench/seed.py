"""Seeding speed, side by side with the engine's own bulk load of the same rows from files.

Per engine (local provider, a fresh server each repeat) and per repeat, interleaved so machine noise hits
both engines alike:

1. ``seed``: ``seed_database`` into a fresh copy of the pack at ``--scale`` (default 100: about 1.04 million
   rows for healthcare_mgmt), keeping each table's load text as a file.  Reports the wall time and where
   it went: generation per table, encoding, loading, index rebuild, foreign-key verification.
2. ``baseline``: the same files loaded into another fresh copy on the same server with the engine's own
   bulk load, plainly, in the same order and one transaction: PostgreSQL ``COPY t FROM '<file>'``
   (server-side), MySQL ``LOAD DATA LOCAL INFILE``; foreign keys checked row by row, indexes in place, the
   pack's audit triggers firing (as for the seeder).  This is what loading those rows costs with no Python
   at all; the ratio seed / baseline is what generating them adds (below 1: the seeder's load settings win
   back more than generation costs).  On MySQL the seeder has already raised the server's buffer pool and
   redo capacity (it does on servers of its own for large loads), so the baseline runs with them too.
3. with ``--copy-modes`` (PostgreSQL): one table copied through psycopg's ``COPY FROM STDIN`` into a plain
   table (no index, trigger or key, so the client side shows) as 1 MiB text blocks (what the seeder does)
   and row by row with ``write_row``.

Usage: .venv/bin/python bench/seed.py [--scale 100] [--engines postgres,mysql] [--repeat 1] [--copy-modes]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dbintegrity.config import Config, env_lookup, resolve
from dbintegrity.seed import SeedResult, seed_database
from dbintegrity.servers.runtime import Runtime

PACK = "healthcare_mgmt"


def baseline(rt: Runtime, engine: str, result: SeedResult, files: Path) -> tuple[float, dict[str, float]]:
    """Load the kept files into a fresh database with the engine's own bulk load; (total s, per table s)."""
    database = rt.database(engine, PACK, "baseline")
    eng = rt.engine(engine)
    conn = rt.connect(engine, database, autocommit=False)
    eng.prepare_session(conn)
    per_table: dict[str, float] = {}
    q = eng.quote
    started = time.perf_counter()
    try:
        cur = conn.cursor()
        for t in result.tables:
            if not t.rows:
                continue
            path = files / f"{t.table}.tsv"
            cols = ", ".join(q(c) for c in path.with_suffix(".cols").read_text().split())
            t0 = time.perf_counter()
            if engine == "postgres":
                cur.execute(f"COPY {q(t.table)} ({cols}) FROM '{path}'")
            else:
                cur.execute(f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE {q(t.table)} CHARACTER SET utf8mb4 "
                            f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({cols})")
            per_table[t.table] = time.perf_counter() - t0
        conn.commit()
    finally:
        conn.close()
    return time.perf_counter() - started, per_table


def copy_modes(rt: Runtime, files: Path, table: str = "appointments") -> dict[str, float]:
    """Rows/s of psycopg's COPY FROM STDIN into a table without indexes, triggers or keys (so the client side
    shows): the seeder's 1 MiB text blocks vs ``write_row`` per row, which needs a Python row per row first
    (timed here from the same text, split into fields)."""
    path = files / f"{table}.tsv"
    cols = path.with_suffix(".cols").read_text().split()
    data = path.read_bytes()
    n = data.count(b"\n")
    database = rt.database("postgres", PACK, "copymode")
    conn = rt.connect("postgres", database, autocommit=False)
    rt.engine("postgres").prepare_session(conn)
    out: dict[str, float] = {}
    for mode in ("text blocks", "write_row"):
        conn.execute(f"CREATE TEMP TABLE plain_{mode[0]} AS SELECT {', '.join(cols)} FROM {table} WITH NO DATA")
        sql = f"COPY plain_{mode[0]} ({', '.join(cols)}) FROM STDIN"
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy(sql) as copy:
            if mode == "text blocks":
                view = memoryview(data)
                for i in range(0, len(view), 1 << 20):
                    copy.write(view[i:i + (1 << 20)])
            else:
                for line in data.decode().splitlines():
                    copy.write_row([None if f == "\\N" else f for f in line.split("\t")])
        conn.commit()
        out[mode] = n / (time.perf_counter() - t0)
    conn.close()
    rt.drop("postgres", database)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--engines", default="postgres,mysql")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--copy-modes", action="store_true")
    args = parser.parse_args()
    cfg = resolve([lambda o: {"provider": "local", "engines": args.engines}.get(o.name), env_lookup()])
    print(f"load average before: {os.getloadavg()[0]:.2f} (2-core machine: above 2 means other work competes)")
    runs: dict[str, list[tuple[SeedResult, float, dict[str, float]]]] = {}
    for _ in range(args.repeat):
        for engine in cfg.engines:
            try:
                _one(cfg, engine, args, runs)
            except Exception as exc:  # report what the other engine measured all the same
                print(f"{engine}: run failed: {type(exc).__name__}: {exc}")
    for engine, results in runs.items():
        _report(engine, results)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _one(cfg: Config, engine: str, args: argparse.Namespace,
         runs: dict[str, list[tuple[SeedResult, float, dict[str, float]]]]) -> None:
    """One seed run and one baseline load on a fresh server of ``engine``."""
    rt = Runtime(cfg)
    files = Path(tempfile.mkdtemp(prefix="dbintegrity-bench-seed-"))
    files.chmod(0o755)  # the PostgreSQL server (user postgres) reads them for COPY FROM '<file>'
    try:
        database = rt.database(engine, PACK, "seed")
        result = seed_database(rt, engine, database, PACK, scale=args.scale, seed=args.seed,
                               progress=False, keep_files=files)
        for t in result.tables:
            if t.rows:
                (files / f"{t.table}.tsv").chmod(0o644)
        rt.drop(engine, database)
        _write_columns(rt, engine, result, files)
        base, per_table = baseline(rt, engine, result, files)
        runs.setdefault(engine, []).append((result, base, per_table))
        if args.copy_modes and engine == "postgres":
            modes = copy_modes(rt, files)
            print("postgres COPY FROM STDIN of appointments into a plain table: " +
                  ", ".join(f"{k} {v:,.0f} rows/s" for k, v in modes.items()))
    finally:
        rt.close()
        shutil.rmtree(files, ignore_errors=True)


def _write_columns(rt: Runtime, engine: str, result: SeedResult, files: Path) -> None:
    """The column list of each file (the seeder writes every non-generated column, in table order)."""
    schema = rt.contract(PACK)
    for t in result.tables:
        if t.rows:
            cols = [c.name for c in schema.tables[t.table].columns.values() if c.generated is None]
            (files / f"{t.table}.cols").write_text(" ".join(cols))


def _report(engine: str, results: list[tuple[SeedResult, float, dict[str, float]]]) -> None:
    def med(values: list[float]) -> str:
        return f"{statistics.median(values):.2f}" + (f" ({min(values):.2f}-{max(values):.2f})"
                                                      if len(values) > 1 else "")

    first = results[0][0]
    print(f"\n== {engine}: pack {PACK}, scale {first.scale:g}, {first.total_rows:,} rows generated "
          f"({sum(t.in_table for t in first.tables):,} in the tables, with the rows the audit triggers wrote)")
    totals = [r.seconds["total"] for r, _, _ in results]
    bases = [b for _, b, _ in results]
    print(f"seed total s:            {med(totals)}  ({first.total_rows / statistics.median(totals):,.0f} rows/s)")
    print(f"baseline bulk load s:    {med(bases)}  (the engine's own load of the same files into a fresh copy on "
          "the same server: plain COPY FROM file / LOAD DATA LOCAL INFILE, per-row foreign-key checks, indexes "
          "in place, the pack's triggers firing)")
    print(f"ratio seed / baseline:   {statistics.median(totals) / statistics.median(bases):.2f}")
    print("where the seed time went (s; load runs in its own thread, overlapping generate + encode):")
    for phase in first.seconds:
        print(f"  {phase:<10} {med([r.seconds[phase] for r, _, _ in results])}")
    print(f"  {'table':<20}{'rows':>10}{'generate':>10}{'encode':>9}{'load':>9}{'baseline':>10}")
    for i, t in enumerate(first.tables):
        if not t.rows:
            continue
        gen = statistics.median(r.tables[i].generate_s for r, _, _ in results)
        enc = statistics.median(r.tables[i].encode_s for r, _, _ in results)
        load = statistics.median(r.tables[i].load_s for r, _, _ in results)
        base = statistics.median(p.get(t.table, 0.0) for _, _, p in results)
        print(f"  {t.table:<20}{t.rows:>10,}{gen:>10.2f}{enc:>9.2f}{load:>9.2f}{base:>10.2f}")


if __name__ == "__main__":
    main()
