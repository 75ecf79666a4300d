"""A probe's conversation with one database: insert, update, delete and look, always rolled back.

Every probe runs in one transaction that is rolled back at the end, and every Hypothesis example in a
savepoint that is rolled back before the next one, so examples never see each other's rows.  Each
statement's outcome is an :class:`Outcome` with the engine-neutral kind of error it raised (``fk``,
``check``, ``not_null``...), and every statement is kept, with its values inlined, so a failure can print
the exact SQL to run by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dbintegrity.engines.base import Engine
from dbintegrity.pack.model import Schema, Table
from dbintegrity.probes.synthesis import Insert, Plan
from dbintegrity.probes.view_meaning import Clock
from dbintegrity.servers import interrupts


@dataclass(frozen=True)
class Outcome:
    ok: bool
    kind: str | None = None
    message: str = ""

    @property
    def verdict(self) -> str:
        """``accepted`` or ``rejected (kind)``: what the cross-engine differential compares."""
        return "accepted" if self.ok else f"rejected ({self.kind})"

    def __str__(self) -> str:
        return "accepted" if self.ok else f"rejected: {self.message}"


class ProbeFailure(AssertionError):
    """A probe's have/want failure, with the rows involved and the SQL to reproduce it."""


class ProbeSession:
    """One connection, one transaction; see the module docstring."""

    def __init__(self, engine: Engine, conn: Any, schema: Schema,
                 non_transactional: Mapping[str, str] | None = None) -> None:
        self.engine = engine
        self._conn = conn
        self.schema = schema
        self.non_transactional: Mapping[str, str] = non_transactional or {}
        """Table -> storage engine, for the live tables whose rows survive ROLLBACK (read from the engine's
        catalogue, not the contract: the same pack may be stored otherwise on another engine)."""
        self.log: list[str] = []
        engine.prepare_session(conn)
        engine.check_constraints_at_once(conn)  # the transaction every example's savepoint lives in
        self._savepoints = engine.capabilities.error_aborts_transaction
        self._one_trip = engine.capabilities.parameters_bound_in_client
        """Whether a statement's savepoint is sent with it, in one round trip (see ``parameters_bound_in_client``)."""
        self._stmt_savepoint = False
        """Whether the savepoint of the last statement :meth:`run` sent is still open.  A statement that passed
        keeps its savepoint until the next one, which releases it and sets its own in the same round trip
        (``RELEASE ...; SAVEPOINT ...``): two round trips per statement instead of three."""
        self._pending: list[str] = []
        """Statements without results that go in front of the next round trip instead of one of their own (where
        the engine takes several statements in one, ``parameters_bound_in_client``): an example's savepoint and
        its rollback, a refused statement's ``ROLLBACK TO SAVEPOINT`` (PostgreSQL), a frozen clock's thaw.  They
        were a sixth of the gate's round trips."""
        self.statements = 0
        self._thaw: list[str] = []
        self._recording: list[tuple[str, tuple[Any, ...] | None]] | None = (
            [] if os.environ.get(STATEMENT_LOG_ENV) else None)

    # -- isolation -------------------------------------------------------------------------------
    @contextmanager
    def example(self) -> Iterator[None]:
        """One Hypothesis example: its own savepoint, rolled back afterwards, a fresh SQL log."""
        self.log = []
        try:
            with self._undone("dbi_example"):
                yield
        finally:
            for stmt in self._thaw:  # a clock the example froze (not every engine's SET is transactional)
                self._defer(stmt)
            self._thaw = []

    @property
    def conn(self) -> Any:
        """The session's connection, ready for a statement: a test's own SQL on it (``session.yml``'s modes,
        a look at the catalogue) must not meet a transaction that a refused probe statement left aborted."""
        if self._pending:
            self._raw("")
        return self._conn

    def close(self) -> None:
        self._stmt_savepoint = False
        self._pending = []  # the whole transaction is rolled back
        try:
            self._conn.rollback()
        finally:
            self._conn.close()
            if self._recording:
                _write_recording(self.engine.name, self._recording)

    # -- statements ------------------------------------------------------------------------------
    def run(self, sql: str, params: Sequence[Any] = ()) -> Outcome:
        """Execute one statement; a rejection is an Outcome, never an exception."""
        self.log.append(self.render(sql, params) + ";")
        return self._execute(sql, params)

    def _execute(self, sql: str, params: Sequence[Any], read: Callable[[Any], None] | None = None) -> Outcome:
        """Send ``sql`` (one statement, or a batch of them) in its statement savepoint; a refusal is rolled back.
        ``read`` is given the cursor when the server accepted it, positioned on the last statement's rows."""
        if self._savepoints:
            guard = self._released("SAVEPOINT dbi_stmt")
            if self._one_trip:
                sql = f"{guard}; {sql}"  # a refusal still leaves the savepoint set: it ran first
            else:
                self._raw(guard)
            self._stmt_savepoint = True
        try:
            with self._cursor() as cur:
                self._send(cur, sql, tuple(params))
                if read is not None:
                    read(cur)
        except self.engine.driver_errors as exc:
            interrupts.raise_if_requested()  # a cancelled query is Ctrl-C or SIGTERM, not the schema's answer
            if self._savepoints:  # the savepoint stays set: released by the next statement
                self._defer("ROLLBACK TO SAVEPOINT dbi_stmt")
            return Outcome(False, self.engine.classify(exc), self.engine.error_message(exc))
        return Outcome(True)

    def writes_to(self, table: str) -> None:
        """Skip the probe, before anything is written, when ``table`` keeps its rows through ROLLBACK.

        Every probe's isolation is its rolled-back transaction: a row left in a MyISAM table by one example
        collides with the next example's row (``ERROR 1062 Duplicate entry``), or answers a later probe's
        look.  No verdict drawn from such a table could be trusted, so its writes are not attempted.  Every
        write of a probe (the target row, its parents, its world's descendants) passes through here.
        """
        storage = self.non_transactional.get(table)
        if storage is not None:
            pytest.skip(not_rolled_back(self.engine, table, storage))

    def _released(self, statement: str) -> str:
        """``statement``, preceded by the release of the last statement's savepoint if it is still open (one
        round trip: a batch of statements without parameters, which every driver here sends as one)."""
        if not self._stmt_savepoint:
            return statement
        self._stmt_savepoint = False
        return f"RELEASE SAVEPOINT dbi_stmt; {statement}"

    def insert(self, table: str, row: Mapping[str, Any]) -> Outcome:
        self.writes_to(table)
        return self.run(*self._insert_sql(table, row))

    def _insert_sql(self, table: str, row: Mapping[str, Any]) -> tuple[str, list[Any]]:
        q = self.engine.quote
        cols = list(row)
        if not cols:
            return (f"INSERT INTO {self.engine.quote_table(table)} DEFAULT VALUES" if self._savepoints
                    else f"INSERT INTO {self.engine.quote_table(table)} () VALUES ()"), []
        sql = (f"INSERT INTO {self.engine.quote_table(table)} ({', '.join(q(c) for c in cols)}) "
               f"VALUES ({', '.join(['%s'] * len(cols))})")
        return sql, [_param(row[c]) for c in cols]

    def put_together(self, rows: Sequence[Insert]) -> Outcome:
        """Insert the rows of a NOT NULL foreign-key cycle in one statement (``WITH a AS (INSERT ...) INSERT
        ...``), whose keys the engine checks when the statement ends; skip the probe, saying so, on an engine
        that checks each row as it is written (capability ``writable_cte_inserts``)."""
        if len(rows) == 1 and rows[0].together is None:
            return self.put(rows[0])
        return self.run(*self._statement_of(rows))

    def _statement_of(self, rows: Sequence[Insert]) -> tuple[str, list[Any]]:
        """The statement that writes ``rows`` (one row, or a cycle's rows together: see :meth:`put_together`)."""
        if len(rows) == 1 and rows[0].together is None:
            self.writes_to(rows[0].table)
            return self._insert_sql(rows[0].table, rows[0].row)
        if not self.engine.capabilities.writable_cte_inserts:
            cycle = next((ins.together.cycle for ins in rows if ins.together is not None), "")
            pytest.skip(f"cannot probe: {cycle}: its rows can only be written together, in one statement, and "
                        f"{self.engine.name} checks each row's keys as it is written (the probes do not turn "
                        "foreign-key checks off)")
        for ins in rows:
            self.writes_to(ins.table)
        parts = [self._insert_sql(ins.table, ins.row) for ins in rows]
        ctes = ", ".join(f"dbi_row{i} AS ({sql})" for i, (sql, _params) in enumerate(parts[:-1]))
        return f"WITH {ctes} {parts[-1][0]}", [p for _sql, params in parts for p in params]

    def put(self, ins: Insert) -> Outcome:
        """Insert one row of a plan; a row the plan needs only to exist (``exists_key``) is looked up first
        and kept if it is there (a DEFAULT's parent that the schema's own data already holds)."""
        if ins.exists_key is not None and self.fetch(ins.table, ins.exists_key) is not None:
            return Outcome(True)
        return self.insert(ins.table, ins.row)

    def apply(self, plan: Plan) -> tuple[int, Outcome]:
        """Insert a plan's rows in order, a cycle's rows together; stop at the first rejection (index of the
        first row of the rejected statement, and outcome)."""
        at, out, _rows = self._put_all(plan.inserts)
        return at, out

    def build_parents(self, plan: Plan) -> Outcome:
        """Insert every row of ``plan`` but its target; a rejection raises the probe's failure: the rows
        were built to be valid, so a refusal here is the schema (or the builder) breaking a promise."""
        _at, out, rows = self._put_all(plan.inserts[:-1])
        if not out.ok:
            raise self.fail(f"building the parents of {plan.target.table}", want="accepted", have=str(out),
                            rows="; ".join(str(ins.row) for ins in rows))
        return out

    def _put_all(self, inserts: Sequence[Insert]) -> tuple[int, Outcome, Sequence[Insert]]:
        """Insert rows in order, a cycle's rows together, up to the first refusal: the index of the refused
        statement's first row, its outcome and its rows.

        Rows built to be valid are expected to pass, so where the driver can send several statements at once
        (capability ``parameters_bound_in_client``) they go to the server in one round trip.  A refusal rolls
        the batch back and the rows are written again one statement at a time: the refused row, its outcome
        and the SQL log are then exactly those of a row-by-row run.  A row that only needs to exist
        (``exists_key``) is looked for first, so a plan holding one is written row by row.
        """
        groups = list(statements_of(inserts))
        batched = self._one_trip and len(groups) > 1 and all(ins.exists_key is None for ins in inserts)
        if batched and self._batch([self._statement_of(rows) for rows in groups]).ok:
            return len(inserts), Outcome(True), ()
        at = 0
        for rows in groups:
            out = self.put_together(rows)
            if not out.ok:
                return at, out, rows
            at += len(rows)
        return at, Outcome(True), ()

    def _batch(self, statements: Sequence[tuple[str, list[Any]]]) -> Outcome:
        """Send ``statements`` in one round trip; on a refusal, none of them is left written or logged."""
        mark = len(self.log)
        self.log += [self.render(sql, params) + ";" for sql, params in statements]
        batch = "; ".join(sql for sql, _params in statements)
        if not self._savepoints:  # the statements before a refused one stay written: a savepoint takes them back
            batch = f"SAVEPOINT dbi_batch; {batch}"
        out = self._execute(batch, [p for _sql, params in statements for p in params])
        if not out.ok:
            if not self._savepoints:
                self._raw("ROLLBACK TO SAVEPOINT dbi_batch")
            del self.log[mark:]
        return out

    def update(self, table: str, values: Mapping[str, Any], key: Mapping[str, Any]) -> Outcome:
        self.writes_to(table)
        q = self.engine.quote
        sets = ", ".join(f"{q(c)} = %s" for c in values)
        where, params = self._where(key)
        return self.run(f"UPDATE {self.engine.quote_table(table)} SET {sets} WHERE {where}",
                        [*map(_param, values.values()), *params])

    def delete(self, table: str, key: Mapping[str, Any]) -> Outcome:
        self.writes_to(table)
        where, params = self._where(key)
        return self.run(f"DELETE FROM {self.engine.quote_table(table)} WHERE {where}", params)

    def fetch(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        """The row with this key as normalised Python values, or None if it is gone."""
        sql, params = self._look(table, key)
        with self._cursor() as cur:
            self._send(cur, sql, tuple(params))
            return self._row_of(table, cur)

    def insert_and_fetch(self, table: str, row: Mapping[str, Any]) -> tuple[Outcome, dict[str, Any] | None]:
        """Insert ``row`` and read it back by its key (:meth:`key_of`), in one round trip where the engine takes
        several statements in one: the outcome, and the stored row (None when refused or not found)."""
        self.writes_to(table)
        sql, params = self._insert_sql(table, row)
        self.log.append(self.render(sql, params) + ";")
        if not self._one_trip:
            out = self._execute(sql, params)
            return out, self.fetch(table, self.key_of(table, row)) if out.ok else None
        mark = len(self.log)
        look, look_params = self._look(table, self.key_of(table, row))
        stored: list[dict[str, Any] | None] = []
        out = self._execute(f"{sql}; {look}", [*params, *look_params],
                            read=lambda cur: stored.append(self._row_of(table, cur)))
        if not out.ok:
            del self.log[mark:]  # the look never ran
        return out, stored[0] if stored else None

    def _look(self, table: str, key: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SELECT of the row with this key, logged."""
        where, params = self._where(key)
        sql = f"SELECT * FROM {self.engine.quote_table(table)} WHERE {where}"
        self.log.append(f"{self.render(sql, params)};  -- look")
        return sql, params

    def _row_of(self, table: str, cur: Any) -> dict[str, Any] | None:
        row = cur.fetchone()
        if row is None:
            return None
        names = [d[0] for d in cur.description]
        spec = self.schema.tables.get(table)
        return {n: normalise(v, spec.columns[n].family if spec and n in spec.columns else "") for n, v in
                zip(names, row, strict=True)}

    @contextmanager
    def trial(self) -> Iterator[None]:
        """Writes undone when the block ends: a savepoint set with the block's first statement and rolled back
        in front of the next round trip, in place of a DELETE of its own (one probe tries many rows in turn)."""
        self.log.append("SAVEPOINT dbi_trial;")
        try:
            with self._undone("dbi_trial"):
                yield
        finally:
            self.log.append("ROLLBACK TO SAVEPOINT dbi_trial;")

    def select(self, relation: str, key: Mapping[str, Any], *, offset: dt.timedelta = dt.timedelta(0)) \
            -> list[dict[str, Any]]:
        """Every row of a table or view with these column values, normalised, with instants shown as the wall-clock
        time at ``offset`` from UTC (the session's, when a probe moved its clock)."""
        where, params = self._where(key)
        sql = f"SELECT * FROM {self.engine.quote(relation)} WHERE {where}"
        self.log.append(f"{self.render(sql, params)};  -- look")
        with self._cursor() as cur:
            self._send(cur, sql, tuple(params))
            rows = cur.fetchall()
            names = [d[0] for d in cur.description]
        spec = self.schema.tables.get(relation)

        def value(name: str, v: Any) -> Any:
            if isinstance(v, dt.datetime) and v.tzinfo is not None:
                return v.astimezone(dt.UTC).replace(tzinfo=None) + offset
            return normalise(v, spec.columns[name].family if spec and name in spec.columns else "")
        return [{n: value(n, v) for n, v in zip(names, row, strict=True)} for row in rows]

    def now(self) -> dt.datetime:
        """The server's current time in UTC (naive), for checking CURRENT_TIMESTAMP defaults."""
        with self._cursor() as cur:
            self._send(cur, "SELECT CURRENT_TIMESTAMP")
            value = cur.fetchone()[0]
        return normalise(value, "timestamp")  # type: ignore[no-any-return]

    def freeze_clock(self, wanted: dt.datetime) -> Clock:
        """Make the session's clock read ``wanted`` local time (or within a minute of it, see
        :meth:`~dbintegrity.engines.base.Engine.freeze_clock`) until the example ends, and return what it reads:
        views over ``CURRENT_DATE`` or ``NOW()`` are then probed at an instant the probe chose."""
        utc = self.now()
        for stmt in self.engine.freeze_clock(utc, wanted):
            out = self.run(stmt)
            if not out.ok:
                raise self.fail("freezing the session's clock", want="the statement accepted", have=str(out))
        self._thaw = self.engine.thaw_clock()
        sql = "SELECT LOCALTIMESTAMP, CURRENT_DATE"
        self.log.append(f"{sql};  -- the clock now reads")
        with self._cursor() as cur:
            self._send(cur, sql)
            local, today = cur.fetchone()
        local = normalise(local, "datetime")
        if local.date() != today:
            raise self.fail("freezing the session's clock", want=f"CURRENT_DATE {local.date()}",
                            have=f"CURRENT_DATE {today} with LOCALTIMESTAMP {local}")
        offset = dt.timedelta(minutes=round((local - self.now()).total_seconds() / 60))
        return Clock(local, offset)

    def key_of(self, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
        """How to find ``row`` again: its primary key, else a UNIQUE key it fills, else the values it was written with.

        Of the written values, those the engine may store differently are left out when others remain:
        ENUM and SET input (case folding, label order), inexact numbers, JSON, binary, and columns that
        move on UPDATE.
        """
        spec: Table = self.schema.tables[table]
        cols = spec.primary_key
        if not cols or any(c not in row for c in cols):  # no PK, or the engine numbers it (auto-increment)
            cols = next((u for u in spec.uniques if all(row.get(c) is not None for c in u)), ())
        if not cols:
            generated = {c.name for c in spec.columns.values() if c.generated is not None}
            written = tuple(c for c in row if row[c] is not None and c not in generated)
            cols = tuple(c for c in written if spec.columns[c].on_update is None
                         and spec.columns[c].family not in _NOT_FOUND_BY) or written
        return {c: row[c] for c in cols}

    # -- reporting -------------------------------------------------------------------------------
    def render(self, sql: str, params: Sequence[Any] = ()) -> str:
        """The statement with its values inlined, for a human to paste into a client."""
        parts = sql.split("%s")
        out = [parts[0]]
        for value, part in zip(params, parts[1:], strict=False):
            out.append(literal(value))
            out.append(part)
        return "".join(out)

    def reproduction(self) -> str:
        return "\n".join(["BEGIN;", *self.log, "ROLLBACK;"])

    def fail(self, what: str, *, want: str, have: str, rows: str = "") -> ProbeFailure:
        """A have/want failure carrying the rows and the SQL that shows it."""
        lines = [what, f"  want: {want}", f"  have: {have}"]
        if rows:
            lines.append(f"  rows: {rows}")
        lines.append(f"  reproduce on {self.engine.name}:")
        lines += [f"    {line}" for line in self.reproduction().splitlines()]
        return ProbeFailure("\n".join(lines))

    # -- internals -------------------------------------------------------------------------------
    def _where(self, key: Mapping[str, Any]) -> tuple[str, list[Any]]:
        q = self.engine.quote
        clauses, params = [], []
        for c, v in key.items():
            if v is None:
                clauses.append(f"{q(c)} IS NULL")
            else:
                clauses.append(f"{q(c)} = %s")
                params.append(_param(v))
        return " AND ".join(clauses) or "1 = 1", params

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        self.statements += 1  # every database round trip goes through here: the throughput figure
        cur = self._conn.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def _raw(self, sql: str) -> None:
        with self._cursor() as cur:
            self._send(cur, sql)

    @contextmanager
    def _undone(self, savepoint: str) -> Iterator[None]:
        """The block's writes inside ``savepoint``: set in front of the block's first round trip (not nested in a
        statement's savepoint), rolled back and released in front of the first one after it.  Rolling back also
        ends every savepoint set after it; releasing matters on PostgreSQL, which keeps a rolled-back savepoint,
        and the next one of the same name would nest in it, a subtransaction deeper per example or trial."""
        self._defer(self._released(f"SAVEPOINT {savepoint}"))
        try:
            yield
        finally:
            self._defer(f"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}")
            self._stmt_savepoint = False

    def _defer(self, statement: str) -> None:
        """Send ``statement`` in front of the next round trip, or now where the engine takes one statement per trip."""
        if self._one_trip:
            self._pending.append(statement)
        else:
            self._raw(statement)

    def _send(self, cur: Any, sql: str, params: tuple[Any, ...] | None = None) -> None:
        if self._pending:  # statements deferred to this round trip go first (``sql`` "": only they)
            sql = "; ".join([*self._pending, sql] if sql else self._pending)
            self._pending = []
        if self._recording is not None:
            self._recording.append((sql, params))
        if params is None:
            cur.execute(sql)
        else:
            cur.execute(sql, params)
        while cur.nextset():  # a batch's later statements: PyMySQL reads them, and raises their errors, here
            pass


def statements_of(inserts: Sequence[Insert]) -> Iterator[list[Insert]]:
    """A plan's inserts as the statements that write them: one row each, but the consecutive rows of one NOT
    NULL foreign-key cycle (:attr:`dbintegrity.probes.synthesis.Insert.together`) in one."""
    batch: list[Insert] = []
    for ins in inserts:
        if batch and (ins.together is None or ins.together != batch[-1].together):
            yield batch
            batch = []
        batch.append(ins)
    if batch:
        yield batch


def not_rolled_back(engine: Engine, table: str, storage: str) -> str:
    """The skip line of a probe that would write to a non-transactional table: which table, its storage
    engine, why that stops the probe, and the statement that lets it run."""
    remedy = engine.make_transactional(table)
    return (f"cannot probe: {table} is {storage}: rows written by a probe survive ROLLBACK, so probes that write to "
            f"it are skipped" + (f"; convert it with {remedy} to have them probed" if remedy else ""))


_NOT_FOUND_BY = frozenset({"enum", "set", "float", "double", "json", "binary"})
"""Types whose stored value may differ from the value written, so ``=`` may not find the row again."""


STATEMENT_LOG_ENV = "DBINTEGRITY_STATEMENT_LOG"
"""A folder: every probe session writes the statements it sent there (``bench/probe_throughput.py`` sends
the same statements again with a plain driver loop, the machine's limit for the probes' throughput)."""


def _write_recording(engine: str, statements: list[tuple[str, tuple[Any, ...] | None]]) -> None:
    folder = Path(os.environ[STATEMENT_LOG_ENV])
    folder.mkdir(parents=True, exist_ok=True)
    fd, _ = tempfile.mkstemp(prefix=f"{engine}-", suffix=".pickle", dir=folder)
    with os.fdopen(fd, "wb") as out:
        pickle.dump(statements, out)


def _param(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def literal(value: Any) -> str:
    """``value`` as an SQL literal both engines read, for reproductions a human pastes into a client."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    if isinstance(value, dt.datetime):
        return "'" + value.strftime("%Y-%m-%d %H:%M:%S") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def normalise(value: Any, family: str) -> Any:
    """Driver values made comparable across engines: UTC-naive datetimes, bools, parsed JSON, TIME, UUID text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.timedelta) and family == "time":
        seconds = int(value.total_seconds())
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if family == "boolean" and isinstance(value, int):
        return bool(value)
    if family == "json" and isinstance(value, str | bytes):
        return json.loads(value)
    if isinstance(value, uuid.UUID):  # PostgreSQL's uuid; MySQL's stand-in holds the same canonical text
        return str(value)
    return value
