"""Role-based access and the audit trail, engine-neutral: what a pack grants, and sessions that act as a role.

A pack may state who may do what in ``sql/<pack>/privileges.yml`` (roles, their grants per table and
column, which rows they see, soft deletes, the audited tables).  The tests prove that statement by
behaviour: a session that *is* the role tries each operation and the engine must allow it, or refuse it
with its permission error (kind ``permission``).  Acting as a role differs per engine (PostgreSQL: the
suite's own connection does ``SET ROLE``; MySQL: a login created for the run and granted the role), and so
does reading JSON back or naming the application's user for a connection; those parts live in
``engines/<engine>/access.py`` behind :class:`AccessDialect`, found through the engine's own package, so
nothing here asks which engine it is talking to.

Roles are server-wide: the pack creates them idempotently and they stay on a shared (``url``) server,
harmless and without grants once the run's databases are gone.  Logins made to act as a role are the run's
own (named after the run's database prefix) and :meth:`Actors.close` drops every one of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbintegrity.engines.base import Engine
from dbintegrity.engines.parts import AccessDialect, Login
from dbintegrity.errors import PackError
from dbintegrity.pack.model import Column, Schema, Table, grants
from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.probes import synthesis as synth
from dbintegrity.probes.session import Outcome, ProbeFailure, ProbeSession, normalise

if TYPE_CHECKING:
    from dbintegrity.servers.runtime import Runtime

PRIVILEGES_FILE = "privileges.yml"
OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE")
ROW_SCOPES = ("all", "assigned", "own")
"""``all`` rows; the patients ``assigned`` to the application's user; the user's ``own`` records."""


# -----------------------------------------------------------------------------------------------------
# The pack's statement: privileges.yml
# -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Role:
    """One database role of a pack and what it may do."""

    name: str
    app_role: str
    """The application's name for it (``users.role`` in healthcare_mgmt)."""
    rows: str
    """One of :data:`ROW_SCOPES`."""
    seed: str
    grants: Mapping[str, tuple[str, ...]]
    """Table -> grants in :func:`dbintegrity.pack.model.grants` form."""

    def table_ops(self, table: str) -> set[str]:
        """Operations granted on the whole table."""
        return {g for g in self.grants.get(table, ()) if "(" not in g}

    def column_ops(self, table: str) -> dict[str, set[str]]:
        """Operation -> columns, for operations granted on some columns only."""
        out: dict[str, set[str]] = {}
        for g in self.grants.get(table, ()):
            if "(" in g:
                op, _, cols = g.partition("(")
                out.setdefault(op, set()).update(c.strip() for c in cols.rstrip(")").split(","))
        return out

    def may(self, table: str, op: str, column: str | None = None) -> bool:
        """Whether the role may do ``op`` on the table (or, given a column, on that column)."""
        if op in self.table_ops(table):
            return True
        return column is not None and column in self.column_ops(table).get(op, set())

    @property
    def row_limited(self) -> bool:
        return self.rows != "all"


@dataclass(frozen=True)
class AccessSpec:
    """A pack's ``privileges.yml``."""

    path: Path
    app_user_setting: str
    roles: dict[str, Role]
    hard_delete_roles: tuple[str, ...] = ()
    soft_delete: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Table -> (column, value) that retires a record instead of deleting it."""
    audit_table: str | None = None
    audited: tuple[str, ...] = ()

    def matrix(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Role -> table -> grants: the shape of a contract's ``privileges`` section."""
        return {r.name: {t: ops for t, ops in r.grants.items() if ops} for r in self.roles.values()}


def privileges_path(pack_path: Path) -> Path:
    return pack_path / PRIVILEGES_FILE


def load(path: Path) -> AccessSpec:
    """Read and check a privileges file; every problem is one PackError line naming the file."""
    data = read_yaml(path, PackError)
    try:
        return _parse(path, data)
    except (ValueError, TypeError, KeyError) as exc:
        text = str(exc).strip("'\"")
        raise PackError(text if text.startswith(str(path)) else f"{path}: {text}") from None


def _parse(path: Path, data: Any) -> AccessSpec:
    if not isinstance(data, dict) or not isinstance(data.get("roles"), dict) or not data["roles"]:
        raise ValueError(f"{path}: expected a mapping with a non-empty 'roles' mapping")
    roles: dict[str, Role] = {}
    for name, body in data["roles"].items():
        where = f"{path}: roles.{name}"
        if not isinstance(body, dict) or not isinstance(body.get("grants"), dict):
            raise ValueError(f"{where}: expected a mapping with a 'grants' mapping")
        rows = str(body.get("rows", "all"))
        if rows not in ROW_SCOPES:
            raise ValueError(f"{where}.rows: {rows!r} is not one of {', '.join(ROW_SCOPES)}")
        table_grants = {str(t): grants(ops, f"{where}.grants.{t}") for t, ops in body["grants"].items()}
        for t, ops in table_grants.items():
            bad = [g for g in ops if g.partition("(")[0] not in OPERATIONS]
            if bad:
                raise ValueError(f"{where}.grants.{t}: {', '.join(bad)}: only {', '.join(OPERATIONS)} are granted")
        roles[str(name)] = Role(str(name), str(body.get("app_role", name)), rows, str(body.get("seed", "")),
                                table_grants)
    soft = data.get("soft_delete") or {}
    soft_tables = {str(t): (str(v["column"]), str(v["value"])) for t, v in (soft.get("tables") or {}).items()}
    hard = tuple(str(r) for r in soft.get("hard_delete_roles") or ())
    unknown = [r for r in hard if r not in roles]
    if unknown:
        raise ValueError(f"{path}: soft_delete.hard_delete_roles: {', '.join(unknown)} not under roles")
    audit = data.get("audit") or {}
    return AccessSpec(path=path, app_user_setting=str(data.get("app_user_setting", "")), roles=roles,
                      hard_delete_roles=hard, soft_delete=soft_tables,
                      audit_table=str(audit["table"]) if audit.get("table") else None,
                      audited=tuple(str(t) for t in audit.get("tables") or ()))


# -----------------------------------------------------------------------------------------------------
# Per-engine parts
# -----------------------------------------------------------------------------------------------------
def dialect(engine: Engine) -> AccessDialect:
    """The engine's access part, as the engine declares it."""
    try:
        return engine.access()
    except NotImplementedError as exc:
        raise PackError(str(exc)) from None


# -----------------------------------------------------------------------------------------------------
# Acting as a role
# -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    outcome: Outcome
    rowcount: int = 0
    rows: tuple[tuple[Any, ...], ...] = ()


class Actor:
    """One connection that acts as one role on one database.

    Each use starts with :meth:`begin` (a fresh transaction naming the application's user) and ends with
    :meth:`rollback` or :meth:`commit`.  Statements run one by one, each behind a savepoint where an
    error would abort the transaction, and are logged with their values so a failure shows the SQL.
    """

    def __init__(self, engine: Engine, conn: Any, schema: Schema, login: Login, app_user_statement: str) -> None:
        self.engine = engine
        self.conn = conn
        self.login = login
        self.role = login.role
        self.probe = ProbeSession(engine, conn, schema)
        self._app_user_statement = app_user_statement
        self._savepoints = engine.capabilities.error_aborts_transaction  # as in ProbeSession

    def begin(self, app_user: str | None) -> None:
        """Start over: roll back whatever came before, then name the application's user."""
        self.conn.rollback()
        how = f"SET ROLE {self.login.set_role}" if self.login.set_role else f"logged in as {self.login.user}"
        self.probe.log = [f"-- as role {self.role} ({how})"]
        named = self.run(self._app_user_statement, (app_user,)).outcome
        if not named.ok:
            raise self.fail("naming the application's user for the connection", want="accepted", have=str(named))

    def run(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """Execute one statement; a rejection is a Result with the engine-neutral kind, never an exception."""
        self.probe.log.append(self.probe.render(sql, params) + ";")
        if self._savepoints:
            self._raw("SAVEPOINT dbi_actor")
        cur = self.conn.cursor()
        try:
            cur.execute(sql, tuple(params))
            rows = tuple(tuple(r) for r in cur.fetchall()) if cur.description else ()
            count = cur.rowcount
        except self.engine.driver_errors as exc:
            if self._savepoints:
                self._raw("ROLLBACK TO SAVEPOINT dbi_actor")
            return Result(Outcome(False, self.engine.classify(exc), self.engine.error_message(exc)))
        finally:
            cur.close()
        if self._savepoints:
            self._raw("RELEASE SAVEPOINT dbi_actor")
        return Result(Outcome(True), count, rows)

    def insert(self, table: str, row: Mapping[str, Any]) -> Result:
        sql, params = insert_sql(self.engine, table, row)
        return self.run(sql, params)

    def fail(self, what: str, *, want: str, have: str, rows: str = "") -> ProbeFailure:
        return self.probe.fail(what, want=want, have=have, rows=rows)

    def rollback(self) -> None:
        self.conn.rollback()

    def commit(self) -> None:
        self.probe.log.append("COMMIT;")
        self.conn.commit()

    def close(self) -> None:
        try:
            self.conn.rollback()
        finally:
            self.conn.close()

    def _raw(self, sql: str) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
        finally:
            cur.close()


class Actors:
    """The run's role sessions: one login per (engine, role), one connection per (engine, database, role).

    :meth:`close` closes every connection and drops every login it created, on whichever server; it is
    meant for the teardown of a session-scoped fixture, before the runtime stops its servers.
    """

    _instances = 0
    """Login names carry the instance's number: two of them in one run never share an account."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._logins: dict[tuple[str, str], Login] = {}
        self._actors: dict[tuple[str, str, str], Actor] = {}
        Actors._instances += 1
        self._tag = f"{Actors._instances}"

    def actor(self, engine_name: str, database: str, role: str, schema: Schema) -> Actor:
        key = (engine_name, database, role)
        if key not in self._actors:
            engine = self.runtime.engine(engine_name)
            server = self.runtime.server(engine_name)
            part = dialect(engine)
            login = self._logins.get((engine_name, role))
            if login is None:
                name = f"{self.runtime.prefix}{self._tag}_{role}"
                if len(name) > 32:  # MySQL's limit for account names; PostgreSQL's is 63
                    name = f"{self.runtime.prefix}{self._tag}_{len(self._logins)}"
                login = part.create_login(engine, server, role, name)
                self._logins[(engine_name, role)] = login
            conn = part.connect(engine, server, database, login)
            self._actors[key] = Actor(engine, conn, schema, login, part.app_user_statement)
        return self._actors[key]

    def close(self) -> None:
        for actor in self._actors.values():
            with contextlib.suppress(Exception):  # a dead engine is reported by the tests, not by teardown
                actor.close()
        self._actors.clear()
        for (engine_name, _role), login in list(self._logins.items()):
            server = self.runtime.started_servers().get(engine_name)
            if server is not None and server.liveness() is None:
                engine = self.runtime.engine(engine_name)
                dialect(engine).drop_login(engine, server, login)
        self._logins.clear()


# -----------------------------------------------------------------------------------------------------
# Rows to act on
# -----------------------------------------------------------------------------------------------------
class RowMaker:
    """Deterministic, complete rows for a contract's tables: every writable column gets a value.

    Values come from :mod:`dbintegrity.probes.synthesis` (types, ENUM labels, UNIQUE keys, CHECKs evaluated in
    Python); foreign-key columns are the caller's business: NOT NULL ones must be given, nullable ones are
    NULL unless given.  Unlike the probes' strategies this needs no Hypothesis: access tests act on a fixed
    world of people and patients, not on random examples.
    """

    def __init__(self, schema: Schema, seed: int = 0) -> None:
        self.schema = schema
        self.rng = random.Random(seed)
        self._taken: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = {}

    def remember(self, table: str, row: Mapping[str, Any]) -> None:
        """Note a row that now exists, so later rows never repeat its UNIQUE keys (composite ones included)."""
        for key in self._keys(table):
            if all(row.get(c) is not None for c in key):
                self._taken.setdefault((table, key), set()).add(tuple(row[c] for c in key))

    def row(self, table: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        spec = self.schema.tables[table]
        given = dict(overrides or {})
        unknown = set(given) - set(spec.columns)
        if unknown:
            raise ValueError(f"{table} has no column {', '.join(sorted(unknown))}")
        fk_cols = {c for fk in spec.foreign_keys for c in fk.columns}
        missing = [c for c in sorted(fk_cols) if c not in given and not spec.columns[c].nullable]
        if missing:
            raise synth.Unsynthesizable(f"{table}.{missing[0]} is a NOT NULL foreign key: give its value")
        fixed = {**{c: None for c in fk_cols}, **given}
        lowered = {c.lower() for c in given}  # CHECKs over given values are the caller's business
        auto = {c.name for c in spec.columns.values() if c.generated is not None or c.default in ("autoincrement",
                                                                                                  "identity always")}
        for _ in range(50):
            # synth's builder meets CHECKs column by column (ranges, `systolic_bp > diastolic_bp`, the
            # dosage grammar); drawing whole rows and keeping those that pass would almost never succeed.
            builder = synth.PlanBuilder(self.schema, _no_draw, rng=self.rng)
            builder.keep_broken = frozenset(c.text for c in synth.checks_of(spec) if set(c.columns) & lowered)
            try:
                row = builder.row(table, fixed, omit=frozenset(auto - set(given)))
            except synth.Retry:
                continue
            self._today(spec, row, given)
            if self._passes(spec, row, set(given)) and not self._repeats(table, row):
                return row
        raise synth.Unsynthesizable(f"{table}: no row passing its CHECKs and new to its UNIQUE keys in 50 tries")

    def _today(self, spec: Table, row: dict[str, Any], given: Mapping[str, Any]) -> None:
        """Dates and timestamps no CHECK reads move ahead of the clock, as an application writes them.

        Rows here are written by application roles, which a pack may forbid to backdate (an appointment
        in the past); rules that relate dates to each other are CHECKs and keep their drawn values.
        """
        checked = synth.checked_columns(spec)
        for col in spec.columns.values():
            if (col.family in ("date", "timestamp", "datetime") and col.name not in given
                    and col.name.lower() not in checked and row.get(col.name) is not None):
                row[col.name] = self._ahead(col)

    def _ahead(self, col: Column) -> Any:
        """A date or timestamp between tomorrow and a year from now (before MySQL's TIMESTAMP ends in 2038)."""
        moment = dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=1, seconds=self.rng.randint(0, 365 * 86400))
        return moment.date() if col.family == "date" else moment

    def other_value(self, table: str, column: str, row: Mapping[str, Any]) -> Any:
        """A value for ``column`` that differs from ``row``'s and keeps the row's CHECKs passing."""
        spec = self.schema.tables[table]
        col = spec.columns[column]
        today = col.family in ("date", "timestamp", "datetime") and column.lower() not in synth.checked_columns(spec)
        for _ in range(50):
            value = (synth.unique_value(col) if any(column in key for key in spec.uniques)
                     else self._ahead(col) if today
                     else synth.random_value(col, self.rng, synth.boundaries_for(spec, column)))
            changed = dict(row, **{column: value})
            if value is not None and value != row.get(column) and self._passes(spec, changed, set()):
                return value
        raise synth.Unsynthesizable(f"{table}.{column}: no other value found for it")

    def _keys(self, table: str) -> list[tuple[str, ...]]:
        spec = self.schema.tables[table]
        return [k for k in [*spec.uniques, spec.primary_key] if k]

    def _repeats(self, table: str, row: Mapping[str, Any]) -> bool:
        return any(tuple(row.get(c) for c in key) in self._taken.get((table, key), set()) for key in self._keys(table))

    @staticmethod
    def _passes(spec: Table, row: Mapping[str, Any], forced: set[str]) -> bool:
        stored = synth.as_stored(spec, row)
        return all(check.check_passes(stored) for check in synth.checks_of(spec) if not set(check.columns) & forced)


def _no_draw(strategy: Any) -> Any:
    """RowMaker's rows are supporting rows: :class:`synth.PlanBuilder` draws them from its Random, never here."""
    raise AssertionError(f"RowMaker asked Hypothesis for {strategy!r}")


def insert_sql(engine: Engine, table: str, row: Mapping[str, Any]) -> tuple[str, list[Any]]:
    q = engine.quote
    cols = list(row)
    sql = (f"INSERT INTO {engine.quote_table(table)} ({', '.join(q(c) for c in cols)}) "
           f"VALUES ({', '.join(['%s'] * len(cols))})")
    return sql, [json.dumps(row[c]) if isinstance(row[c], dict | list) else row[c] for c in cols]


def plain_columns(spec: Table) -> list[str]:
    """Columns an UPDATE can change without touching a key, a foreign key, a computed or a moving value."""
    fk_cols = {c for fk in spec.foreign_keys for c in fk.columns}
    return [c.name for c in spec.columns.values()
            if c.name not in spec.primary_key and c.name not in fk_cols and c.generated is None
            and c.on_update is None and not any(c.name in key for key in spec.uniques)
            and c.default not in ("autoincrement", "identity always") and c.family != "json"]


# -----------------------------------------------------------------------------------------------------
# Reading rows and the audit trail back
# -----------------------------------------------------------------------------------------------------
def stored_row(engine: Engine, conn: Any, spec: Table, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The row as the engine holds it, normalised like the probes' (UTC-naive datetimes, bools, TIME)."""
    q = engine.quote
    where = " AND ".join(f"{q(c)} = %s" for c in key)
    cur = conn.cursor()
    try:
        cur.execute(f"SELECT * FROM {engine.quote_table(spec.name)} WHERE {where}", tuple(key.values()))
        row = cur.fetchone()
        names = [d[0] for d in cur.description]
    finally:
        cur.close()
    if row is None:
        return None
    return {n: normalise(v, spec.columns[n].family if n in spec.columns else "")
            for n, v in zip(names, row, strict=True)}


@dataclass(frozen=True)
class AuditRecord:
    id: int
    table_name: str
    operation: str
    row_id: str
    db_user: str
    app_user_id: str | None
    changed_at: dt.datetime
    old_values: dict[str, Any] | None
    new_values: dict[str, Any] | None


AUDIT_COLUMNS = ("id", "table_name", "operation", "row_id", "db_user", "app_user_id", "changed_at",
                 "old_values", "new_values")


def audit_records(engine: Engine, conn: Any, audit_table: str, spec: Table, row_id: str) -> list[AuditRecord]:
    """The audit records of one row, oldest first, with old and new values decoded per column type."""
    q = engine.quote
    text = dialect(engine).json_text
    cols = [q(c) for c in AUDIT_COLUMNS[:-2]] + [text(q("old_values")), text(q("new_values"))]
    cur = conn.cursor()
    try:
        cur.execute(f"SELECT {', '.join(cols)} FROM {q(audit_table)} WHERE {q('table_name')} = %s "
                    f"AND {q('row_id')} = %s ORDER BY {q('id')}", (spec.name, row_id))
        rows = cur.fetchall()
    finally:
        cur.close()
    return [AuditRecord(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], normalise(r[6], "timestamp"),
                        decode_values(spec, r[7]), decode_values(spec, r[8])) for r in rows]


def decode_values(spec: Table, text: str | bytes | None) -> dict[str, Any] | None:
    """A JSON row image back as the values :func:`stored_row` reads, column by column.

    The engines write dates, times and timestamps as strings (PostgreSQL with an offset, MySQL without,
    in the writing session's time zone, which the suite sets to UTC), MySQL writes BOOLEAN as 0/1, and
    numbers are read as Decimal so that DECIMAL columns compare exactly.
    """
    if text is None:
        return None
    raw = json.loads(text, parse_float=Decimal)
    if not isinstance(raw, dict):
        raise ValueError(f"audit image of {spec.name} is not a JSON object: {text!r}")
    return {name: _decode(spec.columns[name].family if name in spec.columns else "", value)
            for name, value in raw.items()}


_INTEGERS = {"integer", "bigint", "smallint", "mediumint", "tinyint", "year"}


def _decode(family: str, value: Any) -> Any:
    if value is None:
        return None
    if family == "date":
        return dt.date.fromisoformat(str(value))
    if family == "time":
        return dt.time.fromisoformat(str(value))
    if family in ("timestamp", "datetime"):
        return normalise(dt.datetime.fromisoformat(str(value)), "timestamp")
    if family == "boolean":
        return bool(value)
    if family == "decimal":
        return Decimal(value)
    if family in _INTEGERS or family.endswith(" unsigned"):
        return int(value)
    return value
