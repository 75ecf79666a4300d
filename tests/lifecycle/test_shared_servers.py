"""Servers the xdist controller starts for its workers (:mod:`dbintegrity.servers.shared`).

A worker handed the controller's server uses it instead of starting its own, drops only the databases it
made, and leaves the server running; the controller stops it and removes its folder.  A server that dies
under a worker is reported as gone, also while it is an unreaped zombie of the controller.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from dbintegrity.engines import get_engine
from dbintegrity.errors import EngineDied
from dbintegrity.servers import processes as procs
from dbintegrity.servers import shared
from dbintegrity.servers.runtime import DB_PREFIX, Runtime

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]


def _runtimes(dbi_config, engine, tmp_path):
    cfg = replace(dbi_config, provider="local", engines=(engine,), workdir=tmp_path)
    controller = Runtime(cfg)
    handoffs = shared.spawn(controller, cfg)
    assert engine in handoffs, f"the controller spawned no {engine} server: {handoffs}"
    return controller, Runtime(cfg, adopted=shared.adopted({shared.WORKER_INPUT: handoffs})), handoffs[engine]


def test_a_worker_uses_the_controllers_server_and_leaves_it_to_the_controller(engine, dbi_config, tmp_path):
    controller, worker, handoff = _runtimes(dbi_config, engine, tmp_path)
    try:
        try:
            server = worker.server(engine)
            assert server.pid == handoff["pid"]
            made = worker.create_database(engine, "shared")
            assert made in get_engine(engine).list_databases(server, worker.prefix)
        finally:
            worker.close()
        assert procs.process_running(handoff["pid"]), "the worker stopped the controller's server"
        left = get_engine(engine).list_databases(controller.server(engine), DB_PREFIX)
        assert made not in left, f"the worker left its database {made}"
        assert len(list(tmp_path.glob("dbintegrity-*"))) == 1, "the worker started a server of its own"
    finally:
        controller.close()
    assert not procs.pid_alive(handoff["pid"]), "the controller did not stop its server"
    assert list(tmp_path.glob("dbintegrity-*")) == [], "the controller left its server's folder"


def test_a_server_that_died_is_reported_gone_to_the_worker(engine, dbi_config, tmp_path):
    controller, worker, handoff = _runtimes(dbi_config, engine, tmp_path)
    try:
        worker.server(engine)
        os.kill(handoff["pid"], signal.SIGKILL)  # a zombie of this process (the controller) until it is reaped
        end = time.monotonic() + 10
        while procs.process_running(handoff["pid"]) and time.monotonic() < end:
            time.sleep(0.05)
        with pytest.raises(EngineDied, match=rf"pid {handoff['pid']}, started by the xdist controller\) is no longer"):
            worker.server(engine)
    finally:
        worker.close()
        controller.close()
    assert list(tmp_path.glob("dbintegrity-*")) == []


def test_a_check_of_two_engines_side_by_side_starts_one_server_per_engine(dbi_config, tmp_path):
    """``dbintegrity check`` over two engines in two workers: both use the controller's servers, also for the
    parity tests that compare the engines (before, the worker that ran them started a second server)."""
    if len(dbi_config.engines) < 2:
        pytest.skip(f"needs two engines; this run has {', '.join(dbi_config.engines)}")
    engines = dbi_config.engines[:2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBINTEGRITY_", "PYTEST_"))}
    env["HYPOTHESIS_PROFILE"] = "ci"
    done = subprocess.run([sys.executable, "-m", "dbintegrity.cli", "check", "lm_synth", "--provider", "local",
                           "--engines", ",".join(engines), "--jobs", "2", "--workdir", str(tmp_path),
                           "--packs", str(REPO / "sql")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=300, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    for engine in engines:
        label = next((line for line in out.splitlines() if line.startswith(f"{engine}: ")), "")
        assert shared.SHARED_NOTE in label, f"{engine} ran on a server of a worker's own: {label!r}\n{out[-2000:]}"
    parity = re.search(r"^all / lm_synth +(\d+) +0 +0 ", out, re.M)
    assert parity and int(parity.group(1)) > 0, f"no parity test passed:\n{out[-2000:]}"
    assert list(tmp_path.glob("dbintegrity-*")) == [], "a server's folder was left behind"
