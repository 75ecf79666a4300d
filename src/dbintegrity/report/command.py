"""``dbintegrity report PACK --engine E [--url URL] [--out DIR]``: the whole report, start to finish.

Without ``--url`` the database is disposable: a :class:`~dbintegrity.servers.runtime.Runtime` starts the engine,
hands out a fresh copy of the pack, the seeder fills it at ``--scale``/``--seed``, the report reads it,
and everything is removed afterwards whatever happened.  With ``--url`` the report only reads the named
database.  Exit status: 0 every expectation passed, 1 at least one did not, 2 our own error (one line).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from dbintegrity.config import Config
from dbintegrity.engines import get_engine
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import Pack, select
from dbintegrity.report import ReportError, charts
from dbintegrity.report import expectations_file as xfile
from dbintegrity.report import neutralsql as nsql
from dbintegrity.report.outcome import Outcome, console_table, mark_empty_tables, outcome, row_counts, tally
from dbintegrity.report.rules import Rule, Skipped, contract_rules
from dbintegrity.report.target import Target, from_url

DEFAULT_SCALE = 1.0
"""The seed profile's base size (about 10,000 rows for healthcare_mgmt): what ``report`` seeds by default."""
_NEEDS = {"great_expectations": "great_expectations", "sqlalchemy": "SQLAlchemy", "matplotlib": "matplotlib"}


@dataclasses.dataclass(frozen=True)
class Suite:
    """Everything the report checks for a pack, before any database is involved."""

    pack: Pack
    rules: list[Rule]
    skipped: list[Skipped]
    charts: list[xfile.Chart]
    primary_keys: dict[str, tuple[str, ...]]
    tables: list[xfile.DataTable] = dataclasses.field(default_factory=list)


def build(cfg: Config, pack: str) -> Suite:
    """The pack's rules: contract first, then the expectations file, grouped by table (GX runs per table)."""
    found = select(cfg.packs_dir, [pack])[0]
    schema = contract.load(found.contract_path)
    rules, skipped = contract_rules(schema)
    extra = xfile.load(found.path / xfile.FILE, set(schema.tables))
    clash = {r.id for r in rules} & {r.id for r in extra.rules}
    if clash:
        raise ReportError(f"{found.path / xfile.FILE}: expectation(s) {', '.join(sorted(clash))} have the id of a "
                          "rule derived from the contract; rename them")
    order = {t: i for i, t in enumerate(sorted(schema.tables))}
    merged = sorted([*rules, *extra.rules], key=lambda r: order[r.table])  # stable: contract rules first
    return Suite(found, merged, skipped, extra.charts or [charts.ROW_COUNTS],
                 {name: t.primary_key for name, t in schema.tables.items()}, extra.tables)


def run_report(cfg: Config, *, pack: str, engine: str, url: str | None = None, out: Path | None = None,
               scale: float = DEFAULT_SCALE, seed: int = 0, stream: TextIO | None = None) -> int:
    """Build, seed (unless ``url``), validate, write; the exit status of ``dbintegrity report``."""
    stream = stream or sys.stdout
    started = time.perf_counter()
    _check_installed()
    suite = build(cfg, pack)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out or Path("reports") / f"{pack}-{engine}-{stamp}"
    if url:
        return report_database(suite, from_url(engine, url), out, stream=stream, started=started)
    from dbintegrity.servers.runtime import Runtime

    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    try:
        database = runtime.database(engine, pack, "report")
        seeded = _seed(runtime, engine, database, pack, scale=scale, seed=seed, log_dir=out / "seed")
        return report_database(suite, Target(engine, runtime.server(engine), database), out, stream=stream,
                               seeded=seeded, started=started)
    finally:
        runtime.close()


def _seed(runtime: Any, engine: str, database: str, pack: str, *, scale: float, seed: int,
          log_dir: Path) -> dict[str, Any]:
    """Fill ``database`` with the project's seeder (imported here: it brings numpy and Faker along)."""
    from dbintegrity.seed import seed_database

    t0 = time.perf_counter()
    result = seed_database(runtime, engine, database, pack, scale=scale, seed=seed, mode="refuse", progress=None,
                           log_dir=log_dir)
    return {"scale": scale, "seed": seed, "rows": dict(result.rows), "log": str(result.log_path),
            "seconds": round(time.perf_counter() - t0, 3)}


def report_database(suite: Suite, target: Target, out: Path, *, stream: TextIO | None = None,
                    seeded: dict[str, Any] | None = None, started: float | None = None) -> int:
    """Validate ``target`` against ``suite`` and write the report into ``out``; 0 when all passed, else 1."""
    from dbintegrity.report import gxrun

    stream = stream or sys.stdout
    timings: dict[str, float] = {}
    started = time.perf_counter() if started is None else started
    out.mkdir(parents=True, exist_ok=True)
    run = gxrun.run_suite(suite.pack.name, target, suite.rules, suite.primary_keys, out / "data_docs",
                          progress_bars=sys.stderr.isatty())
    outcomes = [outcome(r) for r in run.results]
    mark_empty_tables(outcomes)
    timings |= run.timings
    summary = _summary(suite, target, outcomes, run, seeded, out)
    print(console_table(outcomes), file=stream)
    for s in suite.skipped:
        print(f"not checked: {s.id}: {s.reason}", file=stream)

    _write(out / "summary.json", summary)  # before the charts: a failing chart query keeps the verdicts

    t0 = time.perf_counter()
    summary["charts"] = [str(p.relative_to(out)) for p in _draw_charts(suite, target, out)]
    summary["figures"] = [str(p.relative_to(out)) for p in _write_tables(suite, target, out, stream)]
    timings["charts_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - started
    summary["timings"] = {k: round(v, 3) for k, v in timings.items()}
    _write(out / "summary.json", summary)
    counts = summary["counts"]
    print(f"\n{len(outcomes)} expectations on {target.engine}: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['error']} errors, {counts['empty']} on empty tables", file=stream)
    print(f"suite built in {timings['build_suite_s']:.2f} s and run in {timings['validate_s']:.2f} s "
          f"(GX import {timings['import_gx_s']:.2f} s, Data Docs {timings['data_docs_s']:.2f} s, "
          f"total {timings['total_s']:.2f} s)", file=stream)
    docs = f"{run.docs_index}" if run.docs_index else "not written"
    print(f"report: {out}/  Data Docs: {docs}  summary: {out / 'summary.json'}  charts: "
          f"{', '.join(summary['charts'])}" + (f"  tables: {', '.join(summary['figures'])}" if summary['figures']
                                               else ""), file=stream)
    return 0 if summary["success"] else 1


def _write(path: Path, summary: dict[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8")


def _summary(suite: Suite, target: Target, outcomes: list[Outcome], run: Any, seeded: dict[str, Any] | None,
             out: Path) -> dict[str, Any]:
    counts = tally(outcomes)
    return {
        "pack": suite.pack.name,
        "engine": target.engine,
        "database": target.database,
        "server": f"{target.engine} {_server_version(target)}".strip(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "great_expectations": run.gx_version,
        "success": counts["passed"] == len(outcomes) and bool(outcomes),
        "counts": counts,
        "tables": row_counts(outcomes),
        "seeded": seeded,
        "data_docs": str(run.docs_index.resolve().relative_to(out.resolve())) if run.docs_index else None,
        "expectations": [o.to_dict() for o in outcomes],
        "not_checked": [dataclasses.asdict(s) for s in suite.skipped],
    }


def _server_version(target: Target) -> str:
    """What the server says it is (a ``--url`` target has not been asked before)."""
    if target.server.version:
        return target.server.version
    eng = get_engine(target.engine)
    try:
        with eng.connection(target.server, target.database) as conn:
            return str(eng.server_version(conn))
    except eng.driver_errors:
        return ""


def _draw_charts(suite: Suite, target: Target, out: Path) -> list[Path]:
    eng = get_engine(target.engine)
    paths = []
    with eng.connection(target.server, target.database) as conn:
        for chart in suite.charts:
            if chart is charts.ROW_COUNTS:
                rows: list[Any] = [(t, n) for t, n in _table_rows(eng, conn, sorted(suite.primary_keys))]
            else:
                rows = _query(eng, conn, target.engine, f"chart {chart.name}", chart.query)[1]
            subtitle = f"{suite.pack.name} on {target.engine}"
            paths.append(charts.draw(chart, rows, out / "charts" / f"{chart.name}.png", subtitle))
    return paths


def _query(eng: Any, conn: Any, engine: str, what: str, neutral: str) -> tuple[list[str], list[Any]]:
    """Column names and rows of a chart's or table's neutral query on ``engine``."""
    cur = conn.cursor()
    try:
        cur.execute(nsql.render(neutral, eng.dialect, batch=False))
        return [d[0] for d in cur.description], list(cur.fetchall())
    except eng.driver_errors as exc:
        raise ReportError(f"{what}: {engine} said {eng.error_message(exc)}") from None
    finally:
        cur.close()


def _write_tables(suite: Suite, target: Target, out: Path, stream: TextIO) -> list[Path]:
    """The expectations file's tables of figures: printed, and written as CSV and Markdown."""
    import csv

    eng = get_engine(target.engine)
    paths: list[Path] = []
    if not suite.tables:
        return paths
    (out / "tables").mkdir(parents=True, exist_ok=True)
    with eng.connection(target.server, target.database) as conn:
        for table in suite.tables:
            header, rows = _query(eng, conn, target.engine, f"table {table.name}", table.query)
            cells = [[_cell(v) for v in row] for row in rows]
            with (out / "tables" / f"{table.name}.csv").open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows([header, *cells])
            lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"] + [f"| {' | '.join(c)} |" for c in cells]
            md = out / "tables" / f"{table.name}.md"
            md.write_text(f"## {table.title}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
            widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)]
            print(f"\n{table.title} ({suite.pack.name} on {target.engine})", file=stream)
            for row in [header, *cells]:
                print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths,
                                                                                                      strict=True))),
                      file=stream)
            paths += [out / "tables" / f"{table.name}.csv", md]
    return paths


def _cell(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table_rows(eng: Any, conn: Any, tables: list[str]) -> list[tuple[str, int]]:
    cur = conn.cursor()
    try:
        out = []
        for t in tables:
            cur.execute(f"SELECT COUNT(*) FROM {eng.quote(t)}")
            out.append((t, int(cur.fetchone()[0])))
        return out
    finally:
        cur.close()


def _check_installed() -> None:
    """Say which extra is missing before any server starts (the quality extra is optional)."""
    missing = [dist for mod, dist in _NEEDS.items() if importlib.util.find_spec(mod) is None]
    if missing:
        raise ReportError(f"report needs {', '.join(missing)}: pip install 'dbintegrity[quality]'")
