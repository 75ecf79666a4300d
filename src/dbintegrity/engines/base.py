"""What every engine offers, so the rest of the suite never asks which engine it is talking to.

An :class:`Engine` is the dialect: how to connect, create and clone databases, apply a pack's statements
and read the schema back.  A :class:`Server` is one running instance from a provider.  Engine-specific
behaviour lives in ``engines/<name>/`` behind these methods and the :class:`Capabilities` flags; tests
ask ``engine.capabilities.error_aborts_transaction``, never ``engine.name == "mysql"``.  What is known
without a running engine (dialect, folders, URL schemes, version lines) is the engine's
:class:`~dbintegrity.engines.spec.EngineSpec`.
"""

from __future__ import annotations

import abc
import contextlib
import copy
import dataclasses
import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import quote

from dbintegrity.errors import EngineDied
from dbintegrity.pack import namespaces
from dbintegrity.sqltext.split import Statement

if TYPE_CHECKING:
    from dbintegrity.engines.parts import AccessDialect
    from dbintegrity.engines.spec import EngineSpec, Line


class Cursor(Protocol):
    """The DB-API cursor subset we use (PyMySQL and psycopg both satisfy it)."""

    def execute(self, query: Any, params: Any = ...) -> Any: ...
    def fetchall(self) -> Sequence[Any]: ...
    def fetchone(self) -> Any: ...
    def close(self) -> None: ...


class Connection(Protocol):
    """The DB-API connection subset we use."""

    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do; probes consult these instead of the engine's name.

    Every flag is read somewhere (a probe, the runtime, a rule test): a flag nothing reads is a defect.
    Flags that changed with a version are declared with :class:`Since` on the engine class.
    """

    error_aborts_transaction: bool
    """After a rejected statement the open transaction accepts nothing until it rolls back (PostgreSQL), so
    probes wrap each attempt in a savepoint; MySQL and MariaDB only undo the one statement."""
    template_databases: bool
    """``CREATE DATABASE ... TEMPLATE`` clones a loaded schema in one statement."""
    check_constraints: bool
    """CHECK constraints are enforced (MySQL from 8.0.16, MariaDB from 10.2.1); the CHECK probes skip
    where they are not, since the engine then accepts every row by design."""
    row_level_security: bool
    """Per-row access policies (PostgreSQL RLS)."""
    enum_input_folds_case: bool = False
    """ENUM input is matched with the column's (case-insensitive) collation and trailing spaces are
    ignored, so 'Admin ' is stored as 'admin' instead of being rejected (MySQL with *_ci collations)."""
    unique_nulls_distinct: bool = True
    """Several rows may hold NULL in a UNIQUE column (both engines' default)."""
    text_ignores_case: bool = False
    """Text compares case-insensitively in CHECKs and keys ('d' IN ('D') is true): MySQL's default *_ci
    collations.  The Python evaluator compares exactly, so a verdict that hangs on letter case is undecided."""
    self_referencing_update_actions: bool = True
    """ON UPDATE CASCADE / SET NULL of a foreign key into its own table is carried out; InnoDB refuses the
    update instead, as RESTRICT would (documented MySQL behaviour)."""
    schemas_in_database: bool = False
    """A database holds several namespaces (PostgreSQL schemas) that ``--schema`` can choose between; where a
    database is the namespace (MySQL), the databases a script creates are mapped onto the run's own."""
    fk_actions_fire_triggers: bool = True
    """Rows deleted or changed by a foreign-key action (ON DELETE CASCADE, SET NULL) fire their table's
    triggers, so an audit trigger records them; InnoDB's foreign-key actions fire no triggers."""
    writable_cte_inserts: bool = False
    """INSERTs in a ``WITH`` clause (``WITH a AS (INSERT ...) INSERT ...``) are one statement whose foreign
    keys are checked when it ends (PostgreSQL), so rows that reference each other through NOT NULL keys in a
    cycle can be written together: probes of such a cycle run instead of skipping.  MySQL has neither; turning
    its foreign-key checks off to build the rows is not done, since the gate would then trust rows no engine
    checked."""
    parameters_bound_in_client: bool = False
    """The probe connections' driver writes a statement's parameters into its text and the connection accepts
    several statements in one query (PostgreSQL through psycopg's client-side-binding cursor; PyMySQL with
    multi-statements on), so statements with parameters can go to the server in one round trip: a probe's
    savepoint is set in the same round trip as its statement, and the rows a probe builds on go together."""
    timestamp_null_stores_now: bool = False
    """NULL written into a NOT NULL ``TIMESTAMP`` column (INSERT or UPDATE) stores the current time instead of
    being refused: MariaDB does, whatever ``explicit_defaults_for_timestamp`` says (measured on 10.11 and
    11.8).  NOT NULL of such a column is then not observable by writing NULL; the catalogue still says it."""


@dataclass(frozen=True)
class Since:
    """A capability that an engine gained at ``version``: on older servers the flag is ``before``."""

    flag: str
    version: str
    before: Any
    why: str = ""


def version_tuple(text: str) -> tuple[int, ...]:
    """``'10.11.18-MariaDB-0+deb12u1'`` -> (10, 11, 18): the leading dotted numbers of a version."""
    m = re.match(r"\D*(\d+(?:\.\d+)*)", text)
    return tuple(int(p) for p in m.group(1).split(".")) if m else ()


@dataclass
class Server:
    """A running engine instance and how to reach and stop it.

    ``liveness`` answers ``None`` while the server is up, or a sentence saying how it went away;
    ``stopper`` releases everything the provider created for it (process, container, data dir).
    """

    engine: str
    provider: str
    host: str
    port: int
    user: str
    password: str
    admin_database: str | None = None
    version: str = ""
    description: str = ""
    liveness: Callable[[], str | None] = lambda: None
    stopper: Callable[[], None] = lambda: None
    log_path: str | None = None
    pid: int | None = None
    """Process id of a server we started ourselves (local provider), for tests that kill it."""
    encrypt: bool = True
    """Whether connections negotiate TLS where the server offers it.  False for a throwaway server this run
    started on the loopback interface: nothing leaves the machine, and MySQL's TLS cost its gate about a
    tenth of its statements/s and 3 ms of every connection."""
    _stopped: bool = field(default=False, repr=False)

    def url(self, database: str | None = None) -> str:
        """This server as the ``url`` provider reads it (``mysql://...``, ``postgres://...``), on ``database``
        (default: the admin database, if the engine has one)."""
        from dbintegrity.engines import parse_key  # the registry imports this module

        scheme = parse_key(self.engine)[0].url_schemes[0]
        auth = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        name = database if database is not None else self.admin_database or ""
        return f"{scheme}://{auth}@{self.host}:{self.port}/{quote(name, safe='')}"

    def check_alive(self) -> None:
        """Raise :class:`EngineDied` naming the engine and provider if the server is gone."""
        reason = self.liveness()
        if reason is not None:
            hint = f"; server log: {self.log_path}" if self.log_path else ""
            raise EngineDied(
                f"{self.engine} engine from the {self.provider} provider ({self.description}) "
                f"went away during the run: {reason}{hint}"
            )

    def stop(self) -> None:
        """Stop once; later calls do nothing (teardown may be reached from several paths)."""
        if not self._stopped:
            self._stopped = True
            self.stopper()

    @property
    def label(self) -> str:
        return f"{self.engine} {self.version} ({self.provider}: {self.description})"


class Engine(abc.ABC):
    """The dialect-specific operations, one subclass per engine; one instance per engine key.

    ``name`` is the key the run knows the engine by (``mysql``, ``mariadb@10.11``): test ids, summaries and
    :class:`Server` carry it.  ``line`` is the chosen version line, None for the engine's default.
    """

    bulk_load: ClassVar[str] = ""
    """How the seeder loads rows in bulk: ``copy`` (PostgreSQL COPY FROM STDIN) or ``load_data_local``
    (MySQL LOAD DATA LOCAL INFILE); empty when the engine has no bulk path."""
    sqlalchemy_driver: ClassVar[str] = ""
    """SQLAlchemy ``dialect+driver`` for Great Expectations, using the driver the suite already has."""
    sqlalchemy_query: ClassVar[str] = ""
    """Query string the SQLAlchemy URL needs (MySQL: the connection's character set)."""
    gx_data_source: ClassVar[str] = "sql"
    """Great Expectations' data source for the engine: ``postgres`` has its own, the rest use ``sql``."""
    base_capabilities: ClassVar[Capabilities]
    """The capabilities of the engine's current versions."""
    capability_versions: ClassVar[tuple[Since, ...]] = ()
    """Capabilities that older versions lack, with the version that brought each."""

    def __init__(self, spec: EngineSpec, line: Line | None = None) -> None:
        self.spec = spec
        self.line = line
        self.name = spec.name if line is None else f"{spec.name}@{line.version}"
        self.capabilities = self.capabilities_at(line.version if line else "")
        self.server_version_text = ""

    @property
    def dialect(self) -> str:
        """The sqlglot dialect of the engine's SQL."""
        return self.spec.sqlglot_dialect

    @property
    def dialect_dir(self) -> str:
        """The pack folder the engine's own DDL goes in (a pack may serve it from a later one of
        ``spec.dialect_dirs``, overlaid: see :meth:`dbintegrity.pack.discovery.Pack.files`)."""
        return self.spec.dialect_dirs[0]

    @property
    def default_port(self) -> int:
        return self.spec.default_port

    def capabilities_at(self, version: str) -> Capabilities:
        """The capabilities of a server of ``version`` (empty: the current versions')."""
        caps = self.base_capabilities
        have = version_tuple(version)
        for rule in self.capability_versions:
            if have and have < version_tuple(rule.version):
                caps = dataclasses.replace(caps, **{rule.flag: rule.before})
        return caps

    def at_version(self, version: str) -> Engine:
        """This engine bound to a running server's version: its capabilities are that version's."""
        bound = copy.copy(self)
        bound.capabilities = self.capabilities_at(version)
        bound.server_version_text = version
        return bound

    def access(self) -> AccessDialect:
        """The engine's part of role-based access (``engines/<name>/access.py``)."""
        raise NotImplementedError(f"{self.name} has no access part: roles cannot be tested on it")

    def mutations(self, catalog: Any) -> Any:
        """The engine's mutation operators' SQL (``engines/<name>/mutations.py``) over ``catalog``."""
        raise NotImplementedError(f"{self.name} has no mutations part: mutation testing is not available for it")

    def provision(self, cfg: Any, *, force: bool = False, log: Callable[[str], None] = print) -> list[str]:
        """Fetch the local provider's binaries for the engine's lines (all, or the chosen one) into
        ``.engines/``; returns one line per version ready.  Engines whose binaries come from elsewhere
        (system packages, a wheel) say where."""
        return []

    @abc.abstractmethod
    def connect(self, server: Server, database: str | None, *, autocommit: bool = True,
                timeout: float = 10.0) -> Any:
        """Open a DB-API connection."""

    @abc.abstractmethod
    def server_version(self, conn: Any) -> str:
        """The version the server reports, for summaries and capability checks."""

    @abc.abstractmethod
    def create_database(self, server: Server, name: str, template: str | None = None) -> None:
        """Create an empty database, or a copy of ``template`` where the engine clones natively."""

    def set_home_namespace(self, server: Server, database: str, namespace: str) -> None:
        """Make ``namespace`` the one every later session on ``database`` resolves bare table names in, for a
        pack that keeps its tables in a namespace of its own (``session.yml`` ``namespace:``).  Only engines
        with :attr:`Capabilities.schemas_in_database` are asked: elsewhere the run's database is the namespace."""
        raise NotImplementedError(f"{self.name} has no namespaces inside a database")

    @abc.abstractmethod
    def drop_database(self, server: Server, name: str) -> None:
        """Drop a database if it exists, closing other sessions on it first."""

    @abc.abstractmethod
    def list_databases(self, server: Server, prefix: str) -> list[str]:
        """Databases whose names start with ``prefix`` (used to prove clean-up)."""

    def list_roles(self, server: Server) -> set[str]:
        """Roles and accounts on the server (server-wide objects a pack may create, e.g. ``CREATE ROLE``);
        an engine without them answers an empty set."""
        return set()

    def drop_role(self, server: Server, name: str) -> None:
        """Drop a role or account :meth:`list_roles` named."""
        raise NotImplementedError(f"{self.name} cannot drop roles")

    @abc.abstractmethod
    def error_message(self, exc: BaseException) -> str:
        """The server's own message and code of a driver exception, on one line."""

    @abc.abstractmethod
    def introspect(self, conn: Any, database: str, schemas: Sequence[str] = ()) -> Any:
        """Read the live schema into the engine-neutral model (``dbintegrity.pack.model.Schema``): every namespace
        the files created, or only ``schemas`` (``--schema``) where the engine has several per database."""

    @property
    @abc.abstractmethod
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        """Exceptions the driver raises for server-side errors."""

    @abc.abstractmethod
    def error_code(self, exc: BaseException) -> str:
        """The server's error code (MySQL number or PostgreSQL SQLSTATE) as text."""

    error_kinds: ClassVar[dict[str, str]] = {}
    """Error code -> violation kind: fk, check, not_null, unique, invalid_value, generated, out_of_range,
    permission (the role lacks the privilege, or a row-level policy refused the row)."""

    def classify(self, exc: BaseException) -> str:
        """The kind of rule a rejected statement broke, so probes can compare verdicts across engines."""
        return self.error_kinds.get(self.error_code(exc), "other")

    @abc.abstractmethod
    def quote(self, identifier: str) -> str:
        """Quote an identifier for this dialect."""

    def quote_table(self, name: str) -> str:
        """Quote a table or view name of the model: ``schema.table`` (a table outside PostgreSQL's ``public``)
        is quoted part by part, so ``ChironaSchema.Patient`` becomes ``"ChironaSchema"."Patient"``."""
        schema, table = namespaces.split(name)
        return self.quote(table) if schema is None else f"{self.quote(schema)}.{self.quote(table)}"

    def namespaces(self, conn: Any, database: str) -> dict[str, int]:
        """Tables per namespace the loaded files created in ``database`` (PostgreSQL: per schema; engines
        whose databases are the namespaces: the database alone).  Says what a run found when it found nothing."""
        return {}

    # -- where servers come from: each engine knows how to start itself -----------------------------
    default_user: str
    """The superuser a bare URL or a fresh container means."""
    admin_database: str | None
    """The database to connect to for CREATE/DROP DATABASE (PostgreSQL needs one; MySQL none)."""

    def image(self, cfg: Any) -> str:
        """The docker provider's image: ``--<name>-image`` if set, else the line's own, else the default."""
        chosen: str | None = cfg.images.get(self.spec.name)
        if chosen:
            return chosen
        return self.line.image if self.line is not None else self.spec.default_image

    @abc.abstractmethod
    def local_describe(self, cfg: Any) -> str:
        """What the local provider would start (version and binaries), or raise EngineUnavailable saying why not."""

    @abc.abstractmethod
    def local_start(self, cfg: Any, cache: Any) -> Server:
        """Start a disposable server from local binaries."""

    @abc.abstractmethod
    def container(self, image: str, password: str) -> tuple[Any, int]:
        """A Testcontainers container for ``image`` (not started) and the port the engine listens on inside it."""

    @abc.abstractmethod
    def prepare_session(self, conn: Any) -> None:
        """Make sessions alike on every engine: UTC time zone, strict value checking."""

    def freeze_clock(self, utc_now: dt.datetime, wanted: dt.datetime) -> list[str]:
        """Statements after which the session's clock (``CURRENT_DATE``, ``CURRENT_TIMESTAMP``, ``NOW()``,
        ``LOCALTIMESTAMP``) reads ``wanted`` local time, or as near as the engine can, until
        :meth:`thaw_clock`; ``utc_now`` is what ``CURRENT_TIMESTAMP`` reads before.  The probe reads the clock
        back afterwards, so an engine that can only come near (PostgreSQL: to the minute) is still exact."""
        raise NotImplementedError(f"{self.name} cannot freeze a session's clock")

    def thaw_clock(self) -> list[str]:
        """Statements that give the session its real clock back."""
        return []

    def check_constraints_at_once(self, conn: Any) -> None:
        """Check DEFERRABLE INITIALLY DEFERRED constraints at each statement for the rest of the open
        transaction: they would otherwise wait for a COMMIT that a probe never reaches.  Engines without
        deferrable constraints (MySQL) have nothing to do."""
        return None

    def still_starting(self, exc: BaseException) -> bool:
        """True for connection errors that mean "not listening yet" (retry), not "refused you" (fail)."""
        text = str(exc).lower()
        return any(s in text for s in ("refused", "starting up", "can't connect", "lost connection",
                                        "no such file", "timeout", "timed out", "reset by peer"))

    def table_definition(self, conn: Any, table: str) -> str | None:
        """The table's DDL as the engine prints it (MySQL ``SHOW CREATE TABLE``), for a reproduction that
        needs nothing but the engine; None where the engine has no such statement."""
        return None

    def make_transactional(self, table: str) -> str:
        """The statement that moves a table the catalogue calls non-transactional
        (:attr:`dbintegrity.pack.model.Table.non_transactional`) to a storage engine with transactions, for the
        skip line that tells the user how to have its probes run; empty where every table is transactional."""
        return ""

    def script_databases(self, statements: Sequence[Statement]) -> list[str]:
        """Databases the script creates or switches to, which this engine maps onto the run's own database
        (MySQL's ``CREATE DATABASE oh; USE oh;``); none where a database holds namespaces of its own."""
        return []

    def execute_script(self, conn: Any, statements: Sequence[Statement]) -> None:
        """Run statements one by one; the caller turns a driver error into a PackError."""
        cur = conn.cursor()
        try:
            for stmt in statements:
                try:
                    if stmt.data is None:
                        cur.execute(stmt.text)
                    else:
                        self.copy_in(cur, stmt.text, stmt.data)
                except self.driver_errors as exc:
                    row = self.copy_error_row(exc) if stmt.data is not None else None
                    # A rejected row of COPY data is named by its own line, under its statement's head.
                    where = dataclasses.replace(stmt, line=stmt.line + stmt.text.count("\n") + row) if row else stmt
                    raise StatementFailed(where, self.error_message(exc)) from exc
        finally:
            cur.close()

    def load_hint(self, conn: Any, exc: BaseException | None) -> str:
        """Why a schema statement the server rejected may have failed here when it works elsewhere (a server
        setting the schema assumes), as a clause for the error line; empty when there is nothing to add."""
        return ""

    def copy_error_row(self, exc: BaseException) -> int | None:
        """The row (1 = the first after the COPY line) of COPY data that ``exc`` rejected, if it says."""
        return None

    def copy_in(self, cursor: Any, statement: str, data: str) -> None:
        """Run ``COPY ... FROM stdin`` with the rows a psql script carried after it (pg_dump's data)."""
        raise NotImplementedError(f"{self.name} has no COPY ... FROM stdin; load the rows with INSERT")

    @contextmanager
    def connection(self, server: Server, database: str | None, **kw: Any) -> Iterator[Any]:
        """A connection that is closed afterwards, with engine death reported clearly."""
        try:
            conn = self.connect(server, database, **kw)
        except self.driver_errors:
            server.check_alive()
            raise
        try:
            yield conn
        finally:
            with contextlib.suppress(Exception):  # a dead server cannot be closed politely
                conn.close()

    def wait_ready(self, server: Server, deadline_s: float = 60.0) -> str:
        """Poll until the server accepts a connection; return its version."""
        end = time.monotonic() + deadline_s
        last = ""
        while True:
            server.check_alive()
            try:
                with self.connection(server, server.admin_database, timeout=2) as conn:
                    return self.server_version(conn)
            except self.driver_errors as exc:
                last = self.error_message(exc)
                if not self.still_starting(exc):
                    raise
            if time.monotonic() > end:
                raise TimeoutError(f"{self.name} did not accept connections within {deadline_s:.0f} s: {last}")
            time.sleep(0.05)


class StatementFailed(Exception):
    """A statement of a script was rejected; carries the statement and the server's message."""

    def __init__(self, statement: Statement, message: str) -> None:
        super().__init__(message)
        self.statement = statement
        self.message = message
