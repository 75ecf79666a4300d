"""MySQL 8.0+ (Oracle) as an :class:`~dbintegrity.engines.base.Engine`: connection, databases, introspection."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pymysql
import pymysql.connections
import pymysql.constants
import pymysql.cursors

from dbintegrity.engines.base import Capabilities, Engine, Server, Since
from dbintegrity.engines.mysql.uuids import fold_uuid_columns
from dbintegrity.pack.model import Check, Column, ForeignKey, Index, Schema, Table, Trigger, View
from dbintegrity.sqltext.expr import normalize
from dbintegrity.sqltext.split import Statement

if TYPE_CHECKING:
    from dbintegrity.engines.parts import AccessDialect

_TEXT_TYPES = {"tinytext", "text", "mediumtext", "longtext"}
_BLOB_TYPES = {"tinyblob", "blob", "mediumblob", "longblob", "binary", "varbinary"}
_SIMPLE = {"int": "integer", "integer": "integer", "bigint": "bigint", "smallint": "smallint",
           "mediumint": "mediumint", "tinyint": "tinyint", "float": "float", "double": "double",
           "date": "date", "time": "time", "datetime": "datetime", "timestamp": "timestamp",
           "json": "json", "year": "year", "bit": "bit"}
_INTEGERS = {"int", "integer", "bigint", "smallint", "mediumint", "tinyint"}
_STRINGY = {"varchar", "char", "enum", "set", "date", "time", "datetime", "timestamp", "year"} | _TEXT_TYPES


class _Connection(pymysql.connections.Connection):  # type: ignore[misc]  # PyMySQL ships no type hints
    """A PyMySQL connection whose TLS context, in PyMySQL's default PREFERRED mode, is built once per process.

    PyMySQL builds a fresh ``SSLContext`` for every connection and loads the system's CA store into it,
    about 27 ms each time: a third of the MySQL gate's connection time went there (profile of
    ``dbintegrity check healthcare_mgmt``, 284 connections).  The PREFERRED context verifies nothing, so
    one context serves every connection; explicit TLS settings still get their own.
    """

    _preferred: ClassVar[Any] = None

    def _create_ssl_ctx(self, sslp: Any) -> Any:
        if sslp:
            return super()._create_ssl_ctx(sslp)
        if _Connection._preferred is None:
            _Connection._preferred = super()._create_ssl_ctx(sslp)
        return _Connection._preferred


class MySQLEngine(Engine):
    bulk_load = "load_data_local"
    sqlalchemy_driver = "mysql+pymysql"
    sqlalchemy_query = "?charset=utf8mb4"
    base_capabilities = Capabilities(
        error_aborts_transaction=False, template_databases=False, check_constraints=True,
        row_level_security=False, enum_input_folds_case=True, text_ignores_case=True,
        self_referencing_update_actions=False, fk_actions_fire_triggers=False, parameters_bound_in_client=True,
    )
    capability_versions = (Since("check_constraints", "8.0.16", False, "MySQL parsed CHECK but ignored it before 8.0.16"),)
    error_kinds = {  # noqa: RUF012 - a class-level table, never mutated
        "1451": "fk", "1452": "fk", "1216": "fk", "1217": "fk",
        "3819": "check", "1644": "rule", "1048": "not_null", "1364": "not_null", "1062": "unique",
        "1265": "invalid_value", "1366": "invalid_value", "1292": "invalid_value", "3140": "invalid_value",
        "1406": "out_of_range", "1264": "out_of_range", "1690": "out_of_range",
        "3105": "generated", "1906": "generated",
        "1142": "permission", "1143": "permission", "1227": "permission", "1044": "permission", "1370": "permission",
    }

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        return (pymysql.err.MySQLError,)

    def connect(self, server: Server, database: str | None, *, autocommit: bool = True,
                timeout: float = 10.0) -> Any:
        return _Connection(
            host=server.host, port=server.port, user=server.user, password=server.password,
            database=database, autocommit=autocommit, charset="utf8mb4",
            connect_timeout=max(1, int(timeout)), read_timeout=600, write_timeout=600,
            local_infile=True, ssl_disabled=not server.encrypt,
            client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS,  # capability parameters_bound_in_client
        )

    default_user = "root"
    admin_database = None

    def local_describe(self, cfg: Any) -> str:
        from dbintegrity.engines.mysql import local

        bins = local.binaries(cfg)
        return f"MySQL {bins.version} from {bins.root}"

    def local_start(self, cfg: Any, cache: Any) -> Server:
        from dbintegrity.engines.mysql import local

        return local.start(cfg, cache, self.name)

    def provision(self, cfg: Any, *, force: bool = False, log: Callable[[str], None] = print) -> list[str]:
        from dbintegrity.engines.mysql import local
        from dbintegrity.engines.mysql.provision import provision_mysql

        bins = provision_mysql(local.root_of(cfg).parent, force=force, log=log)
        return [f"{self.name}: {bins.version} ready in {bins.root}"]

    def access(self) -> AccessDialect:
        from dbintegrity.engines.mysql.access import DIALECT

        return DIALECT

    def mutations(self, catalog: Any) -> Any:
        from dbintegrity.engines.mysql import mutations

        return mutations.dialect(catalog)

    def container(self, image: str, password: str) -> tuple[Any, int]:
        from testcontainers.community.mysql import MySqlContainer

        return MySqlContainer(image, username="root", password=password, dbname="mysql"), 3306

    def error_code(self, exc: BaseException) -> str:
        args = getattr(exc, "args", ())
        return str(args[0]) if args and isinstance(args[0], int) else ""

    def quote(self, identifier: str) -> str:
        return "`" + identifier.replace("`", "``") + "`"

    def prepare_session(self, conn: Any) -> None:
        with conn.cursor() as cur:
            cur.execute("SET time_zone = '+00:00', sql_mode = CONCAT_WS(',', @@sql_mode, 'STRICT_ALL_TABLES')")

    def freeze_clock(self, utc_now: dt.datetime, wanted: dt.datetime) -> list[str]:
        """``SET TIMESTAMP`` fixes what ``NOW()``, ``CURRENT_DATE``, ``CURRENT_TIMESTAMP`` and the rows'
        ``DEFAULT CURRENT_TIMESTAMP`` read in this session, to the second (``SYSDATE()`` ignores it: a view
        that reads ``SYSDATE()`` cannot be probed at a chosen instant).  The session's zone is UTC."""
        return [f"SET TIMESTAMP = {int(wanted.replace(tzinfo=dt.UTC).timestamp())}"]

    def thaw_clock(self) -> list[str]:
        return ["SET TIMESTAMP = DEFAULT"]

    def server_version(self, conn: Any) -> str:
        with conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            return str(cur.fetchone()[0])

    def create_database(self, server: Server, name: str, template: str | None = None) -> None:
        if template is not None:
            raise NotImplementedError("MySQL has no template databases; replay the pack instead")
        with self.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")

    def drop_database(self, server: Server, name: str) -> None:
        with self.connection(server, None) as conn, conn.cursor() as cur:
            # Sessions still using the database would hold metadata locks and make DROP wait.
            cur.execute("SELECT id FROM information_schema.processlist WHERE db = %s AND id <> CONNECTION_ID()",
                        (name,))
            for (pid,) in cur.fetchall():
                with contextlib.suppress(pymysql.err.MySQLError):  # it may have ended meanwhile
                    cur.execute(f"KILL {int(pid)}")
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            from dbintegrity.engines.mysql.access import forget_grants

            forget_grants(cur, name)  # DROP DATABASE keeps the grants on its tables; roles outlive it

    def list_databases(self, server: Server, prefix: str) -> list[str]:
        with self.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute("SELECT schema_name FROM information_schema.schemata")
            return sorted(r[0] for r in cur.fetchall() if r[0].startswith(prefix))

    def list_roles(self, server: Server) -> set[str]:
        """Accounts as ``'user'@'host'``: MySQL roles are accounts, so a role a pack creates is one of these."""
        with self.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute("SELECT user, host FROM mysql.user")
            return {f"'{u}'@'{h}'" for u, h in cur.fetchall()}

    def drop_role(self, server: Server, name: str) -> None:
        with self.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute(f"DROP USER IF EXISTS {name}")  # drops roles too; the name comes from list_roles

    def make_transactional(self, table: str) -> str:
        """InnoDB is the storage engine with transactions (and foreign keys) on every MySQL and MariaDB."""
        return f"ALTER TABLE {self.quote_table(table)} ENGINE=InnoDB"

    def load_hint(self, conn: Any, exc: BaseException | None) -> str:
        """ER_NO_SUCH_TABLE for a table that exists in another letter case: the schema was written for a
        server with ``lower_case_table_names=1`` (Windows, macOS, or configured so), which folds names."""
        args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
        m = re.match(r"Table '(.*)\.(.*)' doesn't exist", str(args[1])) if len(args) >= 2 and args[0] == 1146 else None
        if m is None:
            return ""
        cur = conn.cursor()
        try:
            cur.execute("SELECT table_name, @@lower_case_table_names FROM information_schema.tables "
                        "WHERE table_schema = %s AND LOWER(table_name) = LOWER(%s)", m.groups())
            row = cur.fetchone()
        finally:
            cur.close()
        if not row or row[0] == m.group(2) or str(row[1]) != "0":
            return ""
        return (f" (there is a table {row[0]}: the schema writes table names in more than one letter case, so it "
                "needs a server with lower_case_table_names=1, which this one is not: with the local provider, "
                f"--{self.spec.option_prefix}-server-options=--lower-case-table-names=1)")

    def error_message(self, exc: BaseException) -> str:
        args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
        if len(args) >= 2 and isinstance(args[0], int):
            return f"ERROR {args[0]}: {' '.join(str(args[1]).split())}"  # 1064 quotes multi-line SQL
        return str(exc) or type(exc).__name__

    # -- introspection ------------------------------------------------------------------------
    def table_definition(self, conn: Any, table: str) -> str | None:
        with conn.cursor() as cur:
            cur.execute(f"SHOW CREATE TABLE {self.quote_table(table)}")
            row = cur.fetchone()
        return str(row[1]) if row else None

    def script_databases(self, statements: Sequence[Statement]) -> list[str]:
        from dbintegrity.engines.mysql.databases import own_databases

        return own_databases(statements)

    def execute_script(self, conn: Any, statements: Sequence[Statement]) -> None:
        """The script runs in the connection's database: its own ``CREATE DATABASE``/``USE`` are mapped onto it."""
        from dbintegrity.engines.mysql.databases import adopt

        super().execute_script(conn, adopt(statements))

    def namespaces(self, conn: Any, database: str) -> dict[str, int]:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s "
                        "AND table_type = 'BASE TABLE'", (database,))
            return {database: int(cur.fetchone()[0])}

    _index_expression: ClassVar[str] = "expression"
    """The column of information_schema.statistics holding a functional index's expression."""
    _check_join: ClassVar[str] = ""
    """More join conditions between table_constraints and check_constraints (names are per table elsewhere)."""

    def _column_row(self, r: dict[str, Any]) -> dict[str, Any]:
        """An information_schema.columns row in MySQL's own form (MariaDB reports defaults otherwise)."""
        return r

    def introspect(self, conn: Any, database: str, schemas: Sequence[str] = ()) -> Schema:
        schema = Schema()
        with conn.cursor(pymysql.cursors.DictCursor) as cur:
            # A table of a storage engine without transactions (MyISAM, MEMORY, Aria...) keeps every row written
            # to it through ROLLBACK: the engine's own information_schema.engines says which engines those are.
            cur.execute(
                "SELECT t.table_name AS t, CASE WHEN e.transactions = 'NO' THEN t.engine END AS ntx "
                "FROM information_schema.tables t LEFT JOIN information_schema.engines e ON e.engine = t.engine "
                "WHERE t.table_schema = %s AND t.table_type = 'BASE TABLE' ORDER BY t.table_name", (database,))
            for row in cur.fetchall():
                schema.tables[row["t"]] = Table(row["t"], non_transactional=row["ntx"])
            cur.execute(
                "SELECT table_name AS t, column_name AS c, data_type AS dt, column_type AS ct, "
                "is_nullable AS n, column_default AS d, extra AS x, generation_expression AS g, "
                "character_maximum_length AS len, numeric_precision AS p, numeric_scale AS s "
                "FROM information_schema.columns WHERE table_schema = %s ORDER BY table_name, ordinal_position",
                (database,))
            view_columns: dict[str, list[str]] = {}
            for r in cur.fetchall():
                table = schema.tables.get(r["t"])
                if table is not None:
                    table.columns[r["c"]] = _column(self._column_row(r))
                else:
                    view_columns.setdefault(r["t"], []).append(r["c"])
            cur.execute("SELECT table_name AS v FROM information_schema.views WHERE table_schema = %s", (database,))
            for r in cur.fetchall():
                schema.views[r["v"]] = View(r["v"], tuple(view_columns.get(r["v"], ())))
            cur.execute(
                "SELECT event_object_table AS t, trigger_name AS name, action_timing AS timing, "
                "event_manipulation AS ev FROM information_schema.triggers WHERE trigger_schema = %s",
                (database,))
            for r in cur.fetchall():
                if r["t"] in schema.tables:
                    schema.tables[r["t"]].triggers.append(Trigger(r["name"], r["timing"], (r["ev"],)))
            cur.execute(
                "SELECT table_name AS t, index_name AS i, non_unique AS nu, column_name AS c, "
                f"{self._index_expression} AS e FROM information_schema.statistics WHERE table_schema = %s "
                "ORDER BY table_name, index_name, seq_in_index", (database,))
            indexes: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for r in cur.fetchall():
                indexes.setdefault((r["t"], r["i"]), []).append(r)
            cur.execute(
                "SELECT k.table_name AS t, k.constraint_name AS name, k.column_name AS c, "
                "k.referenced_table_name AS rt, k.referenced_column_name AS rc, "
                "r.delete_rule AS del, r.update_rule AS upd "
                "FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r "
                "ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name "
                "AND r.table_name = k.table_name "
                "WHERE k.table_schema = %s ORDER BY k.table_name, k.constraint_name, k.ordinal_position",
                (database,))
            fks: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for r in cur.fetchall():
                fks.setdefault((r["t"], r["name"]), []).append(r)
            cur.execute(
                "SELECT tc.table_name AS t, cc.check_clause AS e, tc.constraint_name AS name "
                "FROM information_schema.table_constraints tc "
                "JOIN information_schema.check_constraints cc ON cc.constraint_schema = tc.constraint_schema "
                f"AND cc.constraint_name = tc.constraint_name {self._check_join} "
                "WHERE tc.table_schema = %s AND tc.constraint_type = 'CHECK'", (database,))
            checks = cur.fetchall()

        for (tname, iname), parts in indexes.items():
            table = schema.tables.get(tname)
            if table is None:
                continue
            cols = tuple(p["c"] if p["c"] is not None else f"({normalize(p['e'], 'mysql')})" for p in parts)
            if iname == "PRIMARY":
                table.primary_key = cols
            else:  # including the index InnoDB adds for an FK column that has none: it is real
                table.indexes.append(Index(cols, unique=int(parts[0]["nu"]) == 0, name=iname,
                                           constraint=int(parts[0]["nu"]) == 0))
        for (tname, fk_name), parts in fks.items():
            table = schema.tables.get(tname)
            if table is None:
                continue
            table.foreign_keys.append(ForeignKey(
                columns=tuple(p["c"] for p in parts), ref_table=parts[0]["rt"],
                ref_columns=tuple(p["rc"] for p in parts),
                on_delete=parts[0]["del"], on_update=parts[0]["upd"], name=fk_name))
        for r in checks:
            table = schema.tables.get(r["t"])
            if table is not None:
                clause = _unescape(r["e"])
                table.checks.append(Check(normalize(clause, "mysql"), name=r["name"], raw=clause))
        for table in schema.tables.values():
            table.indexes.sort(key=lambda ix: (ix.unique, ix.columns))
            fold_uuid_columns(table)
        from dbintegrity.engines.mysql.access import introspect_privileges

        schema.privileges = introspect_privileges(conn, database)
        return schema


def _column(r: dict[str, Any]) -> Column:
    dt, ct = str(r["dt"]).lower(), str(r["ct"]).lower()
    extra = str(r["x"] or "").lower()
    enum: tuple[str, ...] | None = None
    if ct == "tinyint(1)":
        ntype = "boolean"
    elif dt in ("varchar", "char"):
        ntype = f"{dt}({r['len']})"
    elif dt in ("decimal", "numeric"):
        ntype = f"decimal({r['p']},{r['s']})"
    elif dt in _TEXT_TYPES:
        ntype = "text"
    elif dt in _BLOB_TYPES:
        ntype = "binary"
    elif dt in ("enum", "set"):
        ntype = dt
        enum = tuple(_enum_labels(str(r["ct"])))
    elif dt in _INTEGERS and "unsigned" in ct:
        ntype = f"{_SIMPLE[dt]} unsigned"  # a range of its own: 0..255 for TINYINT UNSIGNED
    else:
        ntype = _SIMPLE.get(dt, dt)
    generated = None
    if "generated" in extra and "default_generated" not in extra:
        generated = normalize(_unescape(str(r["g"])), "mysql")
    on_update = "CURRENT_TIMESTAMP" if "on update current_timestamp" in extra else None
    nullable = r["n"] == "YES"
    default = None if generated else _default(r["d"], ntype, extra)
    if default is None and enum and not nullable and ntype == "enum":
        # MySQL's implicit default of a NOT NULL ENUM is its first label, even in strict mode,
        # although information_schema reports none: state what the engine does.
        default = "'" + enum[0].replace("'", "''") + "'"
    return Column(
        name=r["c"], type=ntype, nullable=nullable, default=default, enum=enum,
        generated=generated, on_update=on_update,
    )


def _enum_labels(column_type: str) -> list[str]:
    body = column_type[column_type.index("(") + 1: column_type.rindex(")")]
    return [m.group(1).replace("''", "'").replace("\\\\", "\\") for m in re.finditer(r"'((?:[^']|'')*)'", body)]


def _default(value: Any, ntype: str, extra: str) -> str | None:
    """The neutral default: quoted literal, number, true/false, CURRENT_TIMESTAMP or (expression)."""
    if "auto_increment" in extra:
        return "autoincrement"
    if value is None:
        return None
    text = str(value)
    if "default_generated" in extra:
        low = text.lower()
        if low.startswith("current_timestamp") or low in ("now()", "(now())"):
            return "CURRENT_TIMESTAMP"
        return f"({normalize(_unescape(text), 'mysql')})"
    if ntype == "boolean":
        return "true" if text not in ("0", "b'0'") else "false"
    family = ntype.split("(", 1)[0]
    if family in _STRINGY or family in ("varchar", "char"):
        return "'" + text.replace("'", "''") + "'"
    return text


def _unescape(expression: str) -> str:
    """An expression as MySQL reads it, from information_schema's escaped copy.

    CHECK clauses, generation and default expressions come back with every quote and backslash escaped
    once more (``_utf8mb4\\'A\\'`` for ``_utf8mb4'A'``): there, no quote stands unescaped.  Undo one level.
    """
    if "\\'" not in expression or re.search(r"(?<!\\)'", expression):
        return expression
    return re.sub(r"\\(.)", r"\1", expression)
