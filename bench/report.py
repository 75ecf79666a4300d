"""Time of ``dbintegrity report`` per engine at the default scale: GX import, building and running the suite.

Each run is the real command in a fresh process (``dbintegrity report PACK --engine E``: start a disposable
engine, seed it, report, remove it), so GX's import is paid as a user pays it; the phases are read back
from the run's ``summary.json``.  Engines alternate, so machine noise hits both alike.
Usage: .venv/bin/python bench/report.py [--repeat 3] [--engines mysql,postgres] [--scale 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = ("seed_s", "import_gx_s", "build_suite_s", "validate_s", "data_docs_s", "charts_s", "total_s")


def run(pack: str, engine: str, scale: int, out: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dbintegrity.cli", "report", pack, "--engine", engine,
                           "--scale", str(scale), "--out", str(out)], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"{engine}: report exited {done.returncode}: {done.stderr.strip()[-500:]}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    timings = dict(summary["timings"])
    timings["seed_s"] = float((summary.get("seeded") or {}).get("seconds", 0.0))
    timings["wall_s"] = wall
    timings["expectations"] = float(len(summary["expectations"]))
    timings["failed"] = float(len(summary["expectations"]) - summary["counts"]["passed"])
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--pack", default="healthcare_mgmt")
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for engine in args.engines.split(","):
                results.setdefault(engine, []).append(run(args.pack, engine, args.scale, Path(tmp) / f"{engine}-{i}"))
    cols = (*PHASES, "wall_s")
    print(f"{'engine':<10}{'rules':>7}{'failed':>8}" + "".join(f"{c:>15}" for c in cols))
    for engine, runs in results.items():
        cells = [f"{statistics.median(r[c] for r in runs):.2f}" for c in cols]
        print(f"{engine:<10}{int(runs[0]['expectations']):>7}{int(max(r['failed'] for r in runs)):>8}"
              + "".join(f"{c:>15}" for c in cells))
    print(f"medians of {args.repeat} run(s); wall_s includes starting and stopping the engine")


if __name__ == "__main__":
    main()
