"""``seed_database``: fill a database that holds a pack with realistic, deterministic rows.

One run: read the contract and the seed profile, look at the target (every table of the pack there? any
rows already? refuse, append or replace), then generate the tables parents first and hand each one, as
load text, to a loader thread, so the engine loads a table while Python generates the next (two cores,
two workers).  All rows go in one transaction; foreign keys are verified before it commits, so a failed
run leaves the database as it was (a ``replace`` on MySQL has already emptied the tables: TRUNCATE
commits there).
"""

from __future__ import annotations

import math
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dbintegrity.seed.console import Progress, RunLog, want_progress
from dbintegrity.seed.encode import Encoded, encode
from dbintegrity.seed.errors import SeedError
from dbintegrity.seed.generate import World
from dbintegrity.seed.load import Loader, loader_for
from dbintegrity.seed.profile import PROFILE_FILE, load_profile
from dbintegrity.servers.runtime import Runtime

MODES = ("refuse", "append", "replace")
MAX_SCALE = 100_000


@dataclass(frozen=True)
class TableResult:
    """One table of a run."""

    table: str
    rows: int
    """Rows the seeder generated and loaded (0 for tables it leaves to triggers)."""
    in_table: int
    """Rows in the table after the run: earlier rows when appending, and rows written by triggers."""
    checksum: str | None
    """SHA-256 of the generated rows in load-text form; the same for the same seed on every engine."""
    generate_s: float
    encode_s: float
    load_s: float
    dropped: dict[str, int] = field(default_factory=dict)
    """Generated rows not written because they broke a constraint or rule (the reason -> how many)."""


@dataclass(frozen=True)
class SeedResult:
    """What a run did; ``rows``, ``checksums`` and ``seconds`` are plain dicts, ready for JSON."""

    pack: str
    engine: str
    database: str
    seed: int
    scale: float
    mode: str
    rows: dict[str, int]
    checksums: dict[str, str]
    seconds: dict[str, float]
    """Phases in seconds: setup, pools (part of generate), generate, encode, spool (MySQL's load files), load
    (overlaps generate and encode: another thread), restore (indexes rebuilt), verify (foreign keys), commit,
    and total: the wall time of the run.  Statistics are left to autovacuum / InnoDB's own sampling."""
    log_path: Path
    tables: tuple[TableResult, ...]
    profile: str | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        """The per-table table the CLI prints."""
        lines = [f"seeded pack {self.pack} into {self.engine} database {self.database} "
                 f"(seed {self.seed}, scale {self.scale:g}, {self.mode})",
                 f"{'table':<22}{'rows':>10}{'in table':>10}{'generate s':>12}{'encode s':>10}{'load s':>8}  checksum"]
        for t in self.tables:
            checksum = t.checksum[:16] if t.checksum else "(written by triggers)" if t.in_table else "-"
            lines.append(f"{t.table:<22}{t.rows:>10,}{t.in_table:>10,}{t.generate_s:>12.2f}{t.encode_s:>10.2f}"
                         f"{t.load_s:>8.2f}  {checksum}")
            for reason, n in t.dropped.items():
                lines.append(f"{'':<22}  dropped {n} generated rows breaking {reason}")
        s = self.seconds
        lines.append(f"{'total':<22}{self.total_rows:>10,}{sum(t.in_table for t in self.tables):>10,}"
                     f"{s.get('generate', 0):>12.2f}{s.get('encode', 0):>10.2f}{s.get('load', 0):>8.2f}")
        phases = ", ".join(f"{k} {v:.2f}" for k, v in s.items() if k != "total")
        rate = self.total_rows / s["total"] if s.get("total") else 0.0
        lines.append(f"{s.get('total', 0):.2f} s wall ({rate:,.0f} rows/s); phases in s: {phases}")
        lines.append("generation and loading overlap (the engine loads a table while the next is generated)")
        lines.append(f"log: {self.log_path}")
        return "\n".join(lines)


def default_log_dir(runtime: Runtime) -> Path:
    """``.engines/logs`` beside the engines and templates (git-ignored), unless the caller says otherwise."""
    return Path(runtime.cfg.cache_dir).parent / "logs"


def seed_database(runtime: Runtime, engine: str, database: str, pack: str, *, scale: float = 1, seed: int = 0,
                  mode: str = "refuse", progress: bool | None = None, log_dir: Path | None = None,
                  profile: Path | None = None, keep_files: Path | None = None) -> SeedResult:
    """Seed ``database`` (which must hold ``pack``) on the runtime's ``engine`` server.

    ``mode``: ``refuse`` (default) fails if any table of the pack has rows, ``append`` adds new rows (new
    ids; serial numbers continue after the rows there), ``replace`` empties the pack's tables first.
    ``progress``: a bar on stderr (None: only on a terminal outside CI).  ``log_dir``: where the run's
    timestamped log file goes (default ``.engines/logs``).  ``profile``: another seed profile than the
    pack's ``seed_profile.yml``.  ``keep_files``: also keep each table's load text as ``<table>.tsv`` there
    (what ``bench/seed.py`` loads with the engine's own COPY / LOAD DATA).
    """
    check_arguments(scale, seed, mode)
    run = _Run(runtime, engine, database, pack, scale=scale, seed=seed, mode=mode,
               log=RunLog(Path(log_dir) if log_dir is not None else default_log_dir(runtime), pack, engine))
    try:
        return run.execute(profile, progress, keep_files)
    except BaseException as exc:
        run.log(f"failed: {type(exc).__name__}: {exc}")
        if run.loader is not None:
            run.loader.rollback()
        raise
    finally:
        run.close(keep=keep_files is not None)


@dataclass
class _Work:
    """What happened to one table in the pipeline."""

    rows: int = 0
    checksum: str | None = None
    generate_s: float = 0.0
    encode_s: float = 0.0
    load_s: float = 0.0
    dropped: dict[str, int] = field(default_factory=dict)


class _Run:
    """One seeding run: the target checked, the pipeline run, the transaction verified and committed."""

    def __init__(self, runtime: Runtime, engine: str, database: str, pack: str, *, scale: float, seed: int,
                 mode: str, log: RunLog) -> None:
        self.runtime, self.engine, self.database, self.pack = runtime, engine, database, pack
        self.scale, self.seed, self.mode, self.log = scale, seed, mode, log
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}
        self.loader: Loader | None = None
        self.spool_dir: Path | None = None
        self.bar: Progress | None = None
        log(f"seed pack={pack} engine={engine} database={database} seed={seed} scale={scale:g} mode={mode}")

    def execute(self, profile: Path | None, progress: bool | None, keep_files: Path | None) -> SeedResult:
        contract = self.runtime.contract(self.pack)
        prof = load_profile(Path(profile or self.runtime.pack(self.pack).path / PROFILE_FILE), contract, self.pack,
                            seed=self.seed, default_fixtures=Path(self.runtime.cfg.packs_dir).parent / "fixtures")
        self.log(f"profile: {prof.where}; fixtures: {prof.fixtures.root}")
        loader = self._open()
        offsets = self._check_target(loader, list(contract.tables))
        world = World(contract, prof, seed=self.seed, scale=self.scale, offsets=offsets, log=self.log)
        self.log(f"order: {', '.join(world.order)}")
        planned = sum(world.estimate_rows().values())
        bar = self.bar = Progress(f"seeding {self.pack} on {self.engine}", planned,
                                  enabled=want_progress(progress))
        self.seconds["setup"] = time.perf_counter() - self.started
        loader.begin(contract.tables, planned)
        if loader.needs_spool or keep_files is not None:
            self.spool_dir = Path(keep_files) if keep_files is not None else Path(tempfile.mkdtemp(
                prefix="dbintegrity-seed-", dir=self.runtime.cfg.workdir))
            self.spool_dir.mkdir(parents=True, exist_ok=True)
        work = _pipeline(world, loader, bar, self.log, self.spool_dir, keep=keep_files is not None,
                         seconds=self.seconds)
        bar.update(generating="", loading="rebuilding indexes")
        self._timed("restore", loader.restore)
        bar.update(loading="verifying foreign keys")
        self._timed("verify", lambda: loader.verify_foreign_keys(
            contract.tables, [name for name in world.order if work[name].rows]))
        counts = loader.row_counts(list(contract.tables))
        bar.update(loading="committing")
        self._timed("commit", loader.commit)
        bar.update(loading="done")
        self.seconds["pools"] = prof.fixtures.pool_seconds
        self.seconds["total"] = time.perf_counter() - self.started
        result = self._result(world, work, counts, prof.where)
        for line in result.summary().splitlines():
            self.log(line)
        return result

    def _open(self) -> Loader:
        server = self.runtime.server(self.engine)
        conn = self.runtime.connect(self.engine, self.database, autocommit=False)
        self.loader = loader_for(self.runtime.engine(self.engine), conn, self.database, self.log,
                                 disposable=server.provider in ("local", "docker"))
        self.runtime.backfill(self.engine, self.pack, conn)  # years of history: appointments in the past
        return self.loader

    def _check_target(self, loader: Loader, tables: list[str]) -> dict[str, int]:
        """Refuse, empty or count what is there; the row counts to continue from when appending."""
        where = f"{self.engine} database {self.database}"
        missing = sorted(set(tables) - loader.existing_tables())
        if missing:
            raise SeedError(f"{where} lacks table(s) {', '.join(missing)} of pack {self.pack}: load the pack first "
                            "(without --url, dbintegrity seed makes a database with it loaded)")
        occupied = [t for t, has in loader.has_rows(tables).items() if has]
        if occupied and self.mode == "refuse":
            raise SeedError(f"{where} already has rows in {', '.join(sorted(occupied))}; "
                            "pass --append to add rows or --replace to delete them first")
        if occupied and self.mode == "replace":
            loader.clear(tables)
            self.log(f"replace: emptied {', '.join(tables)}")
        return loader.row_counts(tables) if self.mode == "append" else {}

    def _timed(self, phase: str, step: Callable[[], None]) -> None:
        t0 = time.perf_counter()
        step()
        self.seconds[phase] = time.perf_counter() - t0

    def _result(self, world: World, work: dict[str, _Work], counts: dict[str, int], profile: str) -> SeedResult:
        tables = tuple(TableResult(name, w.rows, counts.get(name, 0), w.checksum, w.generate_s, w.encode_s,
                                   w.load_s, dict(w.dropped)) for name, w in ((n, work[n]) for n in world.order))
        order = ("setup", "pools", "generate", "encode", "spool", "load", "restore", "verify", "commit", "total")
        return SeedResult(
            pack=self.pack, engine=self.engine, database=self.database, seed=self.seed, scale=self.scale,
            mode=self.mode, rows={t.table: t.rows for t in tables},
            checksums={t.table: t.checksum for t in tables if t.checksum},
            seconds={k: round(self.seconds[k], 3) for k in order if k in self.seconds}, log_path=self.log.path,
            tables=tables, profile=profile)

    def close(self, *, keep: bool) -> None:
        if self.bar is not None:
            self.bar.finish()
        if self.loader is not None:
            self.loader.close()
        if self.spool_dir is not None and not keep:
            shutil.rmtree(self.spool_dir, ignore_errors=True)
        self.log.close()


def check_arguments(scale: float, seed: int, mode: str) -> None:
    """Bad scale, seed or mode: one line, before any server is started."""
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale) \
            or not 0 < scale <= MAX_SCALE:
        raise SeedError(f"scale must be a number above 0 and at most {MAX_SCALE:,} (1 is the profile's base size), "
                        f"got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SeedError(f"seed must be a whole number >= 0, got {seed!r}")
    if mode not in MODES:
        raise SeedError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")


def _pipeline(world: World, loader: Loader, bar: Progress, log: RunLog, spool_dir: Path | None, *, keep: bool,
              seconds: dict[str, float]) -> dict[str, _Work]:
    """Generate and encode in this thread, load in another, in table order; the first error stops both."""
    for key in ("generate", "encode", "spool", "load"):
        seconds[key] = 0.0
    work: dict[str, _Work] = {}
    loading = _Loading(loader, bar, log, work, seconds, keep=keep)
    try:
        for name in world.order:
            if loading.failure:
                break
            w = work[name] = _Work()
            if world.skipped(name):
                log(f"{name}: not generated (rows: 0 in the profile)")
                continue
            bar.update(generating=f"generating {name}")
            frame = world.generate(name)
            t0 = time.perf_counter()
            enc = encode(frame)
            w.rows, w.checksum, w.dropped = enc.rows, enc.checksum, frame.dropped
            w.generate_s, w.encode_s = frame.seconds, time.perf_counter() - t0
            seconds["generate"] += w.generate_s
            seconds["encode"] += w.encode_s
            spool = None
            if spool_dir is not None:
                t0 = time.perf_counter()
                spool = spool_dir / f"{name}.tsv"
                spool.write_bytes(enc.data)
                seconds["spool"] += time.perf_counter() - t0
            log(f"{name}: generated {enc.rows} rows in {w.generate_s:.2f} s, encoded {len(enc.data):,} bytes in "
                f"{w.encode_s:.2f} s, checksum {enc.checksum}")
            bar.update(generated=enc.rows)
            world.release(name)
            loading.put((enc, spool))
    except BaseException as exc:
        loading.failure.append(exc)
        raise
    finally:
        loading.finish()
    if loading.failure:
        raise loading.failure[0]
    return work


class _Loading:
    """The loader thread: takes encoded tables from a short queue and loads them in order."""

    def __init__(self, loader: Loader, bar: Progress, log: RunLog, work: dict[str, _Work],
                 seconds: dict[str, float], *, keep: bool) -> None:
        self.loader, self.bar, self.log, self.work, self.seconds, self.keep = loader, bar, log, work, seconds, keep
        self.queue: queue.Queue[tuple[Encoded, Path | None] | None] = queue.Queue(maxsize=2)
        self.failure: list[BaseException] = []
        self.thread = threading.Thread(target=self._consume, name="dbintegrity-seed-loader", daemon=True)
        self.thread.start()

    def put(self, item: tuple[Encoded, Path | None] | None) -> None:
        """Queue an item, giving up if the loader has failed (so neither thread waits forever)."""
        while not self.failure and self.thread.is_alive():
            try:
                self.queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def finish(self) -> None:
        """End the loader: the end mark is queued also after a failure of the generating side (which ``put`` would
        skip), else the loader would wait for it forever and the seed would hang instead of reporting the error."""
        while self.thread.is_alive():
            try:
                self.queue.put(None, timeout=0.2)
                break
            except queue.Full:
                continue
        self.thread.join()

    def _consume(self) -> None:
        while True:
            item = self.queue.get()
            if item is None or self.failure:
                return
            enc, spool = item
            try:
                self.bar.update(loading=f"loading {enc.table}")
                t0 = time.perf_counter()
                self.loader.load(enc, spool)
                took = time.perf_counter() - t0
                self.seconds["load"] += took
                self.work[enc.table].load_s = took
                self.log(f"{enc.table}: loaded {enc.rows} rows in {took:.2f} s")
                self.bar.update(loaded=enc.rows)
                if spool is not None and not self.keep:
                    spool.unlink(missing_ok=True)
            except BaseException as exc:
                self.failure.append(exc)
                return
