"""``load_csv``: judge a folder of CSV files against a pack's contract, then bulk-load the good rows at once.

Nothing is written before every row of every file has been judged (:mod:`dbintegrity.intake.batch`).  Then,
unless a row was bad and no rejects file was asked for, all tables are loaded parents first in **one
transaction** with the seeder's bulk loaders (:mod:`dbintegrity.seed.load`: PostgreSQL ``COPY``, MySQL
``LOAD DATA LOCAL``, chosen by the engine's ``bulk_load`` attribute), in the pack's backfill mode
(``session.yml``: the files hold existing records, e.g. their own patient identifiers and past dates).
Foreign keys are verified with one anti-join each before the commit; any engine refusal (a trigger, a CHECK
the Python evaluator left to the engine) rolls everything back, so a table is never half loaded.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbintegrity.errors import DbIntegrityError
from dbintegrity.intake.batch import Batch, Key, judge
from dbintegrity.intake.values import ISO, DateFormat
from dbintegrity.seed.encode import Encoded
from dbintegrity.seed.load import Loader, loader_for
from dbintegrity.servers.runtime import Runtime


class LoadError(DbIntegrityError):
    """The load could not be carried out; nothing was written (one line)."""


@dataclass(frozen=True)
class LoadOptions:
    dates: DateFormat = ISO
    column_dates: dict[str, DateFormat] = field(default_factory=dict)
    """``table.column`` -> its own input format."""
    rejects: Path | None = None
    """Write bad rows here and load the good ones; without it one bad row means nothing is loaded."""
    encoding: str = "utf-8"


@dataclass
class LoadResult:
    pack: str
    engine: str
    database: str
    batch: Batch
    loaded: dict[str, int]
    """Rows written per table (0 everywhere when nothing was loaded)."""
    seconds: dict[str, float]
    committed: bool

    def summary(self) -> str:
        lines = [f"{'file':<28}{'table':<22}{'rows':>10}{'loaded':>10}{'rejected':>10}"]
        for t in self.batch.tables:
            lines.append(f"{t.path.name:<28}{t.table:<22}{t.rows:>10,}{self.loaded.get(t.table, 0):>10,}"
                         f"{t.rejected:>10,}")
        s = self.seconds
        total_rows = sum(t.rows for t in self.batch.tables)
        rate = total_rows / s["total"] if s.get("total") else 0.0
        lines.append(f"{s.get('total', 0):.2f} s wall ({rate:,.0f} rows/s); "
                     + ", ".join(f"{k} {v:.2f}" for k, v in s.items() if k != "total") + " s")
        for note in self.batch.unchecked:
            lines.append(f"left to the engine while loading: {note}")
        return "\n".join(lines)


def parse_date_formats(values: list[str]) -> tuple[DateFormat, dict[str, DateFormat]]:
    """``--date-format`` values: one plain format (all date columns) and any ``table.column=FORMAT``."""
    default, per_column = ISO, {}
    plain = [v for v in values if "=" not in v]
    if len(plain) > 1:
        raise LoadError(f"--date-format given {len(plain)} times without a column ({', '.join(plain)}): one "
                        "format for all date columns, and table.column=FORMAT for the exceptions")
    try:
        if plain:
            default = DateFormat.parse(plain[0])
        for v in values:
            if "=" in v:
                column, _, spelling = v.partition("=")
                if "." not in column:
                    raise LoadError(f"--date-format {v}: name the column as table.column=FORMAT")
                per_column[column.strip()] = DateFormat.parse(spelling.strip())
    except ValueError as exc:
        raise LoadError(f"--date-format: {exc}") from None
    return default, per_column


def load_csv(runtime: Runtime, engine: str, database: str, pack: str, folder: Path,
             options: LoadOptions | None = None, log: Any = None) -> LoadResult:
    """Judge every row of ``folder``'s CSV files, then load (see the module docstring)."""
    from dbintegrity.intake.batch import discover

    options = options or LoadOptions()
    log = log or (lambda _m: None)
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    schema = runtime.contract(pack)
    files = discover(Path(folder), schema)
    for column in options.column_dates:
        table, _, name = column.partition(".")
        if table not in schema.tables or name not in schema.tables[table].columns:
            raise LoadError(f"--date-format {column}=...: no column {column} in pack {pack}")
    server = runtime.server(engine)
    eng = runtime.engine(engine)
    conn = runtime.connect(engine, database, autocommit=False)
    loader = loader_for(eng, conn, database, log, disposable=server.provider in ("local", "docker"))
    spool_dir: Path | None = None
    try:
        missing = sorted(set(files) - loader.existing_tables())
        if missing:
            raise LoadError(f"{engine} database {database} lacks table(s) {', '.join(missing)} of pack {pack}: load "
                            "the pack first (without --url, dbintegrity load makes a database with it loaded)")
        cache: dict[tuple[str, tuple[str, ...]], set[Key]] = {}

        def existing(table: str, columns: tuple[str, ...]) -> set[Key]:
            if (table, columns) not in cache:
                cols = ", ".join(eng.quote(c) for c in columns)
                cache[table, columns] = {tuple(r) for r in loader.query(f"SELECT {cols} FROM {eng.quote(table)}")}
            return cache[table, columns]

        t0 = time.perf_counter()
        batch = judge(schema, files, dates=options.dates, column_dates=options.column_dates, existing=existing,
                      encoding=options.encoding, fold_case=eng.capabilities.text_ignores_case)
        seconds["judge"] = time.perf_counter() - t0
        if options.rejects is not None:
            write_rejects(options.rejects, batch)
        loaded = {t.table: 0 for t in batch.tables}
        committed = False
        if not batch.problems or options.rejects is not None:
            rows = sum(len(t.good) for t in batch.tables)
            if rows:
                if loader.needs_spool:
                    spool_dir = Path(tempfile.mkdtemp(prefix="dbintegrity-load-", dir=runtime.cfg.workdir))
                _load(runtime, engine, pack, loader, schema.tables, batch, spool_dir, seconds)
                loaded = {t.table: len(t.good) for t in batch.tables}
                committed = True
        seconds["total"] = time.perf_counter() - started
        return LoadResult(pack, engine, database, batch, loaded, {k: round(v, 3) for k, v in seconds.items()},
                          committed)
    except BaseException:
        loader.rollback()
        raise
    finally:
        loader.close()
        if spool_dir is not None:
            shutil.rmtree(spool_dir, ignore_errors=True)


def _load(runtime: Runtime, engine: str, pack: str, loader: Loader, tables: dict[str, Any], batch: Batch,
          spool_dir: Path | None, seconds: dict[str, float]) -> None:
    runtime.backfill(engine, pack, loader.conn)  # existing records: their own identifiers, past dates
    loader.begin(tables, sum(len(t.good) for t in batch.tables))
    t0 = time.perf_counter()
    for tb in batch.tables:
        if not tb.good:
            continue
        data = ("\n".join(tb.good) + "\n").encode("utf-8")
        enc = Encoded(tb.table, tb.columns, len(tb.good), data, hashlib.sha256(data).hexdigest())
        spool = None
        if spool_dir is not None:
            spool = spool_dir / f"{tb.table}.tsv"
            spool.write_bytes(data)
        try:
            loader.load(enc, spool)
        except DbIntegrityError as exc:
            raise LoadError(f"{tb.path}: {exc}; nothing was loaded (rolled back)") from None
    seconds["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    loader.restore()
    seconds["restore"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        loader.verify_foreign_keys(tables, [t.table for t in batch.tables if t.good])
    except DbIntegrityError as exc:
        raise LoadError(f"{exc}") from None
    seconds["verify"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    loader.commit()
    seconds["commit"] = time.perf_counter() - t0


def write_rejects(path: Path, batch: Batch) -> None:
    """Every bad field as a CSV row: file, line, column, value, reason, and the row's own fields as CSV text."""
    import io

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["file", "line", "column", "value", "reason", "record"])
        for p in batch.problems:
            buf = io.StringIO()
            csv.writer(buf).writerow(p.record)
            out.writerow([str(p.file), p.line, p.column, p.value, p.reason, buf.getvalue().rstrip("\r\n")])
