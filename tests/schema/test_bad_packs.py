"""Broken schema input fails with one line that says where and why, on every engine.

The packs under ``fixtures/bad_packs/`` each hold one mistake: a syntax error, a foreign key to a missing
table, an unknown collation, a pack with only comments, a pack without a mysql/ folder.  Loading one must
raise a :class:`PackError` whose message is a single line naming the pack, the file, the line where the
offending statement starts, the start of that statement and the server's own words; ``dbintegrity check``
must print that line (no traceback) and exit non-zero.

The packs are loaded by a second :class:`Runtime` whose url provider points at the servers the outer run
already started, so this module starts no server of its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from dbintegrity.config import Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.errors import PackError
from dbintegrity.pytest_plugin import one_line_errors
from dbintegrity.servers.runtime import Runtime

pytestmark = pytest.mark.selftest

REPO = Path(__file__).resolve().parents[2]
BAD_PACKS = REPO / "fixtures" / "bad_packs"
CLI_TIMEOUT_S = 120
PYTEST_CHROME = re.compile(r"^([.EFsxX]+ +\[ *\d+%\]|=+ .* =+|_+ .* _+|bringing up nodes\.\.\.|\[gw\d+\] .*)$")
"""pytest's decoration, and pytest-xdist's when the check runs its engines side by side in workers."""


@dataclass(frozen=True)
class Rejected:
    """A statement the server refuses: the line it starts on, its start, and what the server says."""

    line: int
    head: str
    says: str


@dataclass(frozen=True)
class Unloadable:
    """A pack that never reaches the server: the message holds each of ``parts``."""

    parts: tuple[str, ...]


Expect = Rejected | Unloadable | None
"""``None``: this engine loads the case fine."""

CASES: dict[str, dict[str, Expect]] = {
    "syntax_error": {
        "mysql": Rejected(9, "CREATE TABEL patient (", "ERROR 1064: You have an error in your SQL syntax"),
        "postgres": Rejected(9, "CREATE TABEL patient (", 'ERROR 42601: syntax error at or near "TABEL"'),
    },
    "missing_table": {
        "mysql": Rejected(7, "CREATE TABLE patient (", "ERROR 1824: Failed to open the referenced table 'physician'"),
        "postgres": Rejected(7, "CREATE TABLE patient (", 'ERROR 42P01: relation "physician" does not exist'),
    },
    "unknown_collation": {
        "mysql": Rejected(7, "CREATE TABLE patient (", "ERROR 1273: Unknown collation: 'utf8mb4_nosuch_ci'"),
        "postgres": Rejected(7, "CREATE TABLE patient (",
                             'ERROR 42704: collation "nosuch" for encoding "UTF8" does not exist'),
    },
    "empty_pack": {
        "mysql": Unloadable(("the mysql files (01_schema.sql) contain no SQL statements",)),
        "postgres": Unloadable(("the postgres files (01_schema.sql) contain no SQL statements",)),
    },
    "missing_dialect": {
        "mysql": Unloadable((f"no mysql/ folder in {BAD_PACKS / 'missing_dialect'}", "dialects present: postgres",
                             f"add {BAD_PACKS / 'missing_dialect' / 'mysql' / '01_schema.sql'}")),
        "postgres": None,
    },
}


def expected_parts(case: str, engine: str) -> list[str]:
    """What the one line must contain for ``case`` on ``engine``."""
    expect = CASES[case][engine]
    assert expect is not None
    if isinstance(expect, Unloadable):
        return [f"pack {case}: ", *expect.parts]
    path = BAD_PACKS / case / get_engine(engine).dialect_dir / "01_schema.sql"
    return [f"pack {case}: ", f"{path}:{expect.line}: `{expect.head}", f"{engine} said {expect.says}"]


def server_url(server: Server) -> str:
    return server.url()


@pytest.fixture(scope="module")
def bad_runtime(dbi_runtime: Runtime) -> Iterator[Callable[[str], Runtime]]:
    """Per engine, a Runtime over the bad packs on the outer run's server; proves it drops what it made."""
    made: dict[str, Runtime] = {}

    def get(engine: str) -> Runtime:
        if engine not in made:
            with one_line_errors():
                server = dbi_runtime.server(engine)
            cfg = replace(dbi_runtime.cfg, provider="url", engines=(engine,), packs_dir=BAD_PACKS, packs=(),
                          urls={engine: server_url(server)})
            made[engine] = Runtime(cfg)
        return made[engine]

    yield get
    left = []
    for engine, runtime in made.items():
        runtime.close()
        left += get_engine(engine).list_databases(dbi_runtime.server(engine), runtime.prefix)
    assert not left, f"the bad-pack runtimes left databases behind: {left}"


def test_fixture_lines_are_where_the_cases_say():
    """The expected line numbers are checked against the files, so an edited fixture cannot drift."""
    for case, engines in CASES.items():
        for engine, expect in engines.items():
            path = BAD_PACKS / case / engine / "01_schema.sql"
            if isinstance(expect, Rejected):
                lines = path.read_text().splitlines()
                assert lines[expect.line - 1].startswith(expect.head), f"{path}:{expect.line}"
                assert expect.line > 1, "the offending statement must not be on line 1"
                assert any(line.startswith("--") for line in lines[: expect.line - 1]), "a comment comes first"
            elif expect is None:
                assert path.is_file(), path
            elif case == "missing_dialect":
                assert not path.parent.exists(), path.parent


@pytest.mark.parametrize("case", sorted(CASES))
def test_loading_a_bad_pack_fails_with_one_line(engine, case, bad_runtime):
    runtime = bad_runtime(engine)
    if CASES[case][engine] is None:
        database = runtime.template(engine, case)
        assert runtime.introspect(engine, database).tables, f"{case} should load on {engine}"
        return
    with pytest.raises(PackError) as caught:
        runtime.template(engine, case)
    message = str(caught.value)
    assert len(message.splitlines()) == 1, f"not one line:\n{message}"
    missing = [part for part in expected_parts(case, engine) if part not in message]
    assert not missing, f"the message lacks {missing}:\n{message}"


@dataclass
class CheckRun:
    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    workdir: Path


def cli_env(cfg: Config) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DBINTEGRITY_"))}
    env.update({f"DBINTEGRITY_{engine.upper()}_URL": url for engine, url in cfg.urls.items()})
    return env


@pytest.fixture(scope="module")
def check_runs(dbi_config: Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CheckRun]]:
    """``dbintegrity check --packs fixtures/bad_packs <case>`` for every case, all started at once."""
    cfg, runs = dbi_config, {}
    try:
        for case in sorted(CASES):
            base = tmp_path_factory.mktemp(f"check_{case}")
            argv = [sys.executable, "-m", "dbintegrity.cli", "check", "--packs", str(BAD_PACKS), case,
                    "--provider", cfg.provider, "--engines", ",".join(cfg.engines), "--workdir", str(base / "work")]
            argv += cfg.engine_flags()  # the outer run's explicit images, binaries and servers
            # Each run's pytest gets a temp dir of its own: pytest closes the permissions of the shared
            # /tmp/pytest-of-<user> as it makes one there, and a PostgreSQL server of another of these runs,
            # starting under it as the postgres user, then cannot reach its data dir and exits.
            argv += ["--pytest-args", f"--basetemp={base / 'pytest'}"]
            with open(base / "stdout", "wb") as out, open(base / "stderr", "wb") as err:
                proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                        cwd=REPO, env=cli_env(cfg))
            runs[case] = CheckRun(proc, base / "stdout", base / "stderr", base / "work")
        yield runs
    finally:
        for run in runs.values():
            if run.proc.poll() is None:
                run.proc.terminate()  # orderly: the check's pytest turns SIGTERM into its teardown
                try:
                    run.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    run.proc.kill()
                    run.proc.wait(timeout=30)


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_command_prints_the_line_and_fails(case, dbi_config, check_runs):
    run = check_runs[case]
    try:
        code = run.proc.wait(timeout=CLI_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dbintegrity check {case} still running after {CLI_TIMEOUT_S} s")
    stdout = run.stdout.read_text(errors="replace")
    output = stdout + run.stderr.read_text(errors="replace")
    assert code != 0, f"dbintegrity check {case} passed:\n{output}"
    for noise in ("Traceback", "During handling of the above exception"):
        assert noise not in output, f"dbintegrity check {case} printed {noise!r}:\n{output}"
    ours = []
    for engine in dbi_config.engines:
        if CASES[case][engine] is None:
            continue
        parts = expected_parts(case, engine)
        lines = [line for line in output.splitlines() if all(part in line for part in parts)]
        assert lines, f"no line with {parts} in the output of dbintegrity check {case}:\n{output}"
        ours += lines
    # The first thing after pytest's own decoration (progress dots, ==== and ____ headers) is that line.
    said = [line for line in stdout.splitlines() if line.strip() and not PYTEST_CHROME.match(line)]
    assert said, f"dbintegrity check {case} printed nothing of its own:\n{output}"
    assert said[0] in ours, f"dbintegrity check {case} does not start with the error line:\n{output}"
    left = sorted(run.workdir.glob("*"))
    assert not left, f"dbintegrity check {case} left {left}"
