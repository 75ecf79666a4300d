"""What a seeding run tells people: a progress bar on a terminal, a timestamped log file, a summary table.

The bar is drawn on stderr only when it is a terminal and ``CI`` is not set (or when asked), so CI logs
and pipes stay clean; it is redrawn at most ten times a second from both the generating and the loading
thread.  The log file gets one timestamped line per step, whatever the terminal shows.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path
from typing import IO


def want_progress(progress: bool | None, stream: IO[str] | None = None) -> bool:
    """``progress`` if given, else: a terminal and not CI."""
    if progress is not None:
        return progress
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI")


class RunLog:
    """``seed_<pack>_<engine>_<YYYYmmdd_HHMMSS>_<pid>.log`` in ``folder``: one per run, never overwritten."""

    def __init__(self, folder: Path, pack: str, engine: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
        base = folder / f"seed_{pack}_{engine}_{stamp}_{os.getpid()}"
        path = base.with_suffix(".log")
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{base.name}_{n}.log"
        self.path = path
        self._fh = path.open("w", encoding="utf-8")
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        stamp = dt.datetime.now().isoformat(sep=" ", timespec="milliseconds")
        with self._lock:
            if not self._fh.closed:
                self._fh.write(f"{stamp} {message}\n")
                self._fh.flush()

    def close(self) -> None:
        with self._lock:
            self._fh.close()


class Progress:
    """``seeding healthcare_mgmt on postgres [#####-----] 48% 503,112/1,040,000 rows loaded | generating
    vitals, loading visits | 12.3 s``: half the bar is generation, half loading."""

    WIDTH = 28

    def __init__(self, label: str, total: int, *, enabled: bool, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.generated = 0
        self.loaded = 0
        self.generating = ""
        self.loading = ""
        self.started = time.perf_counter()
        self._last = 0.0
        self._lock = threading.Lock()

    def update(self, *, generated: int = 0, loaded: int = 0, generating: str | None = None,
               loading: str | None = None) -> None:
        """Count rows done and say what each thread is on (``""``: nothing)."""
        with self._lock:
            self.generated += generated
            self.loaded += loaded
            if generating is not None:
                self.generating = generating
            if loading is not None:
                self.loading = loading
            self._draw(force=False)

    def _draw(self, *, force: bool) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, (self.generated + self.loaded) / (2 * self.total))
        filled = round(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        doing = ", ".join(d for d in (self.generating, self.loading) if d) or "starting"
        line = (f"\r{self.label} [{bar}] {share:4.0%} {self.loaded:,}/{self.total:,} rows loaded | "
                f"{doing} | {now - self.started:5.1f} s")
        self.stream.write(line[:200].ljust(120))
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line (once), so what is printed next starts on a line of its own."""
        with self._lock:
            if self.enabled:
                self._draw(force=True)
                self.stream.write("\n")
                self.stream.flush()
                self.enabled = False
