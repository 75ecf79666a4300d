"""Bulk loading, the engine's own fast way, inside one transaction per run.

PostgreSQL gets the rows through ``COPY t (cols) FROM STDIN`` in 1 MiB blocks of text; MySQL through
``LOAD DATA LOCAL INFILE`` of a spooled file (the servers run with ``--local-infile=1`` and PyMySQL connects
with ``local_infile=True``).  Both read the same text (see :mod:`dbintegrity.seed.encode`).

Foreign keys: the seeder only writes rows whose parents it wrote first, and it checks every reference in
Python; checking them again row by row in the engine is a large part of a bulk load's cost.  So, as
``mysqldump`` and ``pg_restore`` do, per-row checks are off during the load (MySQL
``foreign_key_checks = 0``; PostgreSQL: the internal foreign-key check triggers of the loaded tables are
disabled inside the transaction, which needs a superuser) and every foreign key of every loaded table is
verified with one anti-join before the transaction commits.  PostgreSQL also drops the plain secondary
indexes of tables that start empty and rebuilds them after the load (a sorted build beats a million
single inserts); its DDL is transactional, so a failure restores them.  The pack's own triggers (the
audit trail) fire as for any insert: ``session_replication_role = replica`` would be simpler and would
silence them too.

MySQL's ``LOAD DATA LOCAL`` turns bad values into warnings and skips duplicate keys instead of failing, so
the loader compares the rows the server took with the rows sent and fails on any warning.  For large loads
on servers the runtime started itself (never on a ``--url`` server) it raises InnoDB's buffer pool and redo
capacity from their small defaults, which otherwise make a million-row load flush and re-read pages.

Rows arrive in primary-key order (see :func:`dbintegrity.seed.encode.encode`), so each insert goes to the
right-most page of the clustered or primary-key B-tree.
"""

from __future__ import annotations

import abc
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dbintegrity.engines.base import Engine
from dbintegrity.pack.model import Table
from dbintegrity.seed.encode import Encoded
from dbintegrity.seed.errors import SeedError

BLOCK = 1 << 20


class Loader(abc.ABC):
    """One connection to the target database for a whole run: inspect, clear, load, verify, commit."""

    def __init__(self, engine: Engine, conn: Any, database: str, log: Callable[[str], None], *,
                 disposable: bool = False) -> None:
        self.engine = engine
        self.conn = conn
        self.database = database
        self.log = log
        self.disposable = disposable
        """The runtime started the server (local or docker provider, not a URL): server settings may change."""
        engine.prepare_session(conn)

    def q(self, name: str) -> str:
        return self.engine.quote(name)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        try:
            cur.execute(sql, params)
            return list(cur.fetchall()) if cur.description is not None else []
        finally:
            cur.close()

    def run(self, sql: str) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
        finally:
            cur.close()

    @abc.abstractmethod
    def existing_tables(self) -> set[str]:
        """Base tables of the target database (its default schema on PostgreSQL)."""

    def row_counts(self, tables: list[str]) -> dict[str, int]:
        return {t: int(self.query(f"SELECT COUNT(*) FROM {self.q(t)}")[0][0]) for t in tables}

    def has_rows(self, tables: list[str]) -> dict[str, bool]:
        return {t: bool(self.query(f"SELECT 1 FROM {self.q(t)} LIMIT 1")) for t in tables}

    @abc.abstractmethod
    def clear(self, tables: list[str]) -> None:
        """Delete every row of ``tables`` (children first in the list order is not required)."""

    @abc.abstractmethod
    def begin(self, tables: dict[str, Table], rows: int) -> None:
        """Start the load transaction for about ``rows`` rows."""

    @abc.abstractmethod
    def load(self, enc: Encoded, spool: Path | None) -> None:
        """Load one table's rows; ``spool`` is where they were written as a file, when they were."""

    @abc.abstractmethod
    def restore(self) -> None:
        """Undo what :meth:`begin` set aside for speed (indexes, per-row checks); still in the transaction."""

    @property
    def needs_spool(self) -> bool:
        """Whether :meth:`load` reads the rows from a file."""
        return False

    def verify_foreign_keys(self, tables: dict[str, Table], loaded: list[str]) -> None:
        """One anti-join per foreign key of each loaded table; any orphan fails the run (and rolls it back)."""
        q = self.q
        for name in loaded:
            for fk in tables[name].foreign_keys:
                child = " AND ".join(f"c.{q(c)} IS NOT NULL" for c in fk.columns)
                match = " AND ".join(f"p.{q(r)} = c.{q(c)}" for c, r in zip(fk.columns, fk.ref_columns, strict=True))
                orphans = self.query(f"SELECT COUNT(*) FROM {q(name)} c WHERE {child} AND NOT EXISTS "
                                     f"(SELECT 1 FROM {q(fk.ref_table)} p WHERE {match})")[0][0]
                if orphans:
                    raise SeedError(f"{name}.{','.join(fk.columns)}: {orphans} rows reference no {fk.ref_table} row "
                                    "after loading; nothing was committed")

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        try:
            self.conn.rollback()
        except Exception as exc:  # the connection may be gone; the server discards the transaction then
            self.log(f"rollback failed: {exc}")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


class PostgresLoader(Loader):
    """COPY in text blocks.  As a superuser, the per-row foreign-key check triggers of the loaded tables and
    the secondary indexes of tables that start empty are set aside inside the transaction (DDL is
    transactional here: a failure restores both) and restored before the foreign keys are verified."""

    def existing_tables(self) -> set[str]:
        return {r[0] for r in self.query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')")}

    def clear(self, tables: list[str]) -> None:
        if tables:
            self.run(f"TRUNCATE {', '.join(self.q(t) for t in tables)}")

    def begin(self, tables: dict[str, Table], rows: int) -> None:
        self.tables = tables
        # memory for rebuilding the indexes and for the verifying anti-joins, for this transaction only
        self.run("SET LOCAL maintenance_work_mem = '512MB'")
        self.run("SET LOCAL work_mem = '128MB'")
        row = self.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        self.superuser = bool(row and row[0][0])
        self.fk_triggers: list[tuple[str, str]] = []
        self.indexes: list[tuple[str, str, str]] = []
        if not self.superuser:
            self.log("postgres: not a superuser: foreign keys are checked row by row while loading")
            return
        names = list(tables)
        self.fk_triggers = [(r[0], r[1]) for r in self.query(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relname = ANY(%s) AND t.tgisinternal AND t.tgenabled <> 'D' "
            "AND t.tgfoid IN ('\"RI_FKey_check_ins\"'::regproc, '\"RI_FKey_check_upd\"'::regproc) "
            "ORDER BY 1, 2", (names,))]
        empty = [t for t, has in self.has_rows(names).items() if not has]
        self.indexes = [(r[0], r[1], r[2]) for r in self.query(
            "SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY 1, 2",
            (empty,))]
        for table, trigger in self.fk_triggers:
            self.run(f"ALTER TABLE {self.q(table)} DISABLE TRIGGER {self.q(trigger)}")
        for _table, index, _definition in self.indexes:
            self.run(f"DROP INDEX {self.q(index)}")
        self.log(f"postgres: {len(self.fk_triggers)} foreign-key check triggers off and {len(self.indexes)} "
                 "secondary indexes of empty tables dropped until the rows are in (same transaction)")

    def load(self, enc: Encoded, spool: Path | None) -> None:
        cols = ", ".join(self.q(c) for c in enc.columns)
        cur = self.conn.cursor()
        try:
            with cur.copy(f"COPY {self.q(enc.table)} ({cols}) FROM STDIN") as copy:
                data = memoryview(enc.data)
                for start in range(0, len(data), BLOCK):
                    copy.write(data[start:start + BLOCK])
            loaded = cur.rowcount
        except self.engine.driver_errors as exc:
            raise SeedError(f"{enc.table}: PostgreSQL refused the rows: {self.engine.error_message(exc)}") from None
        finally:
            cur.close()
        if loaded != enc.rows:
            raise SeedError(f"{enc.table}: PostgreSQL loaded {loaded} rows of {enc.rows}")
        table = self.tables.get(enc.table)
        for col in table.columns.values() if table is not None else ():
            if col.default == "autoincrement" and col.name in enc.columns:
                # explicit values do not move a sequence; later inserts (triggers, the application) would collide
                self.query(f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(MAX({self.q(col.name)}), 1)) "
                           f"FROM {self.q(enc.table)}", (self.q(enc.table), col.name))

    def restore(self) -> None:
        """Rebuild the dropped indexes and switch the foreign-key triggers back on (before verifying)."""
        for _table, _index, definition in self.indexes:
            self.run(definition)
        for table, trigger in self.fk_triggers:
            self.run(f"ALTER TABLE {self.q(table)} ENABLE TRIGGER {self.q(trigger)}")
        self.indexes, self.fk_triggers = [], []



class MySQLLoader(Loader):
    def existing_tables(self) -> set[str]:
        return {r[0] for r in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
            "AND table_type = 'BASE TABLE'")}

    def clear(self, tables: list[str]) -> None:
        self.run("SET foreign_key_checks = 0")
        try:
            for t in tables:
                self.run(f"TRUNCATE TABLE {self.q(t)}")
        finally:
            self.run("SET foreign_key_checks = 1")

    @property
    def needs_spool(self) -> bool:
        return True

    BULK_SETTINGS = (("innodb_buffer_pool_size", 1 << 30), ("innodb_redo_log_capacity", 2 << 30))
    """Server settings raised for large loads on servers of our own: a 128 MiB buffer pool and 100 MiB of
    redo (the defaults) make InnoDB flush and re-read pages all through a million-row load."""

    def begin(self, tables: dict[str, Table], rows: int) -> None:
        if self.disposable and rows >= 100_000:
            for name, size in self.BULK_SETTINGS:
                try:
                    current = int(self.query(f"SELECT @@GLOBAL.{name}")[0][0])
                    if current < size:
                        self.run(f"SET GLOBAL {name} = {size}")
                        self.log(f"mysql: {name} raised from {current} to {size} (a server of our own)")
                except self.engine.driver_errors as exc:  # e.g. no innodb_redo_log_capacity before 8.0.30
                    self.log(f"mysql: {name} left as it is: {self.engine.error_message(exc)}")
        self.run("SET foreign_key_checks = 0")
        self.conn.begin()

    def load(self, enc: Encoded, spool: Path | None) -> None:
        if spool is None:
            raise SeedError("MySQL loads from a file: no spool file was written")
        cols = ", ".join(self.q(c) for c in enc.columns)
        sql = (f"LOAD DATA LOCAL INFILE %s INTO TABLE {self.q(enc.table)} CHARACTER SET utf8mb4 "
               "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' "
               f"({cols})")
        cur = self.conn.cursor()
        try:
            loaded = cur.execute(sql, (os.fspath(spool),))
            cur.execute("SHOW WARNINGS LIMIT 3")
            warnings = cur.fetchall()
        except self.engine.driver_errors as exc:
            raise SeedError(f"{enc.table}: MySQL refused the rows: {self.engine.error_message(exc)}") from None
        finally:
            cur.close()
        if warnings:
            first = "; ".join(f"{w[0]} {w[1]}: {w[2]}" for w in warnings)
            raise SeedError(f"{enc.table}: MySQL changed or skipped values while loading ({first})")
        if loaded != enc.rows:
            raise SeedError(f"{enc.table}: MySQL loaded {loaded} rows of {enc.rows} (duplicate keys are skipped "
                            "silently by LOAD DATA LOCAL)")

    def restore(self) -> None:
        """Nothing was set aside but the session's foreign_key_checks, which commit restores."""

    def commit(self) -> None:
        self.conn.commit()
        self.run("SET foreign_key_checks = 1")


def loader_for(engine: Engine, conn: Any, database: str, log: Callable[[str], None], *,
               disposable: bool = False) -> Loader:
    loader = {"copy": PostgresLoader, "load_data_local": MySQLLoader}.get(engine.bulk_load)
    if loader is None:
        raise SeedError(f"engine {engine.name} has no bulk loader (bulk_load {engine.bulk_load!r})")
    return loader(engine, conn, database, log, disposable=disposable)
