"""``dbintegrity check``: the gate as a command, running the shipped gate tests through pytest.

Running pytest (not a re-implementation) keeps one source of truth with ``pytest -m integrity`` and gives
JUnit XML for free.  A small collector plugin counts outcomes per (engine, pack) for the summary table.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.config import OPTION_BY_NAME, Config
from dbintegrity.packs import select

OUTCOMES = ("passed", "failed", "error", "skipped")


class _Summary:
    """Counts each test's outcome under its engine and pack parameters."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], Counter[str]] = {}
        self.failures: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            outcome = "error" if report.when != "call" and report.outcome == "failed" else report.outcome
            params = getattr(report, "dbi_params", {})
            key = (params.get("engine", "-"), params.get("pack", "-"))
            self.counts.setdefault(key, Counter())[outcome] += 1
            if outcome in ("failed", "error"):
                self.failures.append(report.nodeid)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: Any) -> Any:
        report = yield
        report.dbi_params = dict(getattr(getattr(item, "callspec", None), "params", {}))
        return report


def run_check(cfg: Config, *, packs: list[str], junitxml: Path | None, extra: list[str], verbose: bool) -> int:
    chosen = select(cfg.packs_dir, packs or list(cfg.packs))  # fail early, with did-you-mean
    args = ["--pyargs", "dbintegrity.gate", "-m", "integrity", "-p", "no:cacheprovider",
            "--rootdir", str(Path.cwd()), "-o", "addopts=", "--strict-markers",
            OPTION_BY_NAME["provider"].flag, cfg.provider,
            OPTION_BY_NAME["engines"].flag, ",".join(cfg.engines),
            OPTION_BY_NAME["packs"].flag, str(cfg.packs_dir),
            OPTION_BY_NAME["pack"].flag, ",".join(p.name for p in chosen),
            OPTION_BY_NAME["mysql_bin"].flag, str(cfg.mysql_bin)]
    for name in ("mysql_image", "postgres_image", "postgres_bin", "workdir", "mysql_url", "postgres_url"):
        value = getattr(cfg, name, None) if not name.endswith("_url") else cfg.url_for(name[:-4])
        if value:
            args += [OPTION_BY_NAME[name].flag, str(value)]
    args += ["-v"] if verbose else ["-q", "--no-header"]
    if junitxml:
        args += ["--junitxml", str(junitxml)]
    args += extra
    summary = _Summary()
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
    code = pytest.main(args, plugins=[summary])
    _print_summary(summary)
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("dbintegrity check: no integrity tests were collected: nothing was checked")
        return 1
    return 0 if code == pytest.ExitCode.OK else int(code)


def _print_summary(summary: _Summary) -> None:
    if not summary.counts:
        return
    width = max(len(f"{e} / {p}") for e, p in summary.counts) + 2
    print()
    print("engine / pack".ljust(width) + "".join(o.rjust(9) for o in OUTCOMES) + "   verdict")
    for (engine, pack), counts in sorted(summary.counts.items()):
        bad = counts["failed"] + counts["error"]
        print(f"{engine} / {pack}".ljust(width) + "".join(str(counts[o]).rjust(9) for o in OUTCOMES)
              + ("   FAIL" if bad else "   ok"))
