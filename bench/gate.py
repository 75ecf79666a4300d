"""Wall time of the integrity gate and probe throughput, per engine and for both engines together.

Each configuration runs ``pytest -m integrity`` (HYPOTHESIS_PROFILE=ci, the CI setting) in a fresh
process, so the time includes starting the servers ("cold"); the set-up command's work (venv, binaries)
is excluded.  Throughput is the plugin's own count of database round trips made by probes divided by the
time spent inside probe tests.
With ``--providers local,docker`` every configuration runs through each provider in turn (docker: Testcontainers,
a Docker engine with images: ./scripts/docker.sh start), side by side in the same run.
Usage: .venv/bin/python bench/gate.py [--repeat 1] [--providers local] [--paths tests/schema tests/constraints tests/views]
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import time

from userenv import user_env

CONFIGS = (("mysql", "mysql"), ("postgres", "postgres"), ("both", "mysql,postgres"))


def run(engines: str, paths: list[str], provider: str = "local") -> tuple[float, dict[str, float], str]:
    env = user_env(HYPOTHESIS_PROFILE="ci", DBINTEGRITY_ENGINES=engines, DBINTEGRITY_PROVIDER=provider)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-m", "integrity", "-q", "-p", "no:randomly", *paths],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    rates = {m.group(1): float(m.group(2)) for m in
             re.finditer(r"^(\w+)_probe_statements: \d+ in [\d.]+ s of probes, (\d+) statements/s", done.stdout, re.M)}
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]
    for line in done.stdout.splitlines():  # a benchmark of a failing gate is no figure: say what failed
        if line.startswith(("FAILED ", "ERROR ")):
            print(f"    {line[:300]}", flush=True)
    return wall, rates, tail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--paths", nargs="+", default=["tests/schema/test_structure.py", "tests/constraints",
                                                       "tests/views"])
    parser.add_argument("--providers", default="local", help="comma-separated: local, docker")
    parser.add_argument("--configs", default="mysql,postgres,both", help="which of: mysql, postgres, both")
    args = parser.parse_args()
    wanted = [(name, engines) for name, engines in CONFIGS if name in args.configs.split(",")]
    walls: dict[str, list[float]] = {}
    rates: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for (name0, engines), provider in itertools.product(wanted, args.providers.split(",")):
            name = name0 if args.providers == "local" else f"{name0}/{provider}"
            wall, r, tail = run(engines, args.paths, provider)
            walls.setdefault(name, []).append(wall)
            for engine, rate in r.items():
                rates.setdefault(f"{name}:{engine}", []).append(rate)
            print(f"  {name:<16} {wall:6.1f} s  {tail}", flush=True)
    print(f"\n{'engines':<10}{'gate wall s (median)':>22}")
    for name, values in walls.items():
        print(f"{name:<18}{statistics.median(values):>14.1f}")
    print(f"\n{'run:engine':<18}{'probe round trips/s':>22}")
    for key, values in rates.items():
        print(f"{key:<18}{statistics.median(values):>22.0f}")
    for name0, _ in wanted:
        if f"{name0}/docker" in walls and f"{name0}/local" in walls:
            ratio = statistics.median(walls[f"{name0}/docker"]) / statistics.median(walls[f"{name0}/local"])
            print(f"{name0}: docker/local gate time ratio {ratio:.2f}")
    if "postgres" in walls and "mysql" in walls:
        ratio = statistics.median(walls["mysql"]) / statistics.median(walls["postgres"])
        print(f"\nmysql/postgres gate time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
