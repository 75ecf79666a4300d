"""Time to a ready disposable engine, per engine and provider, side by side: median and range over runs.

A run is: start the server (local: copy the template data dir and start it; docker: start a container with
Testcontainers and wait for its log line), wait for the first connection (``ready``), then load the
healthcare_mgmt pack into a fresh database (``load``), then stop and remove everything (``stop``).
Engines and providers are interleaved, so machine noise hits every column alike.
Usage: .venv/bin/python bench/engine_start.py [--repeat 5] [--engines mysql,postgres] [--providers local,docker]
"""

from __future__ import annotations

import argparse
import statistics
import time

from dbintegrity.config import env_lookup, resolve
from dbintegrity.servers.runtime import Runtime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="mysql,postgres")
    parser.add_argument("--pack", default="healthcare_mgmt")
    parser.add_argument("--providers", default="local", help="comma-separated: local, docker (a Docker engine "
                        "with images: ./scripts/docker.sh start)")
    args = parser.parse_args()
    configs = {p: resolve([lambda o, p=p: {"provider": p, "engines": args.engines}.get(o.name), env_lookup()])
               for p in args.providers.split(",")}
    results: dict[str, dict[str, list[float]]] = {}
    for _ in range(args.repeat):
        for provider, cfg in configs.items():
            for engine in cfg.engines:
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
                r = results.setdefault(f"{engine} {provider}", {"ready": [], "load": [], "stop": []})
                r["ready"].append(t1 - t0)
                r["load"].append(t2 - t1)
                r["stop"].append(t3 - t2)
    print(f"{'engine provider':<18}{'ready s (median, min-max)':>30}{'load pack s':>26}{'stop s':>22}")
    for key, r in results.items():
        cells = [f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})" for v in (r["ready"], r["load"], r["stop"])]
        print(f"{key:<18}{cells[0]:>30}{cells[1]:>26}{cells[2]:>22}")
    for engine in args.engines.split(","):
        ready = {p: statistics.median(results[f"{engine} {p}"]["ready"]) for p in configs}
        if len(ready) == 2 and ready.get("local"):
            print(f"{engine}: docker/local time-to-ready ratio {ready['docker'] / ready['local']:.1f}")


if __name__ == "__main__":
    main()
