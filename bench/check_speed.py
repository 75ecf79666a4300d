"""`dbintegrity check` wall time, cold, this working tree side by side with an earlier commit, in one run.

Each run is a fresh ``dbintegrity check PACK ... --engines mysql,postgres`` process: it starts its servers
(local provider), loads the packs and runs the gate, so the time is what a pull request waits for.  The
earlier commit (default ``b4e3b4e``, the gate before engines ran side by side) is checked out into a
temporary git worktree and run from there with its own code (``PYTHONPATH``), its own packs and its own
template cache, using this checkout's provisioned MySQL; runs alternate (ours, theirs, ours, ...) so a
noisy machine slows both alike.  Prints each run, the medians and the ratio earlier / now per profile.

Usage: .venv/bin/python bench/check_speed.py [--ref b4e3b4e] [--profiles ci,dev] [--packs healthcare_mgmt]
       [--repeat 1] [--engines mysql,postgres]
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from userenv import user_env

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[Path]:
    """``ref`` in a temporary worktree, with this checkout's MySQL binaries and a template cache of its own."""
    where = Path(tempfile.mkdtemp(prefix="dbi-bench-ref-"))
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), ref], check=True,
                   capture_output=True)
    try:
        (where / ".engines").mkdir()
        for name in ("mysql", "mariadb-10.11", "mariadb-11.8"):
            if (REPO / ".engines" / name).exists():
                (where / ".engines" / name).symlink_to(REPO / ".engines" / name)
        yield where
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(where)], check=False,
                       capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


def run(tree: Path, packs: list[str], engines: str, profile: str) -> tuple[float, str]:
    env = user_env(HYPOTHESIS_PROFILE=profile, DBINTEGRITY_PROVIDER="local", PYTHONPATH=str(tree / "src"),
                   DBINTEGRITY_JOBS=str(len(engines.split(","))))  # engines side by side where the code can
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dbintegrity.cli", "check", *packs, "--engines", engines],
                          cwd=tree, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    counts = re.findall(r"^(\d+ passed.*) in [\d.]+s", done.stdout, re.M)
    verdict = counts[-1] if counts else (done.stdout.strip().splitlines() or [done.stderr.strip()[-300:]])[-1]
    if done.returncode != 0:  # a failing gate's time is no figure: say what failed
        verdict = f"EXIT {done.returncode}: {verdict}"
        for line in done.stdout.splitlines():
            if line.startswith(("FAILED ", "ERROR ")):
                print(f"    {line[:300]}", flush=True)
    return wall, verdict


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # so the temporary worktree is removed on SIGTERM too


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="b4e3b4e", help="the earlier commit to compare with")
    parser.add_argument("--profiles", default="ci,dev", help="Hypothesis profiles, comma-separated")
    parser.add_argument("--packs", nargs="+", default=["healthcare_mgmt"])
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    walls: dict[tuple[str, str], list[float]] = {}
    with checkout(args.ref) as earlier:
        trees = {"now": REPO, args.ref: earlier}
        for _ in range(args.repeat):
            for profile in args.profiles.split(","):
                for label, tree in trees.items():
                    wall, verdict = run(tree, args.packs, args.engines, profile)
                    walls.setdefault((profile, label), []).append(wall)
                    print(f"  {profile:<5} {label:<8} {wall:7.1f} s  {verdict}", flush=True)
    print(f"\ndbintegrity check {' '.join(args.packs)} --engines {args.engines}, cold, median of {args.repeat}")
    print(f"{'profile':<9}{'now s':>9}{args.ref + ' s':>14}{'ratio':>8}")
    for profile in args.profiles.split(","):
        now = statistics.median(walls[(profile, "now")])
        then = statistics.median(walls[(profile, args.ref)])
        print(f"{profile:<9}{now:9.1f}{then:14.1f}{then / now:7.2f}x")


if __name__ == "__main__":
    main()
