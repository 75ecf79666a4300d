"""Nothing outlives a run: no server process, no scratch dir, no database on a shared server.

Each test runs an inner pytest session (the plugin loaded through its entry point, the same way a user
gets it) against its own ``--workdir`` and ends it in one way: passing, failing, Ctrl-C, the engine
SIGKILLed under it, the inner pytest itself SIGKILLed, and ``--provider url`` against the outer run's own
server.  Afterwards nothing may be left: no process whose command line or working directory lies in the
workdir, no entry inside it, and on the url server exactly the databases there were before.

The inner tests record their server (pid, port, database names) in a JSON marker file, so the outer test
knows when the server is up and which query to wait for before it sends a signal.  Every wait is a bounded
poll; an inner run still alive when a test ends is stopped (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.config import OPTION_BY_NAME, Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.pack.discovery import select
from dbintegrity.servers import reaper
from dbintegrity.servers.providers import docker, local
from dbintegrity.servers.runtime import DB_PREFIX, Runtime

pytestmark = pytest.mark.selftest

RUN_TIMEOUT_S = 90.0
"""Longest an inner run may take after it was told to end (or from its start, for runs that end alone)."""
READY_TIMEOUT_S = 60.0
"""Longest wait for an inner run to start its server and reach the point where it blocks."""
GONE_TIMEOUT_S = 10.0
"""How long processes of a finished run may take to disappear (PDEATHSIG, postmaster children)."""
INTERRUPT_TIMEOUT_S = 5.0
"""Ctrl-C or SIGTERM ends a run, servers and containers removed, within this."""
SIDE_BY_SIDE_INTERRUPT_S = 20.0
"""Two worker processes each tear their own server down after SIGTERM: within 10 s in the CI run of a quiet
2-core machine, 9-15 s measured at load 12.  Without the signal passed on, a worker ran its whole queue (minutes) and was
killed with its servers' folders left behind, which the nothing-left assertion catches on its own."""
REAPED_TIMEOUT_S = 60.0
"""How long the reaper may take to remove a SIGKILLed run's containers (``docker rm -f`` on vfs is slow)."""

SERVER_PROCESS = {"mysql": "mysqld", "postgres": "postgres"}
SLEEP_QUERY = {"mysql": "SELECT SLEEP(60)", "postgres": "SELECT pg_sleep(60)"}
"""What a blocked inner test is running when the signal arrives."""
RUNNING_QUERIES = {
    "mysql": "SELECT COUNT(*) FROM information_schema.processlist WHERE info = %s",
    "postgres": "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND state = 'active'",
}

# -- the inner test files ------------------------------------------------------------------------------

INNER_PRELUDE = '''
import json
import os
import signal
from pathlib import Path

import pytest

# Ctrl-C from a terminal raises KeyboardInterrupt even if this process inherited SIGINT ignored
# (started in the background by a shell without job control).
signal.signal(signal.SIGINT, signal.default_int_handler)

SLEEP_QUERY = {"mysql": "SELECT SLEEP(60)", "postgres": "SELECT pg_sleep(60)"}


def record(dbi_runtime, server, **extra):
    """Tell the outer test where our server is; written atomically."""
    info = {"pid": server.pid, "provider": server.provider, "description": server.description,
            "host": server.host, "port": server.port,
            "user": server.user, "password": server.password, "admin_database": server.admin_database,
            "prefix": dbi_runtime.prefix, **extra}
    marker = Path(os.environ["DBI_TEST_MARKER"])
    partial = marker.with_name(marker.name + ".partial")
    partial.write_text(json.dumps(info))
    partial.replace(marker)


def use_every_fixture(engine, dbi_runtime, dbi_server, dbi_template, dbi_database):
    conn = dbi_runtime.connect(engine, dbi_database)
    try:
        cur = conn.cursor()
        cur.execute("SELECT 1")
        assert cur.fetchone()[0] == 1
        cur.close()
    finally:
        conn.close()
    made = dbi_runtime.engine(engine).list_databases(dbi_server, dbi_runtime.prefix)
    assert {dbi_template, dbi_database} <= set(made), made
    record(dbi_runtime, dbi_server, databases=[dbi_template, dbi_database])
'''

PASSING = INNER_PRELUDE + '''

def test_passes(engine, pack, dbi_runtime, dbi_server, dbi_template, dbi_database):
    use_every_fixture(engine, dbi_runtime, dbi_server, dbi_template, dbi_database)
'''

FAILING = INNER_PRELUDE + '''

def test_fails(engine, pack, dbi_runtime, dbi_server, dbi_template, dbi_database):
    use_every_fixture(engine, dbi_runtime, dbi_server, dbi_template, dbi_database)
    pytest.fail("deliberate failure of the inner run")
'''

BLOCKING = INNER_PRELUDE + '''

def test_blocks_in_a_query(engine, pack, dbi_runtime, dbi_server, dbi_database):
    conn = dbi_runtime.connect(engine, dbi_database)
    try:
        record(dbi_runtime, dbi_server, databases=[dbi_database])
        cur = conn.cursor()
        cur.execute(SLEEP_QUERY[engine])
    finally:
        conn.close()


def test_runs_after_the_blocked_one(engine, pack, dbi_database):
    pass
'''


# -- running an inner session --------------------------------------------------------------------------

@dataclass
class InnerRun:
    proc: subprocess.Popen[bytes]
    log: Path
    marker: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def info(self) -> dict[str, Any]:
        return dict(json.loads(self.marker.read_text()))

    def wait(self, timeout: float = RUN_TIMEOUT_S) -> int:
        """The exit status; fails (the run is then stopped by :func:`inner_run`) if it does not end."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"inner run (pid {self.proc.pid}) still running after {timeout:.0f} s "
                        f"(it hangs); its output so far:\n{self.output()}")

    def wait_until(self, what: str, predicate: Callable[[], Any], timeout: float = READY_TIMEOUT_S) -> Any:
        """Poll ``predicate`` until it is true; fail early if the inner run ends first."""
        end = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.proc.poll() is not None:
                pytest.fail(f"inner run ended with status {self.proc.returncode} before {what}:\n{self.output()}")
            if time.monotonic() > end:
                pytest.fail(f"no sign of {what} after {timeout:.0f} s; inner output:\n{self.output()}")
            time.sleep(0.05)

    def wait_for_marker(self) -> dict[str, Any]:
        self.wait_until("its server (marker file)", self.marker.exists)
        return self.info()


def pack_name(cfg: Config) -> str:
    """One pack of the outer run is enough for the inner ones."""
    return select(cfg.packs_dir, cfg.packs)[0].name


def binaries(cfg: Config, base: Path) -> list[str]:
    """The outer run's explicitly chosen server binaries (``--<engine>-bin``), passed on to the inner run.

    Only explicit ones: the defaults already resolve to the same places, and an explicit ``--mysql-bin``
    also moves the template cache into the inner project, making every inner run initialise afresh.
    """
    out = []
    for name, path in sorted(cfg.bins.items()):
        out += [OPTION_BY_NAME[f"{name}_bin"].flag, str(path)]
    return out


def inner_env(marker: Path) -> dict[str, str]:
    """Our environment without the outer pytest's and dbintegrity's settings, which would leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DBINTEGRITY_"))}
    env.update(DBI_TEST_MARKER=str(marker), COLUMNS="400")  # wide: a report line is never cut
    return env


@contextmanager
def inner_run(tmp_path: Path, name: str, source: str, cfg: Config, engine: str, *, workdir: Path,
              options: Sequence[str] = (), env: dict[str, str] | None = None) -> Iterator[InnerRun]:
    """Start ``pytest`` on ``source`` in a subprocess; whatever happens, it is not running afterwards."""
    test_file = tmp_path / f"test_{name}.py"
    test_file.write_text(source)
    log, marker = tmp_path / f"{name}.log", tmp_path / f"{name}.json"
    marker.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "pytest", str(test_file), "-p", "no:cacheprovider", "-p", "no:randomly",
            "-c", os.devnull, "--rootdir", str(tmp_path), "-q", "-rA",
            "--engines", engine, "--workdir", str(workdir), "--packs", str(cfg.packs_dir),
            "--pack", pack_name(cfg), *options, *binaries(cfg, tmp_path)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=tmp_path, env={**inner_env(marker), **(env or {})})
    run = InnerRun(proc, log, marker)
    try:
        yield run
    finally:
        if proc.poll() is None:
            proc.terminate()  # the plugin turns SIGTERM into an orderly teardown
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()  # its servers die with it (PR_SET_PDEATHSIG)
                proc.wait(timeout=30)


PROVIDERS = ("local", "docker")
"""Providers that start servers of their own, and so must also remove them, however the run ends."""


def provider_options(cfg: Config, engine: str, provider: str = "local") -> list[str]:
    """``--provider P`` for an inner run, or a skip that says why ``provider`` cannot start ``engine`` here."""
    ok, why = (local if provider == "local" else docker).probe(cfg, engine)
    if not ok:
        pytest.skip(f"the {provider} provider cannot run {engine} here: {why}")
    return ["--provider", provider]


def local_options(cfg: Config, engine: str) -> list[str]:
    return provider_options(cfg, engine, "local")


# -- what is left behind -------------------------------------------------------------------------------

def leftovers(workdir: Path, pid: int | None = None) -> list[str]:
    """Processes whose command line or working directory lies in ``workdir``, entries inside it, and the
    containers that the run of process ``pid`` started."""
    needle = str(workdir)
    found = reaper.containers_of(pid) if pid is not None else []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue  # gone meanwhile
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            cwd = ""
        if needle in cmdline or cwd == needle or cwd.startswith(needle + os.sep):
            found.append(f"process {entry.name} (cwd {cwd or '?'}): {cmdline[:300]}")
    if workdir.is_dir():
        found += [f"left in the workdir: {p}" for p in sorted(workdir.iterdir())]
    return found


def assert_nothing_left(workdir: Path, after: str, output: str = "", timeout: float = GONE_TIMEOUT_S,
                        pid: int | None = None) -> None:
    """Nothing of the run is left: see :func:`leftovers` (``pid``: the inner run's, for its containers)."""
    end = time.monotonic() + timeout
    while (left := leftovers(workdir, pid)) and time.monotonic() < end:
        time.sleep(0.05)
    if left:
        pytest.fail(f"{after}, {len(left)} thing(s) left behind after {timeout:.0f} s:\n  "
                    + "\n  ".join(left) + (f"\ninner output:\n{output}" if output else ""))


def assert_status(run: InnerRun, status: int, timeout: float = RUN_TIMEOUT_S) -> str:
    code = run.wait(timeout)
    output = run.output()
    assert code == status, f"inner run exited with status {code}, expected {status}; output:\n{output}"
    return output


def server_of(info: dict[str, Any], engine: str) -> Server:
    return Server(engine=engine, provider=info["provider"], host=info["host"], port=info["port"],
                  user=info["user"], password=info["password"], admin_database=info["admin_database"])


def wait_for_sleeping_query(run: InnerRun, engine: str) -> dict[str, Any]:
    """Block until the inner test's SLEEP query is executing on its server; returns the marker."""
    info = run.wait_for_marker()
    eng, server = get_engine(engine), server_of(info, engine)

    def running() -> bool:
        with eng.connection(server, server.admin_database, timeout=5) as conn:
            cur = conn.cursor()
            cur.execute(RUNNING_QUERIES[engine], (SLEEP_QUERY[engine],))
            count = cur.fetchone()[0]
            cur.close()
            return bool(count)

    run.wait_until(f"{SLEEP_QUERY[engine]} running on the inner server", running)
    return info


# -- the ways a run can end ----------------------------------------------------------------------------

@pytest.mark.parametrize("provider", PROVIDERS)
def test_passing_run_leaves_nothing(engine, provider, dbi_config, tmp_path):
    workdir = tmp_path / "work"
    with inner_run(tmp_path, "passing", PASSING, dbi_config, engine, workdir=workdir,
                   options=provider_options(dbi_config, engine, provider)) as run:
        output = assert_status(run, 0)
        info = run.info()
        assert info["provider"] == provider, output
        assert info["pid"] or info["description"].startswith("container "), output
    assert_nothing_left(workdir, "after a passing run", output, pid=run.proc.pid)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_failing_run_leaves_nothing(engine, provider, dbi_config, tmp_path):
    workdir = tmp_path / "work"
    with inner_run(tmp_path, "failing", FAILING, dbi_config, engine, workdir=workdir,
                   options=provider_options(dbi_config, engine, provider)) as run:
        output = assert_status(run, 1)
        assert "deliberate failure of the inner run" in output
    assert_nothing_left(workdir, "after a failing run", output, pid=run.proc.pid)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_interrupt_during_a_query_ends_the_run_and_leaves_nothing(engine, provider, sig, dbi_config, tmp_path):
    """Ctrl-C, and SIGTERM (a CI job cancelled, ``timeout``), end the run within seconds, not after the
    query: orderly teardown, non-zero status."""
    workdir = tmp_path / "work"
    with inner_run(tmp_path, "interrupted", BLOCKING, dbi_config, engine, workdir=workdir,
                   options=provider_options(dbi_config, engine, provider)) as run:
        wait_for_sleeping_query(run, engine)
        sent = time.monotonic()
        run.proc.send_signal(sig)
        output = assert_status(run, pytest.ExitCode.INTERRUPTED, timeout=INTERRUPT_TIMEOUT_S)
        took = time.monotonic() - sent
        assert "KeyboardInterrupt" in output
    assert took <= INTERRUPT_TIMEOUT_S, f"the run ended {took:.1f} s after {sig.name}"
    assert_nothing_left(workdir, f"after {sig.name}", output, pid=run.proc.pid)


def _kill_engine(info: dict[str, Any]) -> None:
    """SIGKILL the local server process, or kill the container, under the inner run."""
    if info["provider"] == "local":
        os.kill(info["pid"], signal.SIGKILL)
        return
    container = info["description"].split()[1]
    client, why = docker.client_or_reason()
    assert client is not None, why
    try:
        client.containers.get(container).kill()
    finally:
        client.close()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_engine_killed_mid_run_ends_the_run_with_one_clear_line(engine, provider, dbi_config, tmp_path):
    workdir = tmp_path / "work"
    with inner_run(tmp_path, "engine_killed", BLOCKING, dbi_config, engine, workdir=workdir,
                   options=provider_options(dbi_config, engine, provider)) as run:
        info = wait_for_sleeping_query(run, engine)
        _kill_engine(info)
        output = assert_status(run, pytest.ExitCode.TESTS_FAILED)
    if provider == "local":
        what, pid = SERVER_PROCESS[engine], info["pid"]
        line = re.compile(rf"{engine} engine from the local provider \({what} pid {pid} from [^)]+\) "
                          rf"went away during the run: {what} \(pid {pid}\) killed by SIGKILL(; server log: \S+)?$")
    else:
        container = re.escape(info["description"].split()[1])
        line = re.compile(rf"{engine} engine from the docker provider \(container {container} from [^)]+\) "
                          rf"went away during the run: container {container} is \w+")
    said = [text for text in output.splitlines() if line.search(text)]
    assert said, f"no line saying that the {engine} engine ({info['description']}) was killed; inner output:\n{output}"
    # Both tests report it: the one whose query was cut short and the one that came after.
    for test in ("test_blocks_in_a_query", "test_runs_after_the_blocked_one"):
        assert any(text.startswith(("FAILED", "ERROR")) and test in text for text in said), (
            f"{test} does not report the killed engine in one line; inner output:\n{output}")
    assert "Traceback" not in output, output
    assert_nothing_left(workdir, "after the engine was killed", output, pid=run.proc.pid)


def test_killed_pytest_leaves_no_container(engine, dbi_config, tmp_path):
    """Without Ryuk, the suite's own reaper removes a SIGKILLed run's containers."""
    workdir = tmp_path / "work"
    options = provider_options(dbi_config, engine, "docker")
    with inner_run(tmp_path, "killed_docker", BLOCKING, dbi_config, engine, workdir=workdir, options=options) as run:
        wait_for_sleeping_query(run, engine)
        assert reaper.containers_of(run.proc.pid), "the inner run's container carries no label of its run"
        run.proc.kill()
        run.wait()
        output = run.output()
    assert_nothing_left(workdir, "after the inner pytest was SIGKILLed", output, timeout=REAPED_TIMEOUT_S,
                        pid=run.proc.pid)


def test_killed_pytest_takes_its_servers_along_and_the_next_run_sweeps_its_dir(engine, dbi_config, tmp_path):
    workdir = tmp_path / "work"
    options = local_options(dbi_config, engine)
    with inner_run(tmp_path, "killed", BLOCKING, dbi_config, engine, workdir=workdir, options=options) as run:
        info = wait_for_sleeping_query(run, engine)
        run.proc.kill()
        run.wait()
        killed_pid, output = run.proc.pid, run.output()
    # The servers get SIGKILL from the kernel when their parent dies (PR_SET_PDEATHSIG).
    end = time.monotonic() + GONE_TIMEOUT_S
    while (procs := [x for x in leftovers(workdir) if x.startswith("process")]) and time.monotonic() < end:
        time.sleep(0.05)
    assert not procs, (f"processes outlived the SIGKILLed inner pytest (server pid {info['pid']}):\n  "
                       + "\n  ".join(procs))
    stale = sorted(workdir.glob(f"dbintegrity-{killed_pid}-{engine}-*"))
    assert stale, f"expected the killed run's scratch dir in {workdir}; found {sorted(workdir.iterdir())}"

    with inner_run(tmp_path, "next", PASSING, dbi_config, engine, workdir=workdir, options=options) as nxt:
        output = assert_status(nxt, 0)
    assert_nothing_left(workdir, "after the run that followed a SIGKILLed one", output)


def server_url(server: Server) -> str:
    return server.url()


def test_url_provider_leaves_the_server_as_it_found_it(engine, dbi_config, dbi_runtime, dbi_server, tmp_path):
    eng = get_engine(engine)
    # Stands for someone else's data on the shared server, with a name a careless clean-up would take.
    sentinel = dbi_runtime.create_database(engine, "sentinel")
    with eng.connection(dbi_server, sentinel) as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE keep_me (id INTEGER PRIMARY KEY)")
        cur.execute("INSERT INTO keep_me VALUES (42)")
        cur.close()

    def databases(prefix: str) -> set[str]:
        """Databases on the server, except the ones this (outer) run made."""
        return {d for d in eng.list_databases(dbi_server, prefix) if not d.startswith(dbi_runtime.prefix)}

    before_all, before_ours = databases(""), databases(DB_PREFIX)
    workdir = tmp_path / "work"
    env = {f"DBINTEGRITY_{engine.upper()}_URL": server_url(dbi_server)}  # keeps a password off the cmdline
    for name, source, status in (("url_passing", PASSING, 0), ("url_failing", FAILING, 1)):
        with inner_run(tmp_path, name, source, dbi_config, engine, workdir=workdir,
                       options=["--provider", "url"], env=env) as run:
            output = assert_status(run, status)
            info = run.info()
        assert (info["provider"], info["port"]) == ("url", dbi_server.port), info
        assert info["databases"], info
        assert all(d.startswith(info["prefix"]) for d in info["databases"]), info
        assert eng.list_databases(dbi_server, info["prefix"]) == [], (
            f"{name}: the inner run left its databases on the url server; output:\n{output}")
        assert databases(DB_PREFIX) == before_ours, f"{name}: {DB_PREFIX}* databases changed"
        assert databases("") == before_all, f"{name}: the set of databases on the server changed"
        assert_nothing_left(workdir, f"after the {name} run", output)

    dbi_server.check_alive()  # the url provider never stops a server it did not start
    with eng.connection(dbi_server, sentinel) as conn:
        cur = conn.cursor()
        cur.execute("SELECT id FROM keep_me")
        assert [tuple(r) for r in cur.fetchall()] == [(42,)], "the inner runs touched another database"
        cur.close()


@pytest.mark.selftest
def test_url_run_drops_the_roles_its_pack_created_and_no_other(engine, dbi_config, tmp_path):
    """Roles are server-wide: a run on a shared server drops the ones its pack's CREATE ROLE made, keeps
    everyone else's, and keeps its own while another dbintegrity run's databases are on the server."""
    eng = get_engine(engine)
    owner = Runtime(replace(dbi_config, engines=(engine,), provider="local", workdir=tmp_path))  # a server of its own
    try:
        server = owner.server(engine)
        with eng.connection(server, server.admin_database) as conn:  # someone else's role (same SQL on both)
            cur = conn.cursor()
            cur.execute("CREATE ROLE dbi_keep_me")
            cur.close()
        keep = next(r for r in eng.list_roles(server) if "dbi_keep_me" in r)  # MySQL: 'dbi_keep_me'@'%'
        assert keep
        before = eng.list_roles(server)
        cfg = replace(dbi_config, provider="url", engines=(engine,), packs=("healthcare_mgmt",),
                      urls={engine: server.url()})

        def run(*, other_run_database: bool) -> set[str]:
            shared = Runtime(cfg)
            other = owner.create_database(engine, "other_run") if other_run_database else None
            try:
                shared.database(engine, "healthcare_mgmt")
                created = eng.list_roles(server) - before
                assert {r for r in created if "hm_admin" in r}, f"the pack created no roles: {created}"
            finally:
                shared.close()
                if other is not None:
                    owner.drop(engine, other)
            return eng.list_roles(server) - before

        assert run(other_run_database=True), "roles another run may use were dropped"
        for role in eng.list_roles(server) - before:  # as the other run would, once done
            eng.drop_role(server, role)
        assert run(other_run_database=False) == set(), "the url run left the roles its pack created"
        assert keep in eng.list_roles(server), "a role the run did not create was dropped"
    finally:
        owner.close()


def sigterm_a_check(dbi_config: Config, tmp_path: Path, engines: list[str], options: list[str], *,
                    ready: str, is_ready: Callable[[Path, int], object], settle: float, allowed: float,
                    ) -> tuple[int | None, float, str, Path, int]:
    """Start ``dbintegrity check`` over ``engines``, wait until ``is_ready(workdir, pid)``, let its probes run
    for ``settle`` seconds, send SIGTERM to the command alone (as CI does when it cancels a job) and wait
    up to ``allowed`` seconds: (exit code, seconds it took, output, workdir, pid)."""
    workdir = tmp_path / "work"
    argv = [sys.executable, "-m", "dbintegrity.cli", "check", pack_name(dbi_config), "--engines", ",".join(engines),
            "--packs", str(dbi_config.packs_dir), "--workdir", str(workdir), *options,
            *binaries(dbi_config, tmp_path)]
    log = tmp_path / "check.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=tmp_path,
                                env=inner_env(tmp_path / "unused.json"))
    run = InnerRun(proc, log, tmp_path / "unused.json")
    try:
        run.wait_until(ready, lambda: is_ready(workdir, proc.pid))
        time.sleep(settle)  # into the gate's probes
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = run.wait(allowed)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    return code, took, run.output(), workdir, proc.pid


@pytest.mark.parametrize("provider", PROVIDERS)
def test_sigterm_ends_dbintegrity_check_within_seconds(engine, provider, dbi_config, tmp_path):
    """``dbintegrity check`` cancelled by CI (SIGTERM) mid-gate: it ends within seconds, non-zero, and
    leaves no server, container or scratch dir."""
    def server_up(workdir: Path, pid: int) -> object:  # a process in the workdir, or a container of its run
        return reaper.containers_of(pid) if provider == "docker" else [
            x for x in leftovers(workdir) if x.startswith("process")]

    code, took, output, workdir, pid = sigterm_a_check(
        dbi_config, tmp_path, [engine], provider_options(dbi_config, engine, provider),
        ready="its server", is_ready=server_up, settle=2.0, allowed=INTERRUPT_TIMEOUT_S)
    assert code != 0, f"dbintegrity check exited 0 after SIGTERM; output:\n{output}"
    assert took <= INTERRUPT_TIMEOUT_S, f"dbintegrity check ended {took:.1f} s after SIGTERM"
    assert "Traceback" not in output, output
    assert_nothing_left(workdir, "after SIGTERM to dbintegrity check", output, pid=pid)


def test_sigterm_ends_a_check_of_engines_side_by_side_within_seconds(dbi_config, tmp_path):
    """``dbintegrity check`` over two engines runs them in two xdist workers; SIGTERM to the command alone
    (CI cancelling a job) still ends it within seconds: each worker tears its own server down, and nothing
    of either engine is left."""
    if len(dbi_config.engines) < 2:
        pytest.skip(f"needs two engines; this run has {', '.join(dbi_config.engines)}")
    engines = list(dbi_config.engines[:2])
    code, took, output, workdir, pid = sigterm_a_check(
        dbi_config, tmp_path, engines,
        ["--jobs", "2", *[opt for engine in engines for opt in provider_options(dbi_config, engine)]],
        ready="both servers",  # each starting in its own worker's directory; then the probes run
        is_ready=lambda workdir, _pid: workdir.is_dir() and len(list(workdir.glob("dbintegrity-*"))) >= 2,
        settle=5.0, allowed=SIDE_BY_SIDE_INTERRUPT_S)
    assert code == 130, f"dbintegrity check exited {code} after SIGTERM, expected 130; output:\n{output}"
    assert "stopped" in output and " ok" not in output, f"an interrupted check gave a verdict:\n{output}"
    assert took <= SIDE_BY_SIDE_INTERRUPT_S, f"dbintegrity check over two engines ended {took:.1f} s after SIGTERM"
    assert_nothing_left(workdir, "after SIGTERM to dbintegrity check over two engines", output, pid=pid)
