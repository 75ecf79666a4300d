"""The probes' statements per second against the machine's limit: the same statements from a plain driver loop.

For each engine: ``dbintegrity check PACK --engines E`` (HYPOTHESIS_PROFILE=ci) runs the gate with every
probe session recording the statements it sends (``DBINTEGRITY_STATEMENT_LOG``), and prints the gate's own
figure (round trips sent by probes / seconds spent inside probe tests: Hypothesis, row synthesis, the
Python oracles and the driver included).  A round trip may carry several statements (a savepoint with its
statement, a plan's rows): both sides send the same ones, and the table shows statements/s and round trips/s.
Then, in this process, each recorded session is sent again, the
same statements with the same values in the same order, by a bare ``cursor.execute`` loop on a fresh copy
of the pack (errors the schema raises are caught and ignored, as the probes expect them): that is what the
driver and the server can do on this machine.  The ratio says how far the probes are from that limit.

Usage: .venv/bin/python bench/probe_throughput.py [--pack healthcare_mgmt] [--engines mysql,postgres]
"""

from __future__ import annotations

import argparse
import pickle
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from userenv import user_env  # noqa: E402

from dbintegrity.config import env_lookup, resolve  # noqa: E402
from dbintegrity.probes.session import STATEMENT_LOG_ENV  # noqa: E402
from dbintegrity.servers.runtime import Runtime  # noqa: E402


def gate(pack: str, engine: str, log: Path) -> tuple[int, float]:
    env = user_env(HYPOTHESIS_PROFILE="ci", DBINTEGRITY_PROVIDER="local", **{STATEMENT_LOG_ENV: str(log)})
    done = subprocess.run([sys.executable, "-m", "dbintegrity.cli", "check", pack, "--engines", engine, "--jobs", "1"],
                          cwd=REPO, capture_output=True, text=True, env=env, check=False)
    found = re.search(rf"^{re.escape(engine)}_probe_statements: (\d+) in ([\d.]+) s of probes", done.stdout, re.M)
    if done.returncode != 0 or not found:
        sys.exit(f"the gate on {engine} did not pass, so its throughput is no figure:\n{done.stdout[-3000:]}")
    return int(found.group(1)), float(found.group(2))


def statements_in(sql: str) -> int:
    """The statements one round trip carries: the probes join them with ``"; "`` (values travel apart, as
    parameters, so no literal holds one)."""
    return sql.count("; ") + 1


def replay(pack: str, engine: str, log: Path) -> tuple[int, int, float]:
    cfg = resolve([lambda opt: {"provider": "local", "engines": engine}.get(opt.name), env_lookup()], base=REPO)
    runtime = Runtime(cfg)
    sent, carried, seconds = 0, 0, 0.0
    try:
        for path in sorted(log.glob("*.pickle")):
            statements = pickle.loads(path.read_bytes())
            session = runtime.probe_session(engine, pack)
            errors = session.engine.driver_errors
            try:
                cur = session.conn.cursor()
                started = time.perf_counter()
                for sql, params in statements:
                    try:
                        if params is None:
                            cur.execute(sql)
                        else:
                            cur.execute(sql, params)
                        while True:  # every statement's result, as the probes read them (a later one may fail)
                            if cur.description is not None:
                                cur.fetchall()
                            if not cur.nextset():
                                break
                    except errors:
                        pass
                seconds += time.perf_counter() - started
                sent += len(statements)
                carried += sum(statements_in(sql) for sql, _params in statements)
                cur.close()
            finally:
                session.close()
    finally:
        runtime.close()
    return sent, carried, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default="healthcare_mgmt")
    parser.add_argument("--engines", default="mysql,postgres")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="dbi-bench-statements-") as tmp:
        for engine in args.engines.split(","):
            log = Path(tmp) / engine
            n, s = gate(args.pack, engine, log)
            m, k, t = replay(args.pack, engine, log)
            rows.append((engine, n, s, m, k, t))
            print(f"  {engine}: probes {n} round trips ({k} statements) in {s:.1f} s; plain loop {m} in {t:.1f} s",
                  flush=True)
    print(f"\n{args.pack}, HYPOTHESIS_PROFILE=ci, local servers: the same round trips, each carrying the same "
          "statements, on both sides")
    print(f"{'engine':<12}{'probes stmt/s':>15}{'plain loop stmt/s':>19}{'round trips/s':>15}{'loop trips/s':>14}"
          f"{'limit / probes':>16}")
    for engine, n, s, m, k, t in rows:
        print(f"{engine:<12}{k / s:15.0f}{k / t:19.0f}{n / s:15.0f}{m / t:14.0f}{(m / t) / (n / s):15.1f}x")


if __name__ == "__main__":
    main()
