"""The pytest plugin (registered through the ``pytest11`` entry point).

It adds the ``--provider``/``--engines``/``--packs``... options (also as ini keys and environment
variables), the ``integrity`` marker, the session-scoped :class:`~dbintegrity.servers.runtime.Runtime` and the
fixtures built on it, parametrises tests that ask for ``engine`` or ``pack``, and turns the suite's own
errors into one line instead of a traceback.  When an engine dies mid-run, the failing test's report says
so in one line naming the engine and provider.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.changes import since
from dbintegrity.changes.since import CHANGED_SINCE_ENV, changes_of
from dbintegrity.config import OPTIONS, Config, Option, env_lookup, resolve
from dbintegrity.errors import ConfigError, ContractError, DbIntegrityError
from dbintegrity.pack import contract
from dbintegrity.pack.discovery import CONTRACT_FILE, select
from dbintegrity.pack.model import Schema
from dbintegrity.servers import interrupts, shared
from dbintegrity.servers.runtime import Runtime

pytest_plugins = ["dbintegrity.runner.project_gate"]  # plain `pytest` in a schema repository collects the gate

CONFIG_KEY = pytest.StashKey[Config]()
RUNTIME_KEY = pytest.StashKey[Runtime]()
WORKER_FIGURES_KEY = pytest.StashKey[dict[str, Any]]()
CONTROLLER_RUNTIME_KEY = pytest.StashKey[Runtime]()
"""The xdist controller's runtime: the servers it spawned for its workers (:mod:`dbintegrity.servers.shared`)."""
SHARED_SERVERS_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()
"""The xdist controller's handoffs of those servers, by engine, for ``pytest_configure_node``."""
MARKER = "integrity: a test that runs against a real database engine (select with -m integrity)"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dbintegrity", "dbintegrity: disposable engines and schema packs")
    for opt in OPTIONS:
        default = f" (default {opt.default})" if opt.default else ""
        group.addoption(opt.flag, dest=f"dbintegrity_{opt.name}", default=None,
                        help=f"{opt.help}{default}; env {opt.env}, ini {opt.ini}")
        parser.addini(opt.ini, help=opt.help, default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    config.addinivalue_line("markers", "dbi_contract(kind): parametrise over the contract items of one kind "
                            "(table, column, primary_key, unique, index, foreign_key, check, undeclared, privilege)")
    config.addinivalue_line("markers", f"{LEFT_OUT_MARKER}(n): a skipped placeholder that stands for n contract "
                            "items not run (--sample), or for none (the contract declares no item of the kind)")

    def flag(opt: Option) -> str | None:
        value = config.getoption(f"dbintegrity_{opt.name}", default=None)
        return None if value is None else str(value)

    def ini(opt: Option) -> str | None:
        value = config.getini(opt.ini)
        return None if value in (None, "", []) else str(value)

    try:
        config.stash[CONFIG_KEY] = resolve([flag, env_lookup(), ini], base=config.rootpath)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    _sigterm_as_interrupt()
    register_hypothesis_profiles()
    since.take_over(getattr(config, "workerinput", None))


def register_hypothesis_profiles() -> None:
    """``ci`` (few, derandomised examples), ``dev`` (default locally) and ``thorough``; pick with HYPOTHESIS_PROFILE."""
    import os

    from hypothesis import HealthCheck, Phase, settings

    common: dict[str, Any] = {
        "deadline": None, "print_blob": True, "database": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much,
                                  HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    }
    # Shrinking replays examples against the database and can take minutes; the failure report already
    # carries the rows and the SQL, so only the thorough profile shrinks.
    quick = [Phase.explicit, Phase.reuse, Phase.generate]
    settings.register_profile("ci", max_examples=8, derandomize=True, phases=quick, **common)
    settings.register_profile("dev", max_examples=20, phases=quick, **common)
    settings.register_profile("thorough", max_examples=300, **common)
    default = "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))


def _sigterm_as_interrupt() -> None:
    """SIGTERM (CI cancelling a job) runs the same orderly teardown as Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        return
    interrupts.clear()
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_signal)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # Ctrl-C: remembered the same way
        signal.signal(signal.SIGINT, _on_signal)


def _on_signal(signum: int, frame: Any) -> None:
    """SIGTERM or Ctrl-C: remember it, pass it on to the xdist workers, and interrupt the run once."""
    if interrupts.redelivery_due(signum) and not interrupts.is_finishing():  # the first one was dropped
        interrupts.interrupt(signum)
    first = not interrupts.requested()
    interrupts.request(interrupts.reason(signum))
    for pid in list(_WORKER_PIDS):  # xdist workers tear their own servers down, in order, at once
        with contextlib.suppress(OSError):
            os.kill(pid, signum)
    # A second signal must not break the teardown the first one started, nor any signal the teardown of
    # a run that is past its tests (interrupts.finishing).
    if first and not interrupts.is_finishing():
        interrupts.interrupt(signum)


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Before pytest reports the interrupt: an entry of its traceback without a line number would make
    that report fail (:func:`dbintegrity.servers.interrupts.mend_traceback`)."""
    interrupts.mend_traceback(excinfo.value)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A stop that a driver swallowed (see :mod:`dbintegrity.servers.interrupts`) still ends the run here."""
    interrupts.raise_if_requested()


def dbi_config_of(config: pytest.Config) -> Config:
    return config.stash[CONFIG_KEY]


def pytest_report_header(config: pytest.Config) -> str:
    cfg = dbi_config_of(config)
    return (f"dbintegrity: provider={cfg.provider} engines={','.join(cfg.engines)} "
            f"packs={cfg.packs_dir}{' (' + ','.join(cfg.packs) + ')' if cfg.packs else ''}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests that take ``engine`` run once per configured engine; ``pack``, once per selected pack."""
    cfg = dbi_config_of(metafunc.config)
    already = {name for mark in metafunc.definition.iter_markers("parametrize")
               for name in _argnames(mark.args[0])}
    marker = metafunc.definition.get_closest_marker("dbi_contract")
    if marker is not None:
        if marker.kwargs.get("per_engine", True):
            metafunc.parametrize("engine,pack,item", contract_params(cfg, marker.args[0]))
        else:  # one item for all engines together (the cross-engine differential)
            params = contract_params(cfg, marker.args[0], engines=("all",))
            metafunc.parametrize("pack,item", [pytest.param(*p.values[1:], id=p.id.removeprefix("all-"),
                                                            marks=p.marks) for p in params])
        return
    if "engine" in metafunc.fixturenames and "engine" not in already:
        metafunc.parametrize("engine", cfg.engines)
    if "pack" in metafunc.fixturenames and "pack" not in already:
        metafunc.parametrize("pack", selected_pack_names(cfg))


def contract_params(cfg: Config, kind: str, engines: tuple[str, ...] | None = None) -> list[Any]:
    """One parameter set per (engine, pack, contract item of ``kind``), with ids like
    ``postgres-appointments.patient_id``; the pack is named in the id only when several are selected.

    A pack whose contract is missing or malformed yields one item carrying the error, so the gate
    fails there with the one-line reason instead of silently testing nothing.
    """
    packs = selected_pack_names(cfg)
    sample = sample_size()
    params = []
    for pack in packs:
        prefix = f"{pack}:" if len(packs) > 1 else ""
        try:
            its: list[Any] = contract.items(_load_contract(cfg.packs_dir / pack / CONTRACT_FILE), kind)
        except ContractError as exc:
            its = [exc]
        if kind == "table" and not its:  # a gate over nothing must not pass
            its = [ContractError(f"{cfg.packs_dir / pack / CONTRACT_FILE}: declares no tables, so there is "
                                 "nothing to check; write it with `dbintegrity snapshot` and review it")]
        its, unchanged, since = changed_only(cfg, pack, its)
        left_out = 0
        if sample and len(its) > sample:
            its, left_out = sampled(its, sample), len(its) - sample
        for engine in engines or cfg.engines:
            for it in its:
                label = it.id if isinstance(it, contract.Item) else "contract"
                params.append(pytest.param(engine, pack, it, id=f"{engine}-{prefix}{label}"))
            if left_out:
                reason = (f"sampled: {left_out} more {kind.replace('_', ' ')} items of {pack} not run "
                          f"({SAMPLE_ENV}={sample} keeps {sample} of {sample + left_out}; 0 runs every item)")
                params.append(pytest.param(engine, pack, None, id=f"{engine}-{prefix}sampled-out",
                                           marks=[pytest.mark.skip(reason=reason),
                                                  getattr(pytest.mark, LEFT_OUT_MARKER)(left_out)]))
            if unchanged:
                reason = (f"unchanged since {since}: {unchanged} {kind.replace('_', ' ')} items of {pack} not run "
                          "(--changed-since: they belong to no table, view or trigger the change touches)")
                params.append(pytest.param(engine, pack, None, id=f"{engine}-{prefix}unchanged",
                                           marks=[pytest.mark.skip(reason=reason),
                                                  getattr(pytest.mark, LEFT_OUT_MARKER)(unchanged)]))
    if not params:  # say why nothing ran, instead of pytest's "got empty parameter set"
        reason = f"the contracts of {', '.join(packs) or 'no pack'} declare no {kind.replace('_', ' ')}"
        params.append(pytest.param(None, None, None, id=f"no-{kind}", marks=[pytest.mark.skip(reason=reason),
                                                                            getattr(pytest.mark, LEFT_OUT_MARKER)(0)]))
    return params


def changed_only(cfg: Config, pack: str, its: list[Any]) -> tuple[list[Any], int, str]:
    """Under ``--changed-since REF`` (``DBINTEGRITY_CHANGED_SINCE``), only the items the change touches
    (:mod:`dbintegrity.changes.since`), how many were left out, and the ref; otherwise ``its`` unchanged."""
    ref = os.environ.get(CHANGED_SINCE_ENV, "").strip()
    if not ref:
        return its, 0, ""
    try:
        changes = changes_of(cfg.packs_dir, pack, ref)
    except DbIntegrityError as exc:
        raise pytest.UsageError(f"{CHANGED_SINCE_ENV}={ref}: {exc}") from None
    kept = [it for it in its if not isinstance(it, contract.Item) or changes.keeps(it)]
    return kept, len(its) - len(kept), ref


LEFT_OUT_MARKER = "dbi_left_out"
SAMPLE_ENV = "DBINTEGRITY_SAMPLE"
"""At most this many contract items per probe kind and pack (``dbintegrity check --sample N``); 0 or
unset: every item.  Big schemas (hundreds of tables) otherwise mean tens of thousands of probes."""


def sample_size() -> int:
    value = os.environ.get(SAMPLE_ENV, "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise pytest.UsageError(f"{SAMPLE_ENV}={value!r}: expected a whole number of items per probe kind")
    return int(value)


def sampled(items: list[Any], n: int) -> list[Any]:
    """``n`` of ``items``, spread over the schema and the same in every run and for every probe of a kind:
    those whose id hashes lowest, kept in contract order."""
    def rank(it: Any) -> str:
        return hashlib.sha1(str(getattr(it, "id", it)).encode()).hexdigest()
    keep = {id(it) for it in sorted(items, key=rank)[:n]}
    return [it for it in items if id(it) in keep]


_CONTRACTS: dict[tuple[str, int, int], Schema] = {}


def _load_contract(path: Path) -> Any:
    """A contract read once per collection, not once per probe kind (a big one takes seconds to parse)."""
    try:
        st = path.stat()
    except OSError:
        return contract.load(path)  # missing: load says so
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _CONTRACTS:
        if len(_CONTRACTS) > 16:
            _CONTRACTS.clear()
        _CONTRACTS[key] = contract.load(path)
    return _CONTRACTS[key]


def selected_pack_names(cfg: Config) -> list[str]:
    try:
        return [p.name for p in select(cfg.packs_dir, cfg.packs)]
    except DbIntegrityError as exc:
        raise pytest.UsageError(str(exc)) from None


def _argnames(arg: Any) -> list[str]:
    if isinstance(arg, str):
        return [a.strip() for a in arg.split(",")]
    return list(arg)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Our errors fail the test with their one-line message, not a traceback into the suite.

    An engine that cannot start, or a pack that does not load on an engine, fails once: the runtime keeps
    that error and raises the same object for every later test of the engine (or pack), which is then
    skipped under that one reason instead of failing again (one bad statement was 722 errors).
    """
    try:
        yield
    except DbIntegrityError as exc:
        if getattr(exc, "dbi_reported", False):
            raise pytest.skip.Exception(f"not run: {exc} (reported once, above)") from None
        exc.dbi_reported = True  # type: ignore[attr-defined]
        # "from None": else pytest prints our error, "During handling of the above exception...", and it again
        raise pytest.fail.Exception(str(exc), pytrace=False) from None


@pytest.fixture(scope="session")
def dbi_config(request: pytest.FixtureRequest) -> Config:
    """The resolved configuration of this run."""
    return dbi_config_of(request.config)


@pytest.fixture(scope="session")
def dbi_runtime(request: pytest.FixtureRequest) -> Generator[Runtime, None, None]:
    """The run's servers and databases; everything it made is removed at the end of the session (servers
    the xdist controller started are its to stop)."""
    runtime = Runtime(dbi_config_of(request.config),
                      adopted=shared.adopted(getattr(request.config, "workerinput", None)))
    request.config.stash[RUNTIME_KEY] = runtime
    try:
        yield runtime
    finally:
        runtime.close()


@pytest.fixture
def dbi_server(dbi_runtime: Runtime, engine: str) -> Any:
    """The running server for the test's engine."""
    with one_line_errors():
        return dbi_runtime.server(engine)


@pytest.fixture
def dbi_template(dbi_runtime: Runtime, engine: str, pack: str) -> str:
    """Name of the database that holds ``pack`` loaded once on ``engine`` (read-only use)."""
    with one_line_errors():
        return dbi_runtime.template(engine, pack)


@pytest.fixture
def dbi_database(dbi_runtime: Runtime, engine: str, pack: str) -> Generator[str, None, None]:
    """A private copy of ``pack`` on ``engine`` for a test that writes; dropped afterwards."""
    with one_line_errors():
        name = dbi_runtime.database(engine, pack)
    yield name
    dbi_runtime.drop(engine, name)


@pytest.fixture
def dbi_live_schema(dbi_runtime: Runtime, engine: str, pack: str) -> Any:
    """The live schema of ``pack`` on ``engine``, read once per run."""
    with one_line_errors():
        return dbi_runtime.live_schema(engine, pack)


@pytest.fixture
def dbi_contract(dbi_runtime: Runtime, pack: str) -> Any:
    """The pack's contract (what probes are derived from)."""
    with one_line_errors():
        return dbi_runtime.contract(pack)


@pytest.fixture
def dbi_probe(dbi_runtime: Runtime, engine: str, pack: str) -> Generator[Any, None, None]:
    """A :class:`~dbintegrity.probes.session.ProbeSession` on a private copy of ``pack``, rolled back afterwards."""
    with one_line_errors():
        session = dbi_runtime.probe_session(engine, pack)
    started = time.perf_counter()
    try:
        yield session
    finally:
        dbi_runtime.count_statements(engine, session.statements, time.perf_counter() - started)
        with contextlib.suppress(Exception):  # a dead engine is reported by the test, not by teardown
            session.close()


@pytest.fixture
def dbi_probes(dbi_runtime: Runtime, dbi_config: Config, pack: str) -> Generator[dict[str, Any], None, None]:
    """One probe session per configured engine, for tests that compare engines."""
    sessions: dict[str, Any] = {}
    try:
        with one_line_errors():
            for engine in dbi_config.engines:
                sessions[engine] = dbi_runtime.probe_session(engine, pack)
        yield sessions
    finally:
        for engine, session in sessions.items():
            dbi_runtime.count_statements(engine, session.statements)
            with contextlib.suppress(Exception):
                session.close()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``pytest -n N`` (``--dist load``, xdist's default, or ``loadgroup``), every test of one engine goes
    to the same xdist worker.

    The engines are separate server processes, so a run over two engines keeps two cores busy; keeping an
    engine's tests in one worker means each worker starts one server and builds each template once, as a
    run without xdist does.  ``dbintegrity check`` asks for this when it checks several engines.  Tests of
    no engine are handed out one by one, as ``--dist load`` does.
    """
    if config.getvalue("dist") not in ("load", "loadgroup") or CONFIG_KEY not in config.stash:
        return None
    from dbintegrity.runner.xdist_engines import EngineScheduling

    return EngineScheduling(config, log, engines=dbi_config_of(config).engines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    # What `dbintegrity check` summarises, as plain values: a report crosses from an xdist worker as JSON.
    params = getattr(getattr(item, "callspec", None), "params", {})
    report.dbi_params = {k: str(params[k]) for k in ("engine", "pack") if params.get(k) is not None}
    if report.failed and call.excinfo is not None:  # our failures carry have/want and the SQL to rerun
        report.dbi_failure = str(call.excinfo.value)
    marker = item.get_closest_marker(LEFT_OUT_MARKER)
    report.dbi_left_out = int(marker.args[0]) if marker is not None else None
    if report.failed:
        engine = params.get("engine")
        runtime = item.config.stash.get(RUNTIME_KEY, None)
        server = runtime.started_servers().get(engine) if runtime and engine else None
        if server is not None:
            try:
                server.check_alive()
            except DbIntegrityError as exc:
                report.longrepr = str(exc)
    return report


STATS_KEY = "dbi_stats"
"""Where an xdist worker hands its runtime's figures to the controller (``workeroutput``)."""


def _figures(runtime: Runtime | None) -> dict[str, Any]:
    """A runtime's figures as plain values (they cross from an xdist worker to the controller)."""
    if runtime is None:
        return {"notes": [], "labels": {}, "timings": {}, "statements": {}, "probe_seconds": {}}
    return {"notes": list(runtime.notes), "labels": dict(runtime.labels), "timings": dict(runtime.timings),
            "statements": dict(runtime.statements), "probe_seconds": dict(runtime.probe_seconds)}


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    into["notes"] += [n for n in more["notes"] if n not in into["notes"]]
    into["labels"].update(more["labels"])
    for name in ("timings", "statements", "probe_seconds"):
        for key, value in more[name].items():
            into[name][key] = into[name].get(key, 0) + value


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller of a gate run (``-m`` selects ``integrity``): hand each worker the engines' servers,
    spawned when the first worker is set up, so they come up while the workers import and one per engine
    serves every worker (:mod:`dbintegrity.servers.shared`); and the ``--changed-since`` changes it has
    computed (:func:`dbintegrity.changes.since.handed_over`).

    Not earlier: xdist makes its base temp dir just before this hook, and pytest then closes the permissions
    of the folder above it, which would lock a PostgreSQL server already running under a ``--workdir`` there
    out of its data dir.  Other runs, such as ``pytest -n 2 tests/unit``, may need no server: their workers
    start what their tests ask for."""
    config = node.config
    if SHARED_SERVERS_KEY not in config.stash:
        config.stash[SHARED_SERVERS_KEY] = {}
        if (CONFIG_KEY in config.stash and not config.option.collectonly
                and "integrity" in (config.option.markexpr or "")):
            runtime = Runtime(dbi_config_of(config))
            config.stash[CONTROLLER_RUNTIME_KEY] = runtime
            config.stash[SHARED_SERVERS_KEY] = shared.spawn(runtime, dbi_config_of(config))
    node.workerinput[shared.WORKER_INPUT] = config.stash[SHARED_SERVERS_KEY]
    node.workerinput[since.WORKER_INPUT] = since.handed_over()


def pytest_unconfigure(config: pytest.Config) -> None:
    """xdist controller: stop the servers it spawned, after every worker has dropped its databases."""
    runtime = config.stash.get(CONTROLLER_RUNTIME_KEY, None)
    if runtime is not None:
        runtime.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    interrupts.finishing()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller prints the figures
        workeroutput[STATS_KEY] = _figures(session.config.stash.get(RUNTIME_KEY, None))


_WORKER_PIDS: set[int] = set()
"""Process ids of this controller's xdist workers, which a SIGTERM or Ctrl-C is passed on to.

A signal sent to the controller alone (CI cancelling a job, ``kill``) would otherwise leave each worker
running the tests already queued to it (a whole engine's, under ``--dist loadgroup``) until xdist kills it
without its teardown, leaving its servers' directories behind.
"""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_newgateway(gateway: Any) -> None:
    """A worker's process is known from the moment its gateway exists, not only once it is ready: a worker
    starts its engine's server while it comes up, and a signal then must reach it too (measured: SIGTERM
    during "bringing up nodes" left the command running past its 20 s)."""
    pid = _gateway_pid(gateway)
    if pid is not None:
        _WORKER_PIDS.add(pid)


def _gateway_pid(gateway: Any) -> int | None:
    """execnet keeps a popen worker's process in ``gateway._io.popen``; other gateway kinds have none."""
    pid = getattr(getattr(getattr(gateway, "_io", None), "popen", None), "pid", None)
    return pid if isinstance(pid, int) else None


def _worker_pid(node: Any) -> int | None:
    return _gateway_pid(getattr(node, "gateway", None))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: gather each worker's figures for the summary."""
    _WORKER_PIDS.discard(_worker_pid(node) or -1)
    more = getattr(node, "workeroutput", {}).get(STATS_KEY)
    if more:
        stash = node.config.stash
        if WORKER_FIGURES_KEY not in stash:
            stash[WORKER_FIGURES_KEY] = _figures(None)
        _merge(stash[WORKER_FIGURES_KEY], more)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Servers used, load times and probe throughput: the figures the benchmarks read."""
    figures = _figures(config.stash.get(RUNTIME_KEY, None))
    if CONTROLLER_RUNTIME_KEY in config.stash:
        _merge(figures, _figures(config.stash[CONTROLLER_RUNTIME_KEY]))
    if WORKER_FIGURES_KEY in config.stash:
        _merge(figures, config.stash[WORKER_FIGURES_KEY])
    if not (figures["timings"] or figures["notes"]):
        return
    terminalreporter.section("dbintegrity")
    for note in figures["notes"]:
        terminalreporter.write_line(note)
    for engine, label in sorted(figures["labels"].items()):
        terminalreporter.write_line(f"{engine}: {label}")
    for key, value in sorted(figures["timings"].items()):
        terminalreporter.write_line(f"{key}: {value:.2f}")
    for engine, n in sorted(figures["statements"].items()):
        seconds = figures["probe_seconds"].get(engine, 0.0)
        rate = f", {n / seconds:.0f} statements/s" if seconds else ""
        terminalreporter.write_line(f"{engine}_probe_statements: {n} in {seconds:.1f} s of probes{rate}")
