"""Child server processes and scratch dirs that cannot outlive the run that made them.

Three layers, because each covers a way of dying the others miss:
1. normal teardown (pytest finalizers, ``Runtime.close``) stops servers and removes their dirs;
2. every server is our direct child with ``PR_SET_PDEATHSIG``, so the kernel kills it if the test
   process itself is killed (SIGKILL gives no chance to run any Python);
3. every scratch dir is named ``dbintegrity-<pid>-...``; the next run removes the dirs of pids that no
   longer exist (:func:`sweep_stale_dirs`), so even a SIGKILLed run leaves nothing for long.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

PREFIX = "dbintegrity-"
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: ask the kernel for SIGKILL when our parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setpgrp()  # Ctrl-C in the terminal goes to our process group only: we stop servers in order


def spawn(argv: Sequence[str], log: Path, *, user: str | None = None,
          env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a server as our direct child that dies with us, its output going to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            user=user, group=user, extra_groups=[] if user else None, env=env, cwd=cwd,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - needed for prctl; no threads touch it
        )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, grace_s: float = 15.0) -> None:
    """Ask politely, then SIGKILL; never raises, never waits forever."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=10)


def describe_exit(code: int) -> str:
    """'killed by SIGKILL' rather than '-9'."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


def liveness_of(proc: subprocess.Popen[bytes], what: str) -> Callable[[], str | None]:
    def check() -> str | None:
        code = proc.poll()
        return None if code is None else f"{what} (pid {proc.pid}) {describe_exit(code)}"
    return check


def scratch_dir(base: Path | None, tag: str, owner: str | None = None) -> Path:
    """A fresh dir named after our pid, so a later run can tell whether its owner still lives."""
    root = Path(base) if base else Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{tag}-", dir=root))
    if owner:
        shutil.chown(path, owner, owner)
        for parent in path.parents:  # the server user must be able to reach its dir
            mode = parent.stat().st_mode
            if not mode & 0o001:
                with contextlib.suppress(PermissionError):
                    parent.chmod(mode | 0o001)
    return path


def remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def sweep_stale_dirs(base: Path | None) -> list[Path]:
    """Remove scratch dirs whose owning process is gone (left by a run that was SIGKILLed)."""
    root = Path(base) if base else Path(tempfile.gettempdir())
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for entry in root.glob(f"{PREFIX}*-*"):
        pid_text = entry.name[len(PREFIX):].split("-", 1)[0]
        if pid_text.isdigit() and not pid_alive(int(pid_text)) and entry.is_dir():
            remove_dir(entry)
            removed.append(entry)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one we may not signal counts: it is somebody's, and alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_running(pid: int) -> bool:
    """Whether ``pid`` runs: alive and not a zombie (a server that died but that its parent, another process
    of the run, has not reaped yet)."""
    if not pid_alive(pid):
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc to ask: alive as far as we can tell


def free_port() -> int:
    """A TCP port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(host: str, port: int, deadline_s: float, alive: Callable[[], str | None]) -> None:
    """Wait until something accepts TCP connections, failing early if the server died."""
    end = time.monotonic() + deadline_s
    while True:
        reason = alive()
        if reason:
            raise RuntimeError(reason)
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                return
        if time.monotonic() > end:
            raise TimeoutError(f"nothing listens on {host}:{port} after {deadline_s:.0f} s")
        time.sleep(0.02)
