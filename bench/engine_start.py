"""Time to a ready disposable engine, per engine, with the local provider: median and range over runs.

A run is: copy the template data dir, start the server, wait for the first connection (``ready``), then
load the healthcare_mgmt pack into a fresh database (``load``), then stop and remove everything.
Usage: .venv/bin/python bench/engine_start.py [--repeat 5] [--engines mysql,postgres]
"""

from __future__ import annotations

import argparse
import statistics
import time

from dbintegrity.config import env_lookup, resolve
from dbintegrity.runtime import Runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--pack", default="healthcare_mgmt")
    args = parser.parse_args()
    cfg = resolve([lambda o: {"provider": "local", "engines": args.engines}.get(o.name), env_lookup()])
    results: dict[str, dict[str, list[float]]] = {}
    for _ in range(args.repeat):
        for engine in cfg.engines:  # interleaved, so machine noise hits both engines alike
            runtime = Runtime(cfg)
            try:
                t0 = time.perf_counter()
                runtime.server(engine)
                t1 = time.perf_counter()
                runtime.template(engine, args.pack)
                t2 = time.perf_counter()
            finally:
                runtime.close()
            t3 = time.perf_counter()
            r = results.setdefault(engine, {"ready": [], "load": [], "stop": []})
            r["ready"].append(t1 - t0)
            r["load"].append(t2 - t1)
            r["stop"].append(t3 - t2)
    print(f"{'engine':<10}{'ready s (median, min-max)':>30}{'load pack s':>26}{'stop s':>22}")
    for engine, r in results.items():
        cells = [f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})" for v in (r["ready"], r["load"], r["stop"])]
        print(f"{engine:<10}{cells[0]:>30}{cells[1]:>26}{cells[2]:>22}")


if __name__ == "__main__":
    main()
