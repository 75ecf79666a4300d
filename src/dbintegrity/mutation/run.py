"""``dbintegrity mutate``: break the schema on purpose and check that the gate notices.

The gate is only as good as its mutation score.  Each *operator* of :data:`OPERATORS` picks targets from
the pack's contract (so both dialects get the same targets), and for each (engine, operator, target) we
build a *mutant*: a temporary copy of the pack plus ``99_mutation.sql`` holding the ALTER statements that
apply the change.  The gate (the same pytest run as ``dbintegrity check``) then runs on the mutant against
the *unmutated* contract; the first failing test kills it.  A mutant no test fails *survived*: either the
gate has a hole, or the mutant does not change behaviour, which ``sql/<pack>/mutants.yml`` must say in a
sentence (format in :func:`load_explanations`).

Servers are not paid for per mutant: one :class:`~dbintegrity.servers.runtime.Runtime` starts one server per
engine, and every gate run is a child process that reaches it (:mod:`dbintegrity.runner.process`).

The operators and their targets are in :mod:`dbintegrity.mutation.operators`; the dialect-specific DDL lives in
``engines/<engine>/mutations.py``; nothing here asks which engine it is talking to.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.config import Config
from dbintegrity.errors import DbIntegrityError
from dbintegrity.mutation.operators import OPERATORS, MutationError, NotApplicable, Operator, Target, dialect_mutations
from dbintegrity.pack import contract
from dbintegrity.pack.model import Schema, Table
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.runner.process import Gate, GateRun, Job, server_url
from dbintegrity.servers import interrupts
from dbintegrity.servers import processes as procs
from dbintegrity.servers.runtime import Runtime

EXPLANATIONS_FILE = "mutants.yml"
MUTATION_FILE = "99_mutation.sql"


# ---------------------------------------------------------------------------------------------------
# Mutants and outcomes
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mutant:
    operator: str
    engine: str
    target: str
    description: str
    statements: list[str]
    focus: tuple[str, ...] = ()
    """The table and columns it changes: gate tests naming them run first."""


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str
    """killed, survived, explained (a survivor mutants.yml accounts for) or error."""
    detail: str = ""
    """Killed: the node id of the first failing gate test; explained: why; error: what went wrong."""
    line: str = ""
    """Killed: the first line of that test's failure."""
    seconds: float = 0.0


@dataclass(frozen=True)
class Explanation:
    operator: str
    engines: tuple[str, ...]
    target: str
    why: str


def load_explanations(path: Path) -> list[Explanation]:
    """``mutants.yml``: survivors that do not change behaviour, each with the sentence that says why.

    Shape: ``equivalent: [{operator, engine (a name or a list), target (as mutate prints it), why}]``.
    A missing file means nothing is explained.
    """
    if not path.is_file():
        return []
    data = read_yaml(path, MutationError)
    entries = data.get("equivalent") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(entries, list | type(None)):
        raise MutationError(f"{path}: expected a mapping with an 'equivalent' list")
    out = []
    for n, e in enumerate(entries or [], 1):
        where = f"{path}: equivalent entry {n}"
        if not isinstance(e, dict):
            raise MutationError(f"{where}: expected a mapping with operator, engine, target and why")
        missing = [k for k in ("operator", "engine", "target", "why") if not str(e.get(k) or "").strip()]
        if missing:
            raise MutationError(f"{where}: missing {', '.join(missing)} (say why the mutant is behaviour-equivalent)")
        if e["operator"] not in OPERATORS:
            raise MutationError(f"{where}: unknown operator {e['operator']!r}{_did_you_mean(e['operator'], OPERATORS)}")
        engines = e["engine"] if isinstance(e["engine"], list) else [e["engine"]]
        out.append(Explanation(str(e["operator"]), tuple(str(x) for x in engines), str(e["target"]),
                               " ".join(str(e["why"]).split())))
    return out


def _explained(m: Mutant, explanations: list[Explanation]) -> Explanation | None:
    return next((e for e in explanations
                 if e.operator == m.operator and m.engine in e.engines and e.target == m.target), None)


def _did_you_mean(name: str, choices: Sequence[str] | dict[str, Any]) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1)
    return f"; did you mean {close[0]}?" if close else f"; known: {', '.join(choices)}"


# ---------------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------------
class _TemplateCatalog:
    """:class:`Catalog` on the run's template database of the unmutated pack (opened on first use)."""

    def __init__(self, runtime: Runtime, engine: str, pack: str) -> None:
        self.runtime, self.engine, self.pack = runtime, engine, pack
        self.conn: Any = None

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.conn is None:
            self.conn = self.runtime.connect(self.engine, self.runtime.template(self.engine, self.pack))
        cur = self.conn.cursor()
        try:
            cur.execute(query, tuple(params))
            return [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()


def plan(schema: Schema, operators: Sequence[str], every_target: bool) -> list[tuple[Operator, Target]]:
    """(operator, target) pairs in catalogue and contract order: the first target of each, or all."""
    out = []
    for name in operators or list(OPERATORS):
        targets = OPERATORS[name].targets(schema)
        out += [(OPERATORS[name], t) for t in (targets if every_target else targets[:1])]
    return out


def build_mutants(runtime: Runtime, engine: str, pack: str, schema: Schema,
                  pairs: Sequence[tuple[Operator, Target]]) -> Iterator[Mutant | Outcome]:
    """Each (operator, target) as a Mutant of ``pack`` on ``engine``, or an error Outcome if it cannot be built."""
    live = runtime.live_schema(engine, pack)
    eng = runtime.engine(engine)
    catalog = _TemplateCatalog(runtime, engine, pack)
    dialect = dialect_mutations(eng, catalog)
    try:
        for op, target in pairs:
            try:
                table = live.tables.get(target.table)
                if table is None and target.table in live.views:  # view operators read the view's own definition
                    table = Table(target.table)
                if table is None:
                    raise MutationError(f"{target.key}: table {target.table} is not in the unmutated pack")
                change = op.build(target, schema, table, dialect)
                yield Mutant(op.name, engine, target.key, change.description, change.statements,
                             (target.table, *target.subject))
            except NotApplicable as exc:
                print(f"{engine} {op.name} {target.key}: no mutant ({exc})", file=sys.stderr)
            except DbIntegrityError as exc:
                yield Outcome(Mutant(op.name, engine, target.key, "", []), "error", str(exc))
            except eng.driver_errors as exc:  # a catalog query the unmutated pack cannot answer
                yield Outcome(Mutant(op.name, engine, target.key, "", []), "error",
                              f"{target.key}: reading the catalog failed: {eng.error_message(exc)}")
    finally:
        catalog.close()


def write_mutant(pack_dir: Path, dialect_dirs: tuple[str, ...], mutant: Mutant, dest: Path) -> Path:
    """A copy of the pack in ``dest/<pack>`` with the mutation as the last file the engine reads: in the
    first of its folders, named after every file of the folders it overlays (:meth:`Pack.files`)."""
    copy = dest / pack_dir.name
    shutil.copytree(pack_dir, copy)
    folder = copy / dialect_dirs[0]
    last = max((p.name for d in dialect_dirs for p in (copy / d).glob("*.sql")), default="")
    # it must run last: after a file named 99_zz.sql too (a prefix of nines never sorts after that one)
    name = MUTATION_FILE if last < MUTATION_FILE else f"{last.removesuffix('.sql')}_{MUTATION_FILE}"
    body = [f"-- dbintegrity mutant: {mutant.operator} on {mutant.target} ({mutant.engine})",
            f"-- {mutant.description}", *(s.rstrip().rstrip(";") + ";" for s in mutant.statements)]
    path = folder / name
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def judge(mutant: Mutant, run: GateRun, mutation_file: Path, explanations: list[Explanation]) -> Outcome:
    """Killed / survived / explained / error, from the child's exit status and first failure."""
    first = run.first
    if run.code is None:
        return Outcome(mutant, "error", f"the gate run was stopped after {run.seconds:.0f} s (--timeout); "
                       f"log: {run.log_tail()}", seconds=run.seconds)
    if run.code == pytest.ExitCode.TESTS_FAILED and first is not None:
        if str(mutation_file) in first["line"]:
            return Outcome(mutant, "error", f"the mutation did not apply: {first['line']}", seconds=run.seconds)
        if first["phase"] == "collect":
            return Outcome(mutant, "error", f"the gate could not be collected: {first['line']}", seconds=run.seconds)
        return Outcome(mutant, "killed", first["nodeid"], first["line"], run.seconds)
    if run.code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        reason = "no gate test failed" if run.ran else "the gate selected no tests"
        why = _explained(mutant, explanations)
        if why is not None:
            return Outcome(mutant, "explained", why.why, reason, run.seconds)
        return Outcome(mutant, "survived", reason, seconds=run.seconds)
    return Outcome(mutant, "error", f"the gate run ended with status {run.code}: {run.log_tail()}",
                   seconds=run.seconds)


class _Printer:
    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0

    def progress(self, o: Outcome) -> None:
        self.n += 1
        m = o.mutant
        what = {"killed": f"killed by {o.detail.split('::')[-1]}", "survived": f"SURVIVED ({o.detail})",
                "explained": "survived, explained in mutants.yml", "error": f"ERROR: {o.detail}"}[o.verdict]
        print(f"[{self.n:>{len(str(self.total))}}/{self.total}] {m.engine:<8} {m.operator:<17} {m.target}  "
              f"{what}  {o.seconds:.1f} s", flush=True)


def print_table(outcomes: list[Outcome]) -> None:
    """The final table: one row per mutant, the killer's node id and its failure's first line beneath."""
    if not outcomes:
        return
    w_op = max(len("operator"), *(len(o.mutant.operator) for o in outcomes))
    w_t = max(len("target"), *(len(o.mutant.target) for o in outcomes))
    print()
    print(f"{'engine':<8} {'operator':<{w_op}} {'target':<{w_t}} {'verdict':<9} {'seconds':>7}  change / killed by")
    for o in outcomes:
        m = o.mutant
        verdict = "SURVIVED" if o.verdict == "survived" else o.verdict
        print(f"{m.engine:<8} {m.operator:<{w_op}} {m.target:<{w_t}} {verdict:<9} {o.seconds:>7.1f}  {m.description}")
        pad = " " * (8 + w_op + w_t + 9 + 7 + 6)
        if o.verdict == "killed":
            print(f"{pad}by {o.detail}\n{pad}   {o.line}")
        elif o.detail:
            print(f"{pad}{o.detail}")


def write_junit(path: Path, pack: str, outcomes: list[Outcome], seconds: float) -> None:
    """One testcase per mutant: a survivor fails, an explained one is skipped, a broken one errors."""
    suite = ET.Element("testsuite", name=f"dbintegrity.mutate.{pack}", tests=str(len(outcomes)),
                       failures=str(sum(o.verdict == "survived" for o in outcomes)),
                       errors=str(sum(o.verdict == "error" for o in outcomes)),
                       skipped=str(sum(o.verdict == "explained" for o in outcomes)), time=f"{seconds:.3f}")
    for o in outcomes:
        m = o.mutant
        case = ET.SubElement(suite, "testcase", classname=f"mutate.{pack}.{m.engine}.{m.operator}",
                             name=m.target, time=f"{o.seconds:.3f}")
        if o.verdict == "survived":
            ET.SubElement(case, "failure", message=f"SURVIVED: {m.description}: {o.detail}").text = \
                "\n".join(m.statements)
        elif o.verdict == "explained":
            ET.SubElement(case, "skipped", message=f"survived, behaviour-equivalent: {o.detail}")
        elif o.verdict == "error":
            ET.SubElement(case, "error", message=o.detail)
        else:
            ET.SubElement(case, "system-out").text = f"{m.description}\nkilled by {o.detail}\n{o.line}"
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI job cancelled) gets the same orderly clean-up as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        interrupts.interrupt(signum)

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def run_mutate(cfg: Config, *, pack: str, operators: Sequence[str] = (), every_target: bool = False,
               junitxml: Path | None = None, timeout_s: float = 900.0, extra: Sequence[str] = (),
               jobs: int | None = None) -> int:
    """The ``mutate`` command: 0 when every mutant is killed or explained, 1 on a survivor, 2 on our errors.

    ``jobs`` gate runs share the servers at a time (default two: each run waits on its database as much as
    it computes, so two keep a two-core machine busy).
    """
    unknown = [o for o in operators if o not in OPERATORS]
    if unknown:
        raise MutationError(f"unknown operator {unknown[0]!r}{_did_you_mean(unknown[0], OPERATORS)}")
    started = time.perf_counter()
    runtime = Runtime(cfg, log=lambda m: print(m, file=sys.stderr))
    scratch = procs.scratch_dir(cfg.workdir, "mutants")
    outcomes: list[Outcome] = []
    explanations: list[Explanation] = []
    try:
        with _sigterm_as_interrupt():
            the_pack = runtime.pack(pack)
            schema = contract.load(the_pack.contract_path)
            explanations = load_explanations(the_pack.path / EXPLANATIONS_FILE)
            pairs = plan(schema, list(dict.fromkeys(operators)), every_target)
            for name in dict.fromkeys(operators or OPERATORS):
                if not any(op.name == name for op, _ in pairs):
                    print(f"{name} ({OPERATORS[name].summary}): nothing in the contract of {pack} to apply it to",
                          file=sys.stderr)
            if not pairs:
                raise MutationError(f"no operator has a target in the contract of {pack}: nothing to mutate")
            gate = Gate(cfg, timeout_s=timeout_s, extra=extra, jobs=jobs or min(2, os.cpu_count() or 1))
            urls = {e: server_url(runtime.server(e)) for e in cfg.engines}
            _baselines(gate, urls, packs_dir=the_pack.path.parent, pack=pack, scratch=scratch)
            outcomes = _run_mutants(runtime, gate, urls, pack_dir=the_pack.path, schema=schema, pairs=pairs,
                                    explanations=explanations, scratch=scratch)
    finally:
        procs.remove_dir(scratch)
        runtime.close()
    return _finish(pack, outcomes, explanations, junitxml, time.perf_counter() - started)


def _baselines(gate: Gate, urls: dict[str, str], *, packs_dir: Path, pack: str, scratch: Path) -> None:
    """The unmutated pack must pass on every engine, or every mutant would look killed."""
    jobs = []
    for engine, url in urls.items():
        (scratch / f"baseline-{engine}").mkdir()
        jobs.append(Job(engine, url, packs_dir, pack, scratch / f"baseline-{engine}"))
    for i, run in gate.run_all(jobs):
        engine = jobs[i].engine
        print(f"baseline {engine}: {run.ran} gate tests ran, none failed, in {run.seconds:.1f} s"
              if run.code == pytest.ExitCode.OK else f"baseline {engine}: failed", file=sys.stderr)
        if run.code == pytest.ExitCode.OK and run.ran:
            continue
        if run.code == pytest.ExitCode.TESTS_FAILED and run.first:
            raise MutationError(f"the unmutated pack {pack} fails the gate on {engine} ({run.first['nodeid']}: "
                                f"{run.first['line']}); every mutant would look killed: fix that first")
        if run.code in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            raise MutationError(f"the gate selected no tests for {pack} on {engine}: nothing could kill a mutant")
        raise MutationError(f"the gate run on the unmutated pack {pack} ({engine}) ended with status {run.code}: "
                            f"{run.log_tail()}")


def _run_mutants(runtime: Runtime, gate: Gate, urls: dict[str, str], *, pack_dir: Path, schema: Schema,
                 pairs: Sequence[tuple[Operator, Target]], explanations: list[Explanation],
                 scratch: Path) -> list[Outcome]:
    """Build every mutant on every engine, run the gate on each, and judge it; in plan order."""
    slots: list[Outcome | None] = []
    jobs: list[tuple[int, Job, Mutant, Path]] = []
    for engine, url in urls.items():
        dialect_dirs = runtime.pack_folders(engine, pack_dir.name)
        for built in build_mutants(runtime, engine, pack_dir.name, schema, pairs):
            slots.append(built if isinstance(built, Outcome) else None)
            if isinstance(built, Mutant):
                work = scratch / f"m{len(slots)}"
                work.mkdir()
                path = write_mutant(pack_dir, dialect_dirs, built, work / "packs")
                jobs.append((len(slots) - 1, Job(engine, url, work / "packs", pack_dir.name, work, built.focus),
                             built, path))
    printer = _Printer(len(slots))
    for broken in (o for o in slots if o is not None):
        printer.progress(broken)
    for i, run in gate.run_all([job for _, job, _, _ in jobs]):
        slot, job, mutant, path = jobs[i]
        outcome = slots[slot] = judge(mutant, run, path, explanations)
        printer.progress(outcome)
        procs.remove_dir(job.workdir)
    return [o for o in slots if o is not None]


def _finish(pack: str, outcomes: list[Outcome], explanations: list[Explanation], junitxml: Path | None,
            elapsed: float) -> int:
    print_table(outcomes)
    count = {v: sum(o.verdict == v for o in outcomes) for v in ("killed", "explained", "survived", "error")}
    built = len(outcomes) - count["error"]
    print(f"\n{pack}: {len(outcomes)} mutants: {count['killed']} killed, {count['explained']} survived as "
          f"explained, {count['survived']} SURVIVED, {count['error']} errors; mutation score "
          f"{count['killed'] + count['explained']}/{built} in {elapsed:.1f} s")
    seen = {(o.mutant.operator, o.mutant.engine, o.mutant.target) for o in outcomes if o.verdict == "killed"}
    for e in explanations:
        if any((e.operator, eng, e.target) in seen for eng in e.engines):
            print(f"note: mutants.yml explains {e.operator} {e.target}, but the gate killed it: drop the entry")
    if junitxml is not None:
        write_junit(junitxml, pack, outcomes, elapsed)
    if count["error"]:
        first = next(o for o in outcomes if o.verdict == "error")
        raise MutationError(f"{count['error']} mutant(s) could not be built or run; first: {first.mutant.operator} "
                            f"{first.mutant.engine} {first.mutant.target}: {first.detail}")
    return 1 if count["survived"] else 0

