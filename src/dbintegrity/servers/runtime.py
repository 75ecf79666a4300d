"""The run's servers and databases: started lazily, shared, and always cleaned up.

One :class:`Runtime` per pytest session (per xdist worker) or CLI command.  It starts at most one
server per engine, loads each pack once into a template database, hands out uniquely named copies, and
on :meth:`close` drops every database it created and stops every server, in that order, whatever
happened before.  Names carry a per-run id and the xdist worker id, so runs sharing a ``url`` server
never touch each other's databases, nor anything else on it.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dbintegrity.config import Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Engine, Server, StatementFailed
from dbintegrity.errors import DbIntegrityError, EngineUnavailable, PackError
from dbintegrity.pack import contract, namespaces
from dbintegrity.pack.discovery import Pack, select
from dbintegrity.pack.model import Schema
from dbintegrity.probes.session import ProbeSession
from dbintegrity.servers import processes as procs
from dbintegrity.servers import providers

DB_PREFIX = "dbi_"


class Runtime:
    def __init__(self, cfg: Config, *, cache_dir: Path | None = None,
                 log: Callable[[str], None] | None = None, adopted: dict[str, Server] | None = None) -> None:
        self.cfg = cfg
        self._adopted = dict(adopted or {})
        """Servers another process started for this run (an xdist worker's, from the controller): used, not
        stopped (:mod:`dbintegrity.servers.shared`)."""
        self.run_id = secrets.token_hex(3)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "m")
        self.prefix = f"{DB_PREFIX}{self.run_id}_{re.sub(r'[^a-z0-9]', '', worker.lower())}_"
        self.cache_dir = cache_dir or cfg.cache_dir
        self.log = log or (lambda _msg: None)
        self._servers: dict[str, Server] = {}
        self._bound: dict[str, Engine] = {}
        self._failed: dict[str, DbIntegrityError] = {}
        self._templates: dict[tuple[str, str], str] = {}
        self._broken: dict[tuple[str, str], PackError] = {}
        """Packs that did not load on an engine: the same error object is raised again for every later
        test, so the plugin reports it once and skips the rest under it."""
        """(engine, pack) -> the PackError line of a pack that failed to load: not retried per test."""
        self._databases: list[tuple[str, str]] = []
        self._packs: dict[str, Pack] = {}
        self._counter = 0
        self._live: dict[tuple[str, str], Schema] = {}
        self._contracts: dict[str, Schema] = {}
        self._probe_dbs: dict[tuple[str, str], str] = {}
        self._roles_before: dict[str, set[str]] = {}
        """Per engine on a url server: the roles that existed when the run began."""
        self.statements: dict[str, int] = {}
        self.probe_seconds: dict[str, float] = {}
        self.labels: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self.notes: list[str] = []
        """One line each, for the run's summary: e.g. auto passing over a Docker engine without images."""
        procs.sweep_stale_dirs(cfg.workdir)
        atexit.register(self.close)

    # -- packs -----------------------------------------------------------------------------------
    def packs(self) -> list[Pack]:
        if not self._packs:
            self._packs = {p.name: p for p in select(self.cfg.packs_dir, self.cfg.packs)}
        return list(self._packs.values())

    def pack(self, name: str) -> Pack:
        self.packs()
        if name not in self._packs:
            self._packs.update({p.name: p for p in select(self.cfg.packs_dir, [name])})
        return self._packs[name]

    # -- servers ---------------------------------------------------------------------------------
    def engine(self, name: str) -> Engine:
        """The engine for key ``name``; once its server runs, bound to the server's version, so that
        capabilities with a version condition answer for the server at hand."""
        bound = self._bound.get(name)
        return bound if bound is not None else get_engine(name)

    def server(self, engine: str) -> Server:
        """The running server for ``engine``: started (or adopted) on first use, checked alive on every use."""
        if engine in self._failed:
            raise self._failed[engine]
        server = self._servers.get(engine)
        if server is not None and engine in self._bound:  # bound once it answered: a spawned one may not yet
            server.check_alive()
            return server
        started = time.perf_counter()
        try:
            if server is None:
                server = self._adopted.get(engine) or self._start(engine)
                self._servers[engine] = server
            server.version = self.engine(engine).wait_ready(server)
            self._bound[engine] = get_engine(engine).at_version(server.version)
        except DbIntegrityError as exc:
            self._failed[engine] = exc
            raise
        except Exception as exc:
            detail = " ".join(str(exc).split())[:300]
            hint = f"; server log: {server.log_path}" if server and server.log_path else ""
            err = EngineUnavailable(f"{engine} did not become ready: {detail}{hint}")
            self._failed[engine] = err
            raise err from exc
        if server.provider == "url":  # a shared server: roles our packs create are ours to remove
            self._roles_before[engine] = self.engine(engine).list_roles(server)
        self.timings[f"{engine}_ready_s"] = time.perf_counter() - started
        self.labels[engine] = server.label
        self.log(f"{engine}: {server.label} ready in {self.timings[f'{engine}_ready_s']:.2f} s")
        return server

    def spawn(self, engine: str) -> Server:
        """Start ``engine``'s server without waiting for it to accept connections (:meth:`server` waits);
        for the xdist controller, whose workers use it (:mod:`dbintegrity.servers.shared`)."""
        server = self._start(engine)
        self._servers[engine] = server
        return server

    def _start(self, engine: str) -> Server:
        note = providers.auto_note(self.cfg, engine)
        if note:
            self.notes.append(note)
            self.log(note)
        return providers.start(self.cfg, engine, self.cache_dir)

    def started_servers(self) -> dict[str, Server]:
        return dict(self._servers)

    # -- databases -------------------------------------------------------------------------------
    def _name(self, *parts: str) -> str:
        self._counter += 1
        tail = "_".join(re.sub(r"[^a-z0-9]", "", p.lower()) for p in parts)
        return f"{self.prefix}{self._counter}_{tail}"[:63]

    def create_database(self, engine: str, tag: str, template: str | None = None) -> str:
        server = self.server(engine)
        name = self._name(tag)
        self.engine(engine).create_database(server, name, template=template)
        self._databases.append((engine, name))
        return name

    def load(self, engine: str, pack: Pack, database: str) -> None:
        """Apply the pack's statements for ``engine``; a rejected statement is one PackError line."""
        eng = self.engine(engine)
        statements = pack.statements(pack.layers(eng.spec.dialect_dirs))
        server = self.server(engine)
        with eng.connection(server, database) as conn:
            try:
                eng.execute_script(conn, statements)
            except StatementFailed as exc:
                server.check_alive()
                st = exc.statement
                raise PackError(f"{pack.label}: {st.path}:{st.line}: `{st.head}`: "
                                f"{engine} said {exc.message}{eng.load_hint(conn, exc.__cause__)}") from None

    def template(self, engine: str, pack: str) -> str:
        """The database holding ``pack`` loaded once for this run (the clone source)."""
        key = (engine, pack)
        if key in self._broken:
            raise self._broken[key]
        if key not in self._templates:
            started = time.perf_counter()
            name = self.create_database(engine, f"{pack}_tpl")
            self._home_namespace(engine, pack, name)
            applying = time.perf_counter()
            try:
                self.load(engine, self.pack(pack), name)
            except PackError as exc:
                self._broken[key] = exc
                raise
            self._templates[key] = name
            self.timings[f"{engine}_{pack}_load_s"] = time.perf_counter() - started
            self.timings[f"{engine}_{pack}_apply_s"] = time.perf_counter() - applying
        return self._templates[key]

    def database(self, engine: str, pack: str, tag: str = "db") -> str:
        """A fresh database with ``pack`` loaded: a template clone where the engine can, else a replay."""
        eng = self.engine(engine)
        template = self.template(engine, pack)
        if eng.capabilities.template_databases:
            name = self.create_database(engine, f"{pack}_{tag}", template=template)
            self._home_namespace(engine, pack, name)
            return name
        name = self.create_database(engine, f"{pack}_{tag}")
        self._home_namespace(engine, pack, name)
        self.load(engine, self.pack(pack), name)
        return name

    def pack_folders(self, engine: str, pack: str) -> tuple[str, ...]:
        """The folders of ``pack`` that serve ``engine``, overlaid (:meth:`Pack.files`): MariaDB reads
        ``mysql/`` with the same-named files of ``mariadb/`` in their place."""
        return self.pack(pack).layers(self.engine(engine).spec.dialect_dirs)

    def _home_namespace(self, engine: str, pack: str, database: str) -> None:
        """A pack whose tables live in a namespace of their own: on engines with several per database, that
        namespace comes first on the database's search path (one contract names the tables bare everywhere)."""
        namespace = self.pack(pack).namespace
        eng = self.engine(engine)
        if namespace and eng.capabilities.schemas_in_database:
            eng.set_home_namespace(self.server(engine), database, namespace)

    def drop(self, engine: str, name: str) -> None:
        if (engine, name) in self._databases:
            self._databases.remove((engine, name))
        with contextlib.suppress(Exception):
            self.engine(engine).drop_database(self._servers[engine], name)

    def connect(self, engine: str, database: str | None, **kw: Any) -> Any:
        server = self.server(engine)
        eng = self.engine(engine)
        try:
            return eng.connect(server, database, **kw)
        except eng.driver_errors:
            server.check_alive()
            raise

    def introspect(self, engine: str, database: str) -> Schema:
        eng = self.engine(engine)
        with eng.connection(self.server(engine), database) as conn:
            schema: Schema = eng.introspect(conn, database, namespaces.selected())
            return schema

    def live_schema(self, engine: str, pack: str) -> Schema:
        """The introspected schema of ``pack`` as loaded on ``engine`` (cached for the run)."""
        key = (engine, pack)
        if key not in self._live:
            self._live[key] = self.introspect(engine, self.template(engine, pack))
        return self._live[key]

    def contract(self, pack: str) -> Schema:
        """The pack's contract, read once."""
        if pack not in self._contracts:
            self._contracts[pack] = contract.load(self.pack(pack).contract_path)
        return self._contracts[pack]

    def probe_database(self, engine: str, pack: str) -> str:
        """One private copy of ``pack`` per engine for probes; they roll back, so it stays pristine."""
        key = (engine, pack)
        if key not in self._probe_dbs:
            self._probe_dbs[key] = self.database(engine, pack, "probe")
        return self._probe_dbs[key]

    def probe_session(self, engine: str, pack: str) -> ProbeSession:
        database = self.probe_database(engine, pack)
        conn = self.connect(engine, database, autocommit=False)
        live = self.live_schema(engine, pack)  # how this engine stores the tables: the contract cannot say
        eng = self.engine(engine)
        schema = self.contract(pack)
        if eng.capabilities.writable_cte_inserts:
            schema = dataclasses.replace(schema, cycles_writable=True)
        probe = ProbeSession(eng, conn, schema,
                             {name: t.non_transactional for name, t in live.tables.items() if t.non_transactional})
        self.backfill(engine, pack, conn)  # probes draw dates from decades past: historical rows
        return probe

    def backfill(self, engine: str, pack: str, conn: Any) -> None:
        """Put ``conn`` in the pack's backfill mode (``session.yml``), in which historical rows may be written."""
        self.session_mode(engine, pack, conn, "backfill")

    def session_mode(self, engine: str, pack: str, conn: Any, mode: str) -> None:
        """Run the pack's ``session.yml`` statements for ``mode`` (``backfill``, ``application``) on ``conn``."""
        for statement in self.pack(pack).session_statements(self.pack_folders(engine, pack), mode):
            cur = conn.cursor()
            try:
                cur.execute(statement)
            except Exception as exc:
                raise PackError(f"pack {pack}: session.yml {mode} statement {statement!r} failed on {engine}: "
                                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
            finally:
                cur.close()

    def count_statements(self, engine: str, n: int, seconds: float = 0.0) -> None:
        """Probe throughput bookkeeping (database round trips and the time spent in probes)."""
        self.statements[engine] = self.statements.get(engine, 0) + n
        self.probe_seconds[engine] = self.probe_seconds.get(engine, 0.0) + seconds

    # -- clean-up --------------------------------------------------------------------------------
    def _drop_new_roles(self) -> None:
        """On a ``url`` server, drop the roles that appeared during the run (a pack's ``CREATE ROLE``).

        Roles are server-wide, so another run sharing the server may be using the same ones: while other
        dbintegrity databases are on the server they are left, and the run says so.
        """
        for engine, before in self._roles_before.items():
            server = self._servers.get(engine)
            if server is None or server.liveness() is not None:
                continue
            eng = self.engine(engine)
            try:
                new = sorted(eng.list_roles(server) - before)
                if not new:
                    continue
                others = eng.list_databases(server, DB_PREFIX)
                if others:
                    print(f"dbintegrity: left role(s) {', '.join(new)} on {server.label}: databases of another "
                          f"dbintegrity run ({', '.join(others[:3])}) may use them", file=sys.stderr)
                    continue
                for name in new:
                    eng.drop_role(server, name)
            except Exception as exc:
                print(f"dbintegrity: could not drop the roles this run created on {engine}: {exc}", file=sys.stderr)
        self._roles_before.clear()

    def close(self) -> None:
        """Drop our databases, then stop our servers.  Safe to call twice; never raises."""
        for engine, name in reversed(self._databases):
            server = self._servers.get(engine)
            if server is None or server.liveness() is not None:
                continue
            try:
                self.engine(engine).drop_database(server, name)
            except Exception as exc:
                print(f"dbintegrity: could not drop {engine} database {name}: {exc}", file=sys.stderr)
        self._databases.clear()
        self._templates.clear()
        self._probe_dbs.clear()
        self._drop_new_roles()
        for server in self._servers.values():
            try:
                server.stop()
            except Exception as exc:
                print(f"dbintegrity: could not stop {server.label}: {exc}", file=sys.stderr)
        self._servers.clear()
        with contextlib.suppress(Exception):
            atexit.unregister(self.close)
