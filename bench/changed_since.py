"""A one-table change gated with ``--changed-since`` against the whole gate, side by side in one run.

A scratch git repository gets a copy of the pack (default healthcare_mgmt) and one commit; then one table
is changed in the working tree, the DDL of both dialects and the contract alike, so both runs must pass:
``vitals``' pain scale goes from 0-10 to 0-11.  Then, each in a fresh process (cold: servers started in
the run), ``dbintegrity check PACK`` and ``dbintegrity check PACK --changed-since HEAD`` on the same engines
and Hypothesis profile (default ci).  Prints both wall times, their ratio (target: at most 0.20), and the
items each ran.
Usage: .venv/bin/python bench/changed_since.py [--pack healthcare_mgmt] [--engines mysql,postgres] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EDITS = {  # file in the pack -> (old, new): one table's behaviour changed everywhere the pack states it
    "mysql/02_rules.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
    "mysql/01_schema.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
    "postgres/02_rules.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
    "postgres/01_schema.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
    "contract.yml": ("pain_scale >= 0 AND pain_scale <= 10", "pain_scale >= 0 AND pain_scale <= 11"),
}


def scratch_repo(pack: str, where: Path) -> Path:
    packs = where / "sql"
    shutil.copytree(REPO / "sql" / pack, packs / pack)
    git = ["git", "-C", str(where), "-c", "user.email=bench@example.org", "-c", "user.name=bench"]
    subprocess.run(["git", "init", "-q", str(where)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], check=True)
    changed = 0
    for rel, (old, new) in EDITS.items():
        path = packs / pack / rel
        if path.is_file() and old in (text := path.read_text(encoding="utf-8")):
            path.write_text(text.replace(old, new), encoding="utf-8")
            changed += 1
    if not changed:
        raise SystemExit(f"the bench's edit found nothing to change in {pack}: adapt EDITS")
    return packs


def run(packs: Path, pack: str, engines: str, extra: list[str]) -> tuple[float, int, str]:
    env = dict(os.environ, DBINTEGRITY_PROVIDER="local", HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "ci"))
    t0 = time.perf_counter()
    done = subprocess.run([str(REPO / ".venv" / "bin" / "dbintegrity"), "check", pack, "--packs", str(packs),
                           "--engines", engines, *extra], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    passed = sum(int(m.group(1)) for m in re.finditer(r"^\S+ / \S+\s+(\d+)\s+\d+\s+\d+\s+\d+", done.stdout, re.M))
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-1000:], sep="\n")
    return wall, passed, f"exit {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", default="healthcare_mgmt")
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    full: list[float] = []
    part: list[float] = []
    with tempfile.TemporaryDirectory(prefix="dbintegrity-bench-changed-") as tmp:
        packs = scratch_repo(args.pack, Path(tmp))
        for _ in range(args.repeat):
            wall, n, code = run(packs, args.pack, args.engines, [])
            full.append(wall)
            print(f"  whole gate                  {wall:6.1f} s  {n:5d} tests passed  {code}", flush=True)
            wall, n, code = run(packs, args.pack, args.engines, ["--changed-since", "HEAD"])
            part.append(wall)
            print(f"  --changed-since (vitals)    {wall:6.1f} s  {n:5d} tests passed  {code}", flush=True)
    ratio = statistics.median(part) / statistics.median(full)
    print(f"\n{args.pack} on {args.engines}, HYPOTHESIS_PROFILE={os.environ.get('HYPOTHESIS_PROFILE', 'ci')}: "
          f"whole gate {statistics.median(full):.1f} s, one-table change {statistics.median(part):.1f} s, "
          f"ratio {ratio:.2f} (target <= 0.20)")
    sys.exit(0 if ratio <= 0.20 else 1)


if __name__ == "__main__":
    main()
