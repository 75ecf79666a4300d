"""Servers the pytest-xdist controller starts and its workers use.

With engines side by side (``dbintegrity check``, ``pytest -n``), each worker used to start the servers it
needed when its first test asked: the worker's imports (about 1.3 s) and the server's start (MySQL about 1.4
s) came one after the other, and the worker that runs the cross-engine parity tests started a second server of
the other engine. Now the controller spawns one server per engine that the local provider serves as xdist sets
up its first worker (``pytest_configure_node``, before that worker imports anything), and hands each worker
the server's address (``workerinput``). The servers come up while the workers import; a worker waits for
readiness on first use, as it did for its own. Each worker still makes its own templates and databases (their
names carry the worker's id), drops them at its end, and leaves the server to the controller, which stops it
last.

Only the local provider's servers are shared: they are spawned without waiting, so the controller holds
up nothing.  Docker containers (Testcontainers waits for them to be ready) and ``url`` servers stay as
they were, one per worker.
"""

from __future__ import annotations

from typing import Any

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.errors import DbIntegrityError
from dbintegrity.servers import processes as procs
from dbintegrity.servers import providers
from dbintegrity.servers.runtime import Runtime

WORKER_INPUT = "dbi_shared_servers"
"""The ``workerinput`` key under which a worker finds the controller's servers."""

SHARED_NOTE = "started by the xdist controller for every worker"

_PLAIN = ("engine", "provider", "host", "port", "user", "password", "admin_database", "description", "log_path",
          "pid", "encrypt")


def spawn(runtime: Runtime, cfg: Config) -> dict[str, dict[str, Any]]:
    """Spawn the servers of ``cfg``'s engines that the local provider serves; their handoffs by engine.

    An engine whose server cannot be spawned is left out: its worker starts it and reports why not, in
    the one line a run without xdist gives.
    """
    out = {}
    for engine in cfg.engines:
        if providers.choose(cfg, engine) != "local":
            continue
        try:
            out[engine] = handoff(runtime.spawn(engine))
        except DbIntegrityError:
            continue
    return out


def handoff(server: Server) -> dict[str, Any]:
    """What a worker needs to reach ``server``, as plain values (they cross to the worker by execnet)."""
    return {name: getattr(server, name) for name in _PLAIN}


def adopt(values: dict[str, Any]) -> Server:
    """The controller's server, for a worker: alive while its process runs; stopping it is the controller's."""
    server = Server(**values)
    server.description += f", {SHARED_NOTE}"  # the run's summary says so beside the server
    pid = server.pid

    def liveness() -> str | None:
        if pid is None or procs.process_running(pid):
            return None
        return f"the server process (pid {pid}, started by the xdist controller) is no longer running"

    server.liveness = liveness
    return server


def adopted(workerinput: dict[str, Any] | None) -> dict[str, Server]:
    """The servers a worker was handed, by engine (none outside xdist workers)."""
    return {engine: adopt(values) for engine, values in (workerinput or {}).get(WORKER_INPUT, {}).items()}
