"""Removes a run's containers when the run's process dies, where Testcontainers' Ryuk cannot be had.

Ryuk is itself a container (``testcontainers/ryuk``) that must be pulled; without a registry there is
none.  So the docker provider starts this module as a detached child (own session, SIGINT/SIGTERM/SIGHUP
ignored) that holds the read end of a pipe whose write end only the run's process has.  When that
process ends in any way, SIGKILL included, the kernel closes the pipe, the read returns, and the reaper
removes every container labelled with the run's token, then exits.  A run that ends normally has removed
its containers already, so the reaper finds none.

Every container also carries the host name and pid of its run; :func:`sweep` (called before each
container start) removes those whose run is gone, should a reaper itself have been killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from typing import Any

from dbintegrity.servers.processes import pid_alive

RUN_LABEL = "dbintegrity.run"
HOST_LABEL = "dbintegrity.host"
PID_LABEL = "dbintegrity.pid"

_reapers: dict[tuple[int, str], subprocess.Popen[bytes]] = {}
"""(our pid, token) -> the reaper, whose stdin pipe stays open for the life of this process."""


def ensure(token: str) -> None:
    """Start the reaper for ``token`` once per process (a forked worker starts its own)."""
    key = (os.getpid(), token)
    if key in _reapers:
        return
    proc = subprocess.Popen([sys.executable, "-m", "dbintegrity.servers.reaper", token], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _reapers[key] = proc


def _listed(client: Any, labels: list[str]) -> list[dict[str, Any]]:
    """Containers (running or not) matching all ``labels``, as the list call returns them: one request.

    Not ``client.containers.list``, which inspects each container after listing it and fails with
    NotFound when one is removed in between (by a reaper, or a run ending at the same time)."""
    return list(client.api.containers(all=True, filters={"label": labels}))


def remove_labelled(client: Any, labels: list[str]) -> list[str]:
    """Force-remove every container (running or not) matching all ``labels`` (``key=value``); their ids."""
    removed = []
    for row in _listed(client, labels):
        with contextlib.suppress(Exception):  # gone meanwhile, or removal already in progress
            client.api.remove_container(row["Id"], force=True, v=True)
            removed.append(row["Id"][:12])
    return removed


def containers_of(pid: int) -> list[str]:
    """The containers (running or not) that the run of process ``pid`` on this host started, one line
    each; none without a Docker engine.  For checking that a run left nothing behind."""
    from dbintegrity.servers.providers.docker import client_or_reason

    client, _ = client_or_reason()
    if client is None:
        return []
    labels = [f"{PID_LABEL}={pid}", f"{HOST_LABEL}={socket.gethostname()}"]
    try:
        return [f"container {row['Id'][:12]} ({row.get('State')}, run {(row.get('Labels') or {}).get(RUN_LABEL)}) "
                f"of pid {pid}" for row in _listed(client, labels)]
    finally:
        client.close()


def sweep() -> list[str]:
    """Remove containers of dead runs on this host (their reaper did not get to it); their ids."""
    from dbintegrity.servers.providers.docker import client_or_reason

    client, _ = client_or_reason()
    if client is None:
        return []
    removed = []
    try:
        host = socket.gethostname()
        for row in _listed(client, [f"{HOST_LABEL}={host}"]):
            pid = str((row.get("Labels") or {}).get(PID_LABEL, ""))
            if pid.isdigit() and not pid_alive(int(pid)):
                with contextlib.suppress(Exception):
                    client.api.remove_container(row["Id"], force=True, v=True)
                    removed.append(row["Id"][:12])
    finally:
        client.close()
    return removed


def main(token: str) -> int:
    """The reaper process: wait for the pipe to close, then remove the run's containers."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # Ctrl-C and CI cancellation hit the run; we clean up after it
    with contextlib.suppress(OSError):
        while sys.stdin.buffer.read(4096):
            pass
    from dbintegrity.servers.providers.docker import client_or_reason

    client, _ = client_or_reason()
    if client is None:
        return 1
    try:
        remove_labelled(client, [f"{RUN_LABEL}={token}"])
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
