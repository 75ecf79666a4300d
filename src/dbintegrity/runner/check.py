"""``dbintegrity check``: the gate as a command, running the shipped gate tests through pytest.

Running pytest (not a re-implementation) keeps one source of truth with ``pytest -m integrity`` and gives
JUnit XML for free.  A small collector plugin counts outcomes per (engine, pack) and per probe kind for
the summary tables, with the reason of every skip.

Zero-config mode (``--sql PATH``) needs no pack and no contract: the schema is applied to a disposable
engine, its contract is derived by introspection into a temporary pack, and the same gate runs on it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from dbintegrity.changes.ddlobjects import object_of
from dbintegrity.changes.since import CHANGED_SINCE_ENV, changes_of
from dbintegrity.config import OPTION_BY_NAME, Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Engine
from dbintegrity.errors import ConfigError, ContractError, PackError
from dbintegrity.pack import contract, namespaces
from dbintegrity.pack.discovery import CONTRACT_FILE, select
from dbintegrity.pack.model import Schema
from dbintegrity.pytest_plugin import SAMPLE_ENV
from dbintegrity.runner.step_summary import append_step_summary
from dbintegrity.servers import interrupts
from dbintegrity.servers.runtime import Runtime
from dbintegrity.sqltext.inputs import Inputs, parse_defines
from dbintegrity.sqltext.split import Statement

OUTCOMES = ("passed", "failed", "error", "skipped")
ZERO_CONFIG_PACK = "schema"
BIG_SCHEMA_TABLES = 100
BIG_SCHEMA_SAMPLE = 100
"""Zero-config on more tables than this samples this many items per probe kind unless --sample says
otherwise: a 300-table schema is ~15,000 probes, over ten minutes of work."""


class _Summary:
    """Counts each test's outcome under its engine/pack parameters and under its probe kind."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], Counter[str]] = {}
        self.kinds: dict[str, Counter[str]] = {}
        self.skip_reasons: Counter[tuple[str, str]] = Counter()
        self.failures: list[str] = []
        self.left_out: Counter[str] = Counter()
        """Per probe kind: contract items --sample left out (they are in the schema, not probed)."""
        self.placeholders: Counter[str] = Counter()
        """Per probe kind: skipped tests that stand for no item (the sampled-out line, "declares no ...")."""
        self.by_item: dict[tuple[str, str, str], dict[str, tuple[str, str]]] = {}
        """(probe kind, pack, item) -> engine -> (outcome, failure text): where engines disagree."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.outcome == "passed":
            return
        outcome = "error" if report.when != "call" and report.outcome == "failed" else report.outcome
        params = getattr(report, "dbi_params", {})
        key = (str(params.get("engine") or "all"), str(params.get("pack") or "-"))
        self.counts.setdefault(key, Counter())[outcome] += 1
        kind = report.nodeid.split("::")[-1].split("[")[0].removeprefix("test_")
        self.kinds.setdefault(kind, Counter())[outcome] += 1
        left_out = getattr(report, "dbi_left_out", None)
        if left_out is not None:
            self.placeholders[kind] += 1
            self.left_out[kind] += left_out
        if outcome == "skipped" and isinstance(report.longrepr, tuple):
            self.skip_reasons[(kind, str(report.longrepr[2]).removeprefix("Skipped: "))] += 1
        if outcome in ("failed", "error"):
            self.failures.append(report.nodeid)
        engine = params.get("engine")
        if engine and "[" in report.nodeid:
            item = report.nodeid.rsplit("[", 1)[1].rstrip("]").removeprefix(f"{engine}-")
            text = ""
            if outcome in ("failed", "error"):
                text = getattr(report, "dbi_failure", "") or report.longreprtext.strip()[-2000:]
            self.by_item.setdefault((kind, key[1], item), {})[str(engine)] = (outcome, text)

    def divergences(self) -> list[tuple[tuple[str, str, str], list[str], dict[str, str]]]:
        """Items one engine passes and another fails: (kind, pack, item), the engines that pass, and each
        failing engine's failure (with its reproduction on that engine)."""
        out = []
        for key, per_engine in sorted(self.by_item.items()):
            passing = sorted(e for e, (o, _) in per_engine.items() if o == "passed")
            failing = {e: text for e, (o, text) in sorted(per_engine.items()) if o in ("failed", "error")}
            if passing and failing:
                out.append((key, passing, failing))
        return out

    def coverage(self, kind: str) -> str:
        """``40 of 82 (2 cannot be probed, 40 left out by --sample)``: items probed of items in the schema."""
        counts = self.kinds[kind]
        probed = counts["passed"] + counts["failed"] + counts["error"]
        unprobed = counts["skipped"] - self.placeholders[kind]
        why = [f"{unprobed} cannot be probed" if unprobed else "",
               f"{self.left_out[kind]} left out by --sample" if self.left_out[kind] else ""]
        text = f"{probed} of {probed + unprobed + self.left_out[kind]}"
        return text + (f" ({', '.join(w for w in why if w)})" if any(why) else "")


def gate_args(cfg: Config, packs: list[str]) -> list[str]:
    """The pytest command line that runs the gate with ``cfg``'s settings."""
    # Faker's and pytest-benchmark's plugins load with every pytest process and the gate uses neither: Faker's
    # alone costs about 0.5 s of start-up in the controller and in each engine's worker.
    args = ["--pyargs", "dbintegrity.gate", "-m", "integrity", "-p", "no:cacheprovider", "-p", "no:faker",
            "-p", "no:benchmark",
            "--rootdir", str(Path.cwd()), "-o", "addopts=", "--strict-markers",
            OPTION_BY_NAME["provider"].flag, cfg.provider,
            OPTION_BY_NAME["engines"].flag, ",".join(cfg.engines),
            OPTION_BY_NAME["packs"].flag, str(cfg.packs_dir),
            OPTION_BY_NAME["pack"].flag, ",".join(packs), *cfg.engine_flags()]
    if cfg.workdir:
        args += [OPTION_BY_NAME["workdir"].flag, str(cfg.workdir)]
    args += [OPTION_BY_NAME["engines_dir"].flag, str(cfg.engines_dir)]  # as resolved here, also in child runs
    return args


def run_check(cfg: Config, *, packs: list[str], junitxml: Path | None, extra: list[str], verbose: bool,
              sql: Path | list[Path] | None = None, sample: int | None = None, defines: list[str] | None = None,
              schemas: list[str] | None = None, jobs: int | None = None,
              changed_since: str | None = None) -> int:
    if sample is not None and sample < 0:
        raise ConfigError(f"--sample {sample}: expected 0 (every item) or a positive number of items per probe kind")
    if changed_since is not None and sql:
        raise ConfigError("--changed-since compares packs with a git ref; it does not apply to --sql files")
    if defines and not sql:
        raise ConfigError("--define fills placeholders of --sql files: give --sql PATH too")
    bad = [s for s in schemas or [] if not s.strip() or "," in s]
    if bad:
        raise ConfigError(f"--schema {bad[0]!r}: expected one schema name per --schema (repeat the option for more)")
    with _sampling(sample), _environment(namespaces.SCHEMAS_ENV, ",".join(schemas) if schemas else None):
        if sql:
            paths = sql if isinstance(sql, list) else [sql]
            return _zero_config(cfg, paths, parse_defines(defines or []), junitxml=junitxml, extra=extra,
                                verbose=verbose)
        chosen = select(cfg.packs_dir, packs or list(cfg.packs))  # fail early, with did-you-mean
        names = [p.name for p in chosen]
        notes: list[str] = []
        if changed_since is not None:
            names = _changed_packs(cfg, names, changed_since, notes)
            if not names:
                append_step_summary({}, [], Counter(), notes)
                return 0
        with _environment(CHANGED_SINCE_ENV, changed_since):
            return _run_gate(cfg, names, junitxml=junitxml, extra=[*parallel_args(cfg, jobs), *extra],
                             verbose=verbose, notes=notes)


def _changed_packs(cfg: Config, packs: list[str], ref: str, notes: list[str]) -> list[str]:
    """``--changed-since REF``: say what changed in each pack and what the run leaves out, per item kind
    (printed, and kept in ``notes`` for the step summary); the packs that have something to run."""
    found = {name: changes_of(cfg.packs_dir, name, ref) for name in packs}
    for name, changes in found.items():
        notes += changes.describe()
        try:
            declared = contract.load(cfg.packs_dir / name / CONTRACT_FILE)
        except ContractError:
            continue  # the gate fails on it with the contract's own line
        if left := changes.left_out(declared):
            notes.append(f"  left out, unchanged since {ref}: " + ", ".join(f"{n} {k}" for k, n in sorted(left.items())))
    run = [name for name, changes in found.items() if not changes.unchanged]
    if not run:
        notes.append(f"nothing the gate reads (DDL, {CONTRACT_FILE}, views.yml, session.yml) changed since {ref} in "
                     f"{', '.join(packs)}: nothing to run (exit 0); run without --changed-since for the whole gate")
    for line in notes:
        print(line)
    return run


JOBS_ENV = "DBINTEGRITY_JOBS"


def parallel_args(cfg: Config, jobs: int | None) -> list[str]:
    """pytest-xdist options that check the engines side by side: one worker per engine (``--dist loadgroup``
    keeps each engine's tests, and so its server and templates, in one worker; see the plugin's
    ``pytest_collection_modifyitems``), at most one per CPU core, since each worker keeps a core busy.

    The default is ``min(engines, cores)``: the engines are separate servers, so on two cores two engines take
    about half the time.  ``--jobs 1`` (or ``DBINTEGRITY_JOBS=1``) runs them one after another.  Nothing when
    there is one engine, one job, or no pytest-xdist: the tests are the same either way.  A pack that does not
    load is reported before the workers start (:func:`preload_packs`), so it is still the first line.
    """
    if jobs is None:
        value = os.environ.get(JOBS_ENV, "").strip()
        if value and not value.isdigit():
            raise ConfigError(f"{JOBS_ENV}={value!r}: expected a whole number of engines checked at the same time")
        jobs = int(value) if value else os.cpu_count() or 1
    if jobs < 1:
        raise ConfigError(f"--jobs {jobs}: expected 1 (one engine after another) or more")
    workers = min(jobs, len(cfg.engines))
    if workers < 2 or importlib.util.find_spec("xdist") is None:
        return []
    return ["-n", str(workers), "--dist", "loadgroup"]


def _sampling(sample: int | None) -> contextlib.AbstractContextManager[None]:
    """``--sample N`` reaches the gate's collection through the environment, and only for this run."""
    return _environment(SAMPLE_ENV, None if sample is None else str(sample))


@contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    """Set ``name`` for this run only (the gate's pytest reads it), restoring what was there before."""
    before = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _require_items(cfg: Config, packs: list[str]) -> None:
    """A pack whose contract declares no table has nothing to check: exit 2 instead of an ok over nothing."""
    for pack in packs:
        path = cfg.packs_dir / pack / CONTRACT_FILE
        try:
            declared = contract.load(path)
        except ContractError:
            continue  # the gate fails on it with the contract's own line
        if not declared.tables:
            raise PackError(f"pack {pack}: {path} declares no tables, so there is nothing to check and no verdict; "
                            f"write it with `dbintegrity snapshot {pack} --engine {cfg.engines[0]}` and review it")


def preload_packs(cfg: Config, packs: list[str]) -> list[PackError]:
    """Read every pack's SQL for every engine of the run before pytest starts: the one-line errors of packs that
    cannot be read (no folder for an engine, files without statements, a file the splitter cannot read), one per
    pack and engine.  Printed before pytest runs, they are the first lines of the output also when the engines
    run in pytest-xdist workers, whose reports reach the terminal in no fixed order.  What only a server can
    refuse is still reported by the test that loads the pack."""
    errors = []
    for name in packs:
        pack = select(cfg.packs_dir, [name])[0]
        for engine in cfg.engines:
            try:
                pack.statements(pack.layers(get_engine(engine).spec.dialect_dirs))
            except PackError as exc:
                errors.append(exc)
    return errors


def _run_gate(cfg: Config, packs: list[str], *, junitxml: Path | None, extra: list[str], verbose: bool,
              by_kind: bool = False, notes: list[str] | None = None, preload: bool = True) -> int:
    _require_items(cfg, packs)
    unreadable = preload_packs(cfg, packs) if preload else []  # zero-config read its files already
    for exc in unreadable:
        print(f"dbintegrity check: error: {exc}")  # stdout: where the gate's own verdicts and errors go
    if unreadable:
        return PACK_ERROR_EXIT
    args = gate_args(cfg, packs)
    args += ["-v"] if verbose else ["-q", "--no-header", "-p", "no:warnings"]
    if junitxml:
        args += ["--junitxml", str(junitxml)]
    args += extra
    summary = _Summary()
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
    code = pytest.main(args, plugins=[summary])
    stopped = code == pytest.ExitCode.INTERRUPTED or interrupts.requested()
    _print_summary(summary, by_kind=by_kind, stopped=stopped)
    append_step_summary(summary.counts, summary.failures, summary.skip_reasons, notes or [])
    if stopped:
        print("dbintegrity check: interrupted before the gate ended: the counts above are of the tests that ran, "
              "and there is no verdict")
        return INTERRUPTED_EXIT
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("dbintegrity check: no integrity tests were collected: nothing was checked")
        return 1
    if code == pytest.ExitCode.OK and not any(c["passed"] for c in summary.counts.values()):
        print("dbintegrity check: every test was skipped (reasons above): nothing was checked, so no verdict")
        return 1
    return 0 if code == pytest.ExitCode.OK else 1


def _zero_config(cfg: Config, sql: list[Path], defines: dict[str, str], *, junitxml: Path | None,
                 extra: list[str], verbose: bool) -> int:
    """Apply any schema, derive its contract, and run every probe that can be built.

    The schema is not copied: the staged pack names the user's own files (``inputs.json``), which are
    read again wherever the gate loads them, so every load error names the user's file and line.
    """
    if len(cfg.engines) != 1:
        raise PackError("--sql needs exactly one engine: add --engine mysql or --engine postgres")
    engine = cfg.engines[0]
    inputs = Inputs(tuple(sql), get_engine(engine).dialect_dir, defines)
    statements = inputs.statements(log=lambda m: print(m, file=sys.stderr))  # input errors before any server
    work = Path(tempfile.mkdtemp(prefix=f"dbintegrity-{os.getpid()}-zeroconfig-"))
    try:
        pack_dir = work / ZERO_CONFIG_PACK
        pack_dir.mkdir()
        inputs.write(pack_dir)
        local = replace(cfg, packs_dir=work, packs=(ZERO_CONFIG_PACK,))
        runtime = Runtime(local, log=lambda m: print(m, file=sys.stderr))
        eng = get_engine(engine)
        if namespaces.selected() and not eng.capabilities.schemas_in_database:
            raise ConfigError(f"--schema: {engine} has no schemas inside a database; the databases the files create "
                              "are all tested in the run's own database (drop --schema)")
        try:
            derived = runtime.live_schema(engine, ZERO_CONFIG_PACK)
            seconds = runtime.timings.get(f"{engine}_{ZERO_CONFIG_PACK}_apply_s", 0.0)
            if not derived.tables:
                raise PackError(_nothing_found(runtime, engine, sql, derived))
            own = eng.script_databases(runtime.pack(ZERO_CONFIG_PACK).statements(eng.dialect_dir))
            if own:
                print(f"the files create database{'s' if len(own) > 1 else ''} {', '.join(own)}: tested in the run's "
                      f"own database {runtime.template(engine, ZERO_CONFIG_PACK)} instead", file=sys.stderr)
        finally:
            runtime.close()
        files = len({s.path for s in statements})
        print(f"loaded {len(statements)} statements from {files} file{'s' if files != 1 else ''} "
              f"in {seconds:.2f} s", file=sys.stderr)
        (pack_dir / CONTRACT_FILE).write_text(contract.dump(derived, ZERO_CONFIG_PACK, engine), encoding="utf-8")
        print(f"derived a contract for {sum(1 for _ in derived.tables)} tables and {len(derived.views)} views "
              f"from {' '.join(map(str, sql))} on {engine}", file=sys.stderr)
        for line in dropped_foreign_keys(derived, statements, eng):
            print(line, file=sys.stderr)
        if SAMPLE_ENV not in os.environ and len(derived.tables) > BIG_SCHEMA_TABLES:
            os.environ[SAMPLE_ENV] = str(BIG_SCHEMA_SAMPLE)  # _sampling restores the environment afterwards
            print(f"{len(derived.tables)} tables: running {BIG_SCHEMA_SAMPLE} items per probe kind, the same ones "
                  "every run (--sample 0 runs every item)", file=sys.stderr)
        return _run_gate(local, [ZERO_CONFIG_PACK], junitxml=junitxml, extra=extra, verbose=verbose, by_kind=True,
                         preload=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


_STRING = re.compile(r"'(?:[^'\\]|\\.|'')*'")
_COMMENT = re.compile(r"/\*(?!!).*?\*/|(?:--\s|#)[^\n]*", re.S)
_REFERENCES = re.compile(r"\bREFERENCES\b", re.I)


def dropped_foreign_keys(derived: Schema, statements: Sequence[Statement], engine: Engine) -> list[str]:
    """One line per non-transactional table whose FOREIGN KEY clauses the engine dropped without a word.

    MySQL and MariaDB parse a FOREIGN KEY (or inline REFERENCES) clause of a MyISAM table and discard it:
    the key is not in the catalogue, so the derived contract has no item for it and no probe could say it
    is missing.  The files' intent is still known, so the run says what was lost instead of staying silent.
    A finding, not a skip: there is no contract item to skip.
    """
    declared: dict[str, list[Statement]] = {}
    by_lower = {name.lower(): name for name, t in derived.tables.items() if t.non_transactional}
    for st in statements:
        obj = object_of(st.text)
        table = by_lower.get(obj.name.rsplit(".", 1)[-1].lower()) if obj.kind == "table" else None
        if table is not None:
            text = _COMMENT.sub(" ", _STRING.sub("''", st.text))
            declared.setdefault(table, []).extend([st] * len(_REFERENCES.findall(text)))
    lines = []
    for table, found in sorted(declared.items()):
        t = derived.tables[table]
        if len(found) <= len(t.foreign_keys):
            continue
        where = ", ".join(sorted({f"{st.path.name}:{st.line}" for st in found}))
        remedy = engine.make_transactional(table)
        lines.append(f"{table} is {t.non_transactional}: the engine dropped the {len(found)} foreign key"
                     f"{'s' if len(found) != 1 else ''} the files declare on it ({where}) without an error, so "
                     "they are neither enforced nor in the derived contract, and no probe tests them"
                     + (f"; create it with a storage engine that keeps them ({remedy}, then add the keys "
                        "again) to have them probed" if remedy else ""))
    return lines


def _nothing_found(runtime: Runtime, engine: str, sql: list[Path], derived: Schema) -> str:
    """The one line a zero-config run ends with when the files gave it no table: where it looked, what is there."""
    eng = get_engine(engine)
    database = runtime.template(engine, ZERO_CONFIG_PACK)
    with eng.connection(runtime.server(engine), database) as conn:
        created = {s: n for s, n in eng.namespaces(conn, database).items() if n}
    chosen = namespaces.selected()
    where = (f"schema{'s' if len(chosen) > 1 else ''} {', '.join(chosen)} of database {database}" if chosen
             else f"database {database}")
    views = f" ({len(derived.views)} views, which need tables to probe)" if derived.views else ""
    head = f"--sql {' '.join(map(str, sql))}: no tables in {where} on {engine}{views}"
    elsewhere = {s: n for s, n in created.items() if s not in chosen}
    if chosen and elsewhere:
        hint = " ".join(f"--schema {s}" for s in sorted(elsewhere))
        return f"{head}; the files created {namespaces.describe(elsewhere)}: pass {hint}"
    applied = len(runtime.pack(ZERO_CONFIG_PACK).statements(eng.dialect_dir))
    return f"{head}; the files created no table anywhere ({applied} statements applied): nothing to check"


def verdict(counts: Counter[str]) -> str:
    """FAIL on any failure; ok only over something probed; ``none`` when every item was skipped."""
    if counts["failed"] + counts["error"]:
        return "FAIL"
    return "ok" if counts["passed"] else "none"


PACK_ERROR_EXIT = 2
"""Exit status of a check whose packs cannot be read: an error before any verdict, as the CLI's own errors."""

INTERRUPTED_EXIT = 130
"""Exit status of a check that Ctrl-C or SIGTERM stopped (the shell's 128 + SIGINT)."""


def _print_summary(summary: _Summary, *, by_kind: bool = False, stopped: bool = False) -> None:
    if not summary.counts:
        return
    rows = sorted(summary.kinds.items()) if by_kind else [
        (f"{e} / {p}", c) for (e, p), c in sorted(summary.counts.items())]
    title = "probe kind" if by_kind else "engine / pack"
    width = max(len(title), *(len(name) for name, _ in rows)) + 2
    cover = {name: summary.coverage(name) for name, _ in rows} if by_kind else {}
    print()
    print(title.ljust(width) + "".join(o.rjust(9) for o in OUTCOMES) + "   verdict"
          + ("   " + "probed of items" if by_kind else ""))
    for name, counts in rows:
        line = (name.ljust(width) + "".join(str(counts[o]).rjust(9) for o in OUTCOMES) + "   "
                + ("stopped" if stopped else verdict(counts)))
        if by_kind:
            line = line.ljust(width + 9 * len(OUTCOMES) + 10) + "   " + cover[name]
        print(line.rstrip())
    if not by_kind and (found := summary.divergences()):
        print(f"\nengines disagree on {len(found)} contract item(s): one passes, another fails")
        for (kind, pack, item), passing, failing in found:
            print(f"  {pack}: {kind} {item}: passes on {', '.join(passing)}; fails on {', '.join(failing)}")
            for engine, text in failing.items():
                print(f"    {engine}:")
                print("\n".join(f"      {line}" for line in text.splitlines()[:40]))
    if summary.skip_reasons:
        print("\nskipped, and why:")
        for (kind, reason), n in sorted(summary.skip_reasons.items()):
            print(f"  {n:>4} x {kind}: {reason}")
