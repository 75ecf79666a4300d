"""A one-table change gated with ``--changed-since`` against the whole gate, side by side in one run.

A scratch git repository gets a copy of the pack (default healthcare_mgmt) and one commit; then one table
is changed in the working tree, the DDL of both dialects and the contract alike, so every run must pass:
``vitals``' pain scale goes from 0-10 to 0-11 (the pack's heaviest table to gate), or ``insurance``'s group
number grows from 100 to 120 characters (a typical one).  Each run is a fresh process (cold: servers are
started in the run): ``dbintegrity check PACK`` and, per scenario, ``dbintegrity check PACK --changed-since
HEAD``, on the same engines and Hypothesis profile (default ci).  Prints the wall times, each scenario's
ratio to the whole gate (target: at most 0.20) and the tests each ran; exits 1 when a ratio misses it.
Usage: .venv/bin/python bench/changed_since.py [--pack healthcare_mgmt] [--engines mysql,postgres]
       [--tables vitals,insurance] [--repeat 1]
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

from userenv import user_env

REPO = Path(__file__).resolve().parents[1]
SCENARIOS: dict[str, dict[str, tuple[str, str]]] = {
    # table -> {file in the pack: (old, new)}: one table's behaviour changed everywhere the pack states it.
    # vitals is the pack's heaviest table to gate (13 of its 18 CHECKs, 3 foreign keys); insurance a typical one.
    "vitals": {
        "mysql/01_schema.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
        "postgres/01_schema.sql": ("CHECK (pain_scale BETWEEN 0 AND 10)", "CHECK (pain_scale BETWEEN 0 AND 11)"),
        "contract.yml": ("pain_scale >= 0 AND pain_scale <= 10", "pain_scale >= 0 AND pain_scale <= 11"),
    },
    "insurance": {
        "mysql/01_schema.sql": ("group_number VARCHAR(100)", "group_number VARCHAR(120)"),
        "postgres/01_schema.sql": ("group_number varchar(100)", "group_number varchar(120)"),
        "contract.yml": ("group_number: {type: varchar(100)", "group_number: {type: varchar(120)"),
    },
}


def scratch_repo(pack: str, where: Path) -> Path:
    """A git repository at ``where`` holding a copy of the pack, committed; returns its packs folder."""
    packs = where / "sql"
    shutil.copytree(REPO / "sql" / pack, packs / pack)
    subprocess.run(["git", "init", "-q", str(where)], check=True)
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "base")
    return packs


def _git(where: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(where), "-c", "user.email=bench@example.org", "-c", "user.name=bench", *args],
                   check=True)


def change_table(packs: Path, pack: str, table: str) -> None:
    """Undo the previous scenario, then change ``table`` in the working tree."""
    _git(packs.parent, "checkout", "-q", "--", ".")
    for rel, (old, new) in SCENARIOS[table].items():
        path = packs / pack / rel
        text = path.read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"{path}: expected {old!r} once for the {table} scenario: adapt SCENARIOS")
        path.write_text(text.replace(old, new), encoding="utf-8")


def run(packs: Path, pack: str, engines: str, extra: list[str]) -> tuple[float, int, str]:
    env = user_env(DBINTEGRITY_PROVIDER="local", HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "ci"))
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
    parser.add_argument("--tables", default=",".join(SCENARIOS), help=f"which of {', '.join(SCENARIOS)}")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    tables = args.tables.split(",")
    full: list[float] = []
    part: dict[str, list[float]] = {t: [] for t in tables}
    profile = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    with tempfile.TemporaryDirectory(prefix="dbintegrity-bench-changed-") as tmp:
        packs = scratch_repo(args.pack, Path(tmp))
        for _ in range(args.repeat):
            for table in tables:
                change_table(packs, args.pack, table)
                if table == tables[0]:  # the whole gate once per round, on the first scenario's tree
                    wall, n, code = run(packs, args.pack, args.engines, [])
                    full.append(wall)
                    print(f"  whole gate                      {wall:6.1f} s  {n:5d} tests passed  {code}", flush=True)
                wall, n, code = run(packs, args.pack, args.engines, ["--changed-since", "HEAD"])
                part[table].append(wall)
                print(f"  --changed-since, {table:<14} {wall:6.1f} s  {n:5d} tests passed  {code}", flush=True)
    whole = statistics.median(full)
    print(f"\n{args.pack} on {args.engines}, HYPOTHESIS_PROFILE={profile}, cold, medians of {args.repeat}:")
    print(f"  whole gate: {whole:.1f} s")
    worst = 0.0
    for table, walls in part.items():
        ratio = statistics.median(walls) / whole
        worst = max(worst, ratio)
        print(f"  one-table change to {table}: {statistics.median(walls):.1f} s, ratio {ratio:.2f} (target <= 0.20)")
    sys.exit(0 if worst <= 0.20 else 1)


if __name__ == "__main__":
    main()
