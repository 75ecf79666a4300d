"""The gate in a child pytest process, against servers someone else started.

``dbintegrity mutate`` runs the gate once per mutant.  Each run is a fresh ``python -m pytest`` process
(pytest does not support repeated in-process sessions, and one run's crash must not take the others
down) that reaches the already running servers through the ``url`` provider, so no run pays for a server
start.  A small plugin in the child reports the first failure (node id, first line) as JSON, and can put
the tests about a given table and columns first: with ``-x`` that changes how soon a run stops, never
its verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.servers import processes as procs


class ChildReport:
    """pytest plugin for the child: puts the tests about the target first, and records the first failure.

    Ordering only changes how soon a mutant dies, never whether it does: the same tests run, and with
    ``-x`` the run stops at the first failure, so the tests that name the mutated table and columns
    (structure items, probes of that column) go first, each tier in the gate's own order.
    """

    def __init__(self, path: Path, focus: Sequence[str]) -> None:
        self.path = path
        self.focus = list(focus)
        self.first: dict[str, str] | None = None
        self.ran = 0

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if not self.focus:
            return
        table, subject = self.focus[0], set(self.focus[1:])

        def tier(item: pytest.Item) -> int:
            words = set(re.findall(r"\w+", item.nodeid.partition("[")[2]))
            return 2 if table not in words else (0 if words & subject else 1)

        items.sort(key=tier)

    def _record(self, nodeid: str, phase: str, longrepr: Any) -> None:
        if self.first is None:
            crash = getattr(longrepr, "reprcrash", None)
            text = crash.message if crash is not None else str(longrepr)
            line = next((s.strip() for s in text.splitlines() if s.strip()), "(no message)")
            # "dbintegrity.probes.session.ProbeFailure: ..." -> "ProbeFailure: ..."; pytest.fail's "Failed: " goes.
            line = re.sub(r"^(?:[A-Za-z_]\w*\.)+(?=\w+: )", "", line).removeprefix("Failed: ")
            self.first = {"nodeid": nodeid, "phase": phase, "line": line}

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._record(report.nodeid, "collect", report.longrepr)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.ran += 1
        if report.failed:
            self._record(report.nodeid, report.when, report.longrepr)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        self.path.write_text(json.dumps({"first": self.first, "ran": self.ran}), encoding="utf-8")


def gate_child() -> None:
    """Entry point of the child process: ``python -c ... <result.json> <focus as JSON> <pytest args...>``."""
    plugin = ChildReport(Path(sys.argv[1]), json.loads(sys.argv[2]))
    raise SystemExit(int(pytest.main(sys.argv[3:], plugins=[plugin])))


_CHILD = "from dbintegrity.runner.process import gate_child; gate_child()"


@dataclass(frozen=True)
class Job:
    """One gate run: the pack in ``packs_dir`` on the server at ``url``."""

    engine: str
    url: str
    packs_dir: Path
    pack: str
    workdir: Path
    focus: tuple[str, ...] = ()


@dataclass(frozen=True)
class GateRun:
    code: int | None
    """pytest's exit status; None when the run timed out or was cancelled."""
    first: dict[str, str] | None
    ran: int
    log: Path
    seconds: float

    def log_tail(self, n: int = 3) -> str:
        try:
            lines = [s for s in self.log.read_text(encoding="utf-8", errors="replace").splitlines() if s.strip()]
        except OSError:
            return "(no log)"
        return " | ".join(lines[-n:]) or "(empty log)"


def server_url(server: Server) -> str:
    """The ``url`` provider's address of a server we started, so a child can reach it."""
    return server.url()


class Gate:
    """Runs the gate (``check.gate_args`` plus ``-x``) in child processes, ``jobs`` at a time."""

    def __init__(self, cfg: Config, *, timeout_s: float, extra: Sequence[str], jobs: int = 1) -> None:
        self.cfg = cfg
        self.timeout_s = timeout_s
        self.extra = list(extra)
        self.jobs = max(1, jobs)
        self._running: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def argv(self, job: Job) -> list[str]:
        from dbintegrity.runner.check import gate_args  # the gate's own command line: one source of truth

        child_cfg = self.cfg.on_server(job.engine, job.url, packs_dir=job.packs_dir, packs=(job.pack,))
        return [sys.executable, "-c", _CHILD, str(job.workdir / "result.json"), json.dumps(list(job.focus)),
                *gate_args(child_cfg, [job.pack]), "-x", "-q", "--no-header", "-p", "no:warnings", *self.extra]

    def run(self, job: Job) -> GateRun:
        """One gate run, start to end (thread-safe)."""
        # The child's settings are all on its command line: the caller's DBINTEGRITY_* must not add to them,
        # nor an outer pytest-xdist worker's identity (the child is a session of its own).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DBINTEGRITY_", "PYTEST_XDIST_")) and k != "PYTEST_CURRENT_TEST"}
        # Derandomised examples: a mutant's verdict must not depend on the luck of one run.
        env.setdefault("HYPOTHESIS_PROFILE", "ci")
        log = job.workdir / "gate.log"
        started = time.perf_counter()
        with self._lock, open(log, "ab") as out:
            if self._stopping:
                return GateRun(None, None, 0, log, 0.0)
            # Its own process group, so Ctrl-C reaches only us and we stop children in order.  Not
            # procs.spawn: its preexec_fn is unsafe with threads, and the child owns no server anyway.
            proc = subprocess.Popen(self.argv(job), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    env=env, cwd=Path.cwd(), process_group=0)
            self._running.add(proc)
        try:
            code: int | None = proc.wait(timeout=self.timeout_s)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            procs.stop(proc)  # no-op when it has ended; else SIGTERM lets the child drop its databases
            with self._lock:
                self._running.discard(proc)
        data: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads((job.workdir / "result.json").read_text(encoding="utf-8"))
        return GateRun(code, data.get("first"), int(data.get("ran", 0)), log, time.perf_counter() - started)

    def run_all(self, jobs: Sequence[Job]) -> Iterator[tuple[int, GateRun]]:
        """``(index, result)`` of each job as it finishes; on Ctrl-C every running child is stopped."""
        if self.jobs == 1:
            for i, job in enumerate(jobs):
                yield i, self.run(job)
            return
        pool = ThreadPoolExecutor(self.jobs, thread_name_prefix="dbi-mutant")
        try:
            futures = {pool.submit(self.run, job): i for i, job in enumerate(jobs)}
            for done in as_completed(futures):
                yield futures[done], done.result()
        finally:
            with self._lock:
                self._stopping = True
                running = list(self._running)
            for proc in running:  # only when interrupted: normally nothing runs any more
                procs.stop(proc)
            pool.shutdown(wait=True, cancel_futures=True)
            self._stopping = False
