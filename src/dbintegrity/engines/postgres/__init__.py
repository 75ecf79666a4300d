"""PostgreSQL 13+ as an :class:`~dbintegrity.engines.base.Engine`: connection, databases, introspection."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from dbintegrity.engines.base import Capabilities, Engine, Server
from dbintegrity.pack import namespaces
from dbintegrity.pack.model import (
    AUTOINCREMENT,
    IDENTITY_ALWAYS,
    Check,
    Column,
    Exclusion,
    ForeignKey,
    Index,
    Schema,
    Table,
    Trigger,
    View,
)
from dbintegrity.sqltext.expr import normalize

if TYPE_CHECKING:
    from dbintegrity.engines.parts import AccessDialect

_USER_NAMESPACE = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_%%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass "
    "AND d.objid = n.oid AND d.deptype = 'e')")
"""Schemas a user's files create: not the system's, not one an extension owns (PostGIS' ``topology``)."""
_FK_ACTION = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_TYPES = {"integer": "integer", "bigint": "bigint", "smallint": "smallint", "text": "text",
          "boolean": "boolean", "date": "date", "jsonb": "json", "json": "json", "real": "float",
          "double precision": "double", "bytea": "binary", "uuid": "uuid",
          "timestamp with time zone": "timestamp", "timestamp without time zone": "datetime",
          "time without time zone": "time", "time with time zone": "time"}


class PostgresEngine(Engine):
    bulk_load = "copy"
    sqlalchemy_driver = "postgresql+psycopg"
    gx_data_source = "postgres"
    base_capabilities = Capabilities(
        error_aborts_transaction=True, template_databases=True, check_constraints=True, row_level_security=True,
        schemas_in_database=True, writable_cte_inserts=True, parameters_bound_in_client=True,
    )
    error_kinds = {  # noqa: RUF012 - a class-level table, never mutated
        # 23001 restrict_violation: PostgreSQL 18 refuses a delete under ON DELETE RESTRICT with it (15: 23503)
        "23503": "fk", "23001": "fk", "23514": "check", "P0001": "rule", "23502": "not_null", "23505": "unique",
        "22P02": "invalid_value", "22007": "invalid_value", "22008": "out_of_range", "22003": "out_of_range",
        "22001": "out_of_range", "428C9": "generated", "23P01": "unique",
        "42501": "permission",
    }

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        return (psycopg.Error,)

    def connect(self, server: Server, database: str | None, *, autocommit: bool = True,
                timeout: float = 10.0) -> Any:
        return psycopg.connect(
            host=server.host, port=server.port, user=server.user, password=server.password or None,
            dbname=database or server.admin_database or "postgres", autocommit=autocommit,
            connect_timeout=max(1, int(timeout)), application_name="dbintegrity",
        )

    default_user = "postgres"
    admin_database = "postgres"

    def local_describe(self, cfg: Any) -> str:
        from dbintegrity.engines.postgres import local

        bindir = local.find_bindir(cfg, self.line)
        local.server_user()
        return f"PostgreSQL {local.version(bindir)} from {bindir}"

    def local_start(self, cfg: Any, cache: Any) -> Server:
        from dbintegrity.engines.postgres import local

        return local.start(cfg, cache, self.name, self.line)

    def provision(self, cfg: Any, *, force: bool = False, log: Callable[[str], None] = print) -> list[str]:
        from dbintegrity.engines.postgres import local
        from dbintegrity.errors import EngineUnavailable

        out = []
        for line in (self.spec.lines if self.line is None else (self.line,)):
            try:
                bindir = local.find_bindir(cfg, line)
                out.append(f"{self.spec.name}@{line.version}: {local.version(bindir)} from {bindir}")
            except EngineUnavailable as exc:
                out.append(f"{self.spec.name}@{line.version}: not available: {exc}")
        return out

    def access(self) -> AccessDialect:
        from dbintegrity.engines.postgres.access import DIALECT

        return DIALECT

    def mutations(self, catalog: Any) -> Any:
        from dbintegrity.engines.postgres import mutations

        return mutations.dialect(catalog)

    def container(self, image: str, password: str) -> tuple[Any, int]:
        from testcontainers.community.postgres import PostgresContainer

        return PostgresContainer(image, username="postgres", password=password, dbname="postgres"), 5432

    def error_code(self, exc: BaseException) -> str:
        return str(getattr(exc, "sqlstate", None) or "")

    def quote(self, identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    def prepare_session(self, conn: Any) -> None:
        # No server-side prepared statements: psycopg prepares a query on its fifth run and forgets them all on
        # every ROLLBACK (each example's and each refused statement's ROLLBACK TO SAVEPOINT), then sends
        # DEALLOCATE ALL, an extra round trip, before the next query: in a probe session that is churn, not reuse.
        conn.prepare_threshold = None
        # Parameters bound in the client (capability parameters_bound_in_client): a statement and the savepoint
        # it needs go to the server as one simple query, one round trip instead of two.
        conn.cursor_factory = psycopg.ClientCursor
        conn.execute("SET TIME ZONE 'UTC'")

    def freeze_clock(self, utc_now: dt.datetime, wanted: dt.datetime) -> list[str]:
        """PostgreSQL reads the clock once per transaction (``now()`` is the transaction's start) and has no
        way to set it, so the probe moves the session's time zone instead: ``CURRENT_DATE`` and
        ``LOCALTIMESTAMP`` then read the transaction's fixed instant as a wall-clock time within a minute of
        ``wanted`` (offsets are whole minutes; POSIX zones reach 167 hours either way).  ``SET`` is
        transactional, so rolling back the example's savepoint restores UTC as well."""
        minutes = round((wanted - utc_now).total_seconds() / 60)
        if abs(minutes) >= 168 * 60:
            raise ValueError(f"cannot move PostgreSQL's clock by {minutes} minutes (at most 167 hours)")
        sign = "-" if minutes >= 0 else "+"  # POSIX: 'UTC-5' is five hours EAST of Greenwich
        return [f"SET TIME ZONE 'UTC{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}'"]

    def thaw_clock(self) -> list[str]:
        return ["SET TIME ZONE 'UTC'"]

    def check_constraints_at_once(self, conn: Any) -> None:
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def server_version(self, conn: Any) -> str:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]).split()[0]

    def create_database(self, server: Server, name: str, template: str | None = None) -> None:
        with self.connection(server, server.admin_database) as conn:
            query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template is not None:
                query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
            conn.execute(query)

    def set_home_namespace(self, server: Server, database: str, namespace: str) -> None:
        """The database's default search path (a clone does not inherit it: set on every copy)."""
        with self.connection(server, server.admin_database) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} SET search_path TO {}, public").format(
                sql.Identifier(database), sql.Identifier(namespace)))

    def drop_database(self, server: Server, name: str) -> None:
        with self.connection(server, server.admin_database) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def list_databases(self, server: Server, prefix: str) -> list[str]:
        with self.connection(server, server.admin_database) as conn:
            rows = conn.execute("SELECT datname FROM pg_database").fetchall()
            return sorted(r[0] for r in rows if r[0].startswith(prefix))

    def list_roles(self, server: Server) -> set[str]:
        with self.connection(server, server.admin_database) as conn:
            return {str(r[0]) for r in conn.execute("SELECT rolname FROM pg_roles").fetchall()}

    def drop_role(self, server: Server, name: str) -> None:
        with self.connection(server, server.admin_database) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))

    def copy_error_row(self, exc: BaseException) -> int | None:
        context = getattr(getattr(exc, "diag", None), "context", None) or ""
        m = re.search(r"\bCOPY [^,]+, line (\d+)", context)
        return int(m.group(1)) if m else None

    def copy_in(self, cursor: Any, statement: str, data: str) -> None:
        with cursor.copy(statement) as copy:
            copy.write(data)

    def error_message(self, exc: BaseException) -> str:
        diag = getattr(exc, "diag", None)
        primary = getattr(diag, "message_primary", None) if diag is not None else None
        if primary:
            state = getattr(diag, "sqlstate", None) or ""
            return f"ERROR {state}: {primary}".replace("ERROR : ", "ERROR: ")
        return " ".join(str(exc).split()) or type(exc).__name__

    # -- introspection ------------------------------------------------------------------------
    def namespaces(self, conn: Any, database: str) -> dict[str, int]:
        rows = conn.execute(
            "SELECT n.nspname, count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition) "
            f"FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid WHERE {_USER_NAMESPACE} "
            "GROUP BY n.nspname").fetchall()
        return {str(name): int(n) for name, n in rows if n or name != namespaces.DEFAULT_SCHEMA}

    def introspect(self, conn: Any, database: str, schemas: Sequence[str] = ()) -> Schema:
        schema = Schema()
        cur = conn.cursor()
        spaces: dict[int, str] = dict(cur.execute(
            f"SELECT n.oid, n.nspname FROM pg_namespace n WHERE {_USER_NAMESPACE}").fetchall())
        if schemas:
            spaces = {oid: name for oid, name in spaces.items() if name in schemas}
        home = _home(cur)
        tables = cur.execute(
            "SELECT c.oid, c.relnamespace, c.relname FROM pg_class c "
            "WHERE c.relnamespace = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "ORDER BY c.relname", (list(spaces),)).fetchall()
        by_oid: dict[int, Table] = {}
        for oid, nsp, rel in tables:
            name = namespaces.qualified(spaces[nsp], rel, home)
            by_oid[oid] = schema.tables[name] = Table(name)
        for nsp, rel, vcols in cur.execute(
            "SELECT c.relnamespace, c.relname, (SELECT array_agg(a.attname::text ORDER BY a.attnum) "
            " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) "
            "FROM pg_class c WHERE c.relnamespace = ANY(%s) AND c.relkind IN ('v', 'm')", (list(spaces),)).fetchall():
            vname = namespaces.qualified(spaces[nsp], rel, home)
            schema.views[vname] = View(vname, tuple(vcols or ()))
        if not by_oid:
            return schema
        oids = list(by_oid)
        cur.execute("SET TIME ZONE 'UTC'")  # partition bounds of timestamptz keys print in UTC, like probes
        domains = _domains(cur)
        labels: dict[int, list[str]] = dict(cur.execute(
            "SELECT enumtypid, array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum GROUP BY enumtypid").fetchall())
        for row in cur.execute(
            "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), a.attgenerated, t.typtype, a.atttypid, a.attidentity "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attrelid, a.attnum", (oids,)).fetchall():
            column, domain_checks = _column(row[1:], domains, labels, self.quote)
            by_oid[row[0]].columns[column.name] = column
            by_oid[row[0]].checks += domain_checks
        for oid, key, bounds in cur.execute(
            "SELECT p.oid, pg_get_partkeydef(p.oid), (SELECT array_agg(pg_get_expr(c.relpartbound, c.oid)) "
            " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = p.oid) "
            "FROM pg_class p WHERE p.oid = ANY(%s) AND p.relkind = 'p'", (oids,)).fetchall():
            route = _partition_rule(key, bounds or [])
            if route is not None:  # rows no partition accepts are refused like a CHECK (SQLSTATE 23514)
                by_oid[oid].checks.append(Check(normalize(route, "postgres"), name="partition bounds", raw=route))
        for oid, conname, contype, cols, fcols, fschema, ftable, deltype, updtype, definition in cur.execute(
            "SELECT c.conrelid, c.conname, c.contype, "
            "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
            "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n), "
            "fn.nspname, fc.relname, c.confdeltype, c.confupdtype, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c LEFT JOIN pg_class fc ON fc.oid = c.confrelid "
            "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
            "WHERE c.conrelid = ANY(%s) ORDER BY c.conname", (oids,)).fetchall():
            table = by_oid[oid]
            if contype == "p":
                table.primary_key = tuple(cols)
            elif contype == "f":
                table.foreign_keys.append(ForeignKey(
                    columns=tuple(cols), ref_table=namespaces.qualified(fschema, ftable, home), ref_columns=tuple(fcols),
                    on_delete=_FK_ACTION[deltype], on_update=_FK_ACTION[updtype], name=conname))
            elif contype == "c":
                body = re.sub(r"^CHECK\s*", "", definition).removesuffix(" NOT VALID")
                table.checks.append(Check(normalize(body, "postgres"), name=conname, raw=body))
            elif contype == "x":
                table.exclusions.append(_exclusion(conname, definition))
        for oid, iname, is_constraint, indisunique, indisprimary, keys, exprs, same_nulls in cur.execute(
            "SELECT i.indrelid, i.indexrelid::regclass::text, "
            "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype = 'u'), "
            "i.indisunique, i.indisprimary, "
            "(SELECT array_agg(coalesce(a.attname, '') ORDER BY k.i) FROM unnest(i.indkey) "
            " WITH ORDINALITY k(n, i) LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n "
            " WHERE k.i <= i.indnkeyatts), pg_get_expr(i.indexprs, i.indrelid), "
            "coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) "  # a column of PostgreSQL 15+
            "FROM pg_index i WHERE i.indrelid = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint x "
            " WHERE x.conindid = i.indexrelid AND x.contype = 'x')",  # an exclusion constraint's own index
            (oids,)).fetchall():
            if indisprimary:
                continue
            cols = tuple(keys)
            if exprs:
                cols = tuple(c or f"({normalize(exprs, 'postgres')})" for c in cols)
            by_oid[oid].indexes.append(Index(cols, unique=bool(indisunique), name=iname.split(".")[-1].strip('"'),
                                             constraint=bool(is_constraint),
                                             nulls_distinct=not (indisunique and same_nulls)))
        _fold_partition_rules(cur, by_oid)
        on_update, on_update_functions = _on_update_columns(cur, oids)
        for oid, tgname, tgtype, funcoid in cur.execute(
            "SELECT tgrelid, tgname, tgtype, tgfoid FROM pg_trigger WHERE tgrelid = ANY(%s) AND NOT tgisinternal",
            (oids,)).fetchall():
            if funcoid not in on_update_functions:  # those implement ON UPDATE CURRENT_TIMESTAMP: a column rule
                by_oid[oid].triggers.append(_trigger(tgname, tgtype))
        for oid, col in on_update:
            table = by_oid[oid]
            if col in table.columns:
                c = table.columns[col]
                table.columns[col] = Column(c.name, c.type, c.nullable, c.default, c.enum, c.generated,
                                            on_update="CURRENT_TIMESTAMP")
        for table in by_oid.values():
            # A UNIQUE constraint and an explicit unique index on the same columns are one rule.
            table.indexes = sorted(set(table.indexes), key=lambda ix: (ix.unique, ix.columns))
        from dbintegrity.engines.postgres.access import introspect_privileges

        schema.privileges = introspect_privileges(conn, spaces, home)
        return schema


def _column(row: tuple[Any, ...], domains: dict[int, _Domain], labels: dict[int, list[str]],
            quote: Any) -> tuple[Column, list[Check]]:
    """One column from its pg_attribute row, and the CHECKs its domain (if any) puts on it.

    A domain column behaves as its base type plus the domain's NOT NULL, DEFAULT and CHECKs (over
    VALUE, rewritten over the column), domains over domains included.
    """
    name, typ, notnull, default, gen, typtype, typid, identity = row
    checks: list[Check] = []
    seen: set[int] = set()
    while typtype == "d" and typid in domains and typid not in seen:
        seen.add(typid)
        dom = domains[typid]
        notnull = notnull or dom.notnull
        default = default if default is not None else dom.default
        for cname, body in dom.checks:
            expr = _value_to_column(body, quote(name))
            checks.append(Check(normalize(expr, "postgres"), name=f"{dom.name}.{cname}", raw=expr))
        typid, typ, typtype = dom.base, dom.base_type, dom.base_typtype
    ntype = "enum" if typtype == "e" else _neutral_type(typ)
    generated = normalize(default, "postgres") if gen == "s" else None
    if identity:  # GENERATED ... AS IDENTITY: numbered by the engine, no pg_attrdef default
        neutral_default: str | None = IDENTITY_ALWAYS if identity == "a" else AUTOINCREMENT
    else:
        neutral_default = None if generated else _default(default, ntype)
    enum_labels = labels.get(typid) if typtype == "e" else None
    return Column(name=name, type=ntype, nullable=not notnull, default=neutral_default,
                  enum=tuple(enum_labels) if enum_labels is not None else None, generated=generated), checks


@dataclass(frozen=True)
class _Domain:
    name: str
    base: int
    base_type: str
    base_typtype: str
    notnull: bool
    default: str | None
    checks: tuple[tuple[str, str], ...]
    """(constraint name, expression over VALUE) of each CHECK of the domain."""


def _domains(cur: Any) -> dict[int, _Domain]:
    """Every domain of the database by type oid, with its base type and its own rules."""
    out: dict[int, _Domain] = {}
    for oid, name, base, base_type, base_typtype, notnull, default, names, defs in cur.execute(
        "SELECT t.oid, t.typname, t.typbasetype, format_type(t.typbasetype, t.typtypmod), b.typtype, "
        "t.typnotnull, t.typdefault, "
        "(SELECT array_agg(c.conname::text ORDER BY c.conname) FROM pg_constraint c "
        " WHERE c.contypid = t.oid AND c.contype = 'c'), "
        "(SELECT array_agg(pg_get_constraintdef(c.oid) ORDER BY c.conname) FROM pg_constraint c "
        " WHERE c.contypid = t.oid AND c.contype = 'c') "
        "FROM pg_type t JOIN pg_type b ON b.oid = t.typbasetype WHERE t.typtype = 'd'").fetchall():
        checks = tuple((n, re.sub(r"^CHECK\s*", "", d).removesuffix(" NOT VALID"))
                       for n, d in zip(names or [], defs or [], strict=True))
        out[oid] = _Domain(name, base, base_type, base_typtype, bool(notnull), default, checks)
    return out


def _value_to_column(expression: str, column: str) -> str:
    """A domain CHECK over ``VALUE`` as a CHECK over ``column`` (string literals left alone)."""
    parts = re.split(r"('(?:[^']|'')*')", expression)
    return "".join(part if i % 2 else re.sub(r"\bVALUE\b", column, part) for i, part in enumerate(parts))


_RANGE_BOUND = re.compile(r"FOR VALUES FROM \((.+)\) TO \((.+)\)", re.DOTALL)
_LIST_BOUND = re.compile(r"FOR VALUES IN \((.+)\)", re.DOTALL)


def _partition_rule(key: str, bounds: list[str]) -> str | None:
    """The rows a partitioned table without a DEFAULT partition accepts, as a CHECK expression.

    A row no partition takes is refused with SQLSTATE 23514, exactly like a CHECK.  Range and list
    partitioning on one plain column are expressed; anything else (hash, several columns, expressions,
    sub-partitions) becomes an expression the evaluator refuses, so probes of the table skip with it
    instead of guessing.  None when every row has a home (a DEFAULT partition).
    """
    if any(b.strip() == "DEFAULT" for b in bounds):
        return None
    m = re.fullmatch(r"(RANGE|LIST) \((\w+|\"[^\"]+\")\)", key.strip())
    if m is None or not bounds:
        return f"dbintegrity_partition_key({_quote_literal(key)})"
    strategy, col = m.groups()
    arms: list[str] = []
    nulls = False
    for bound in bounds:
        if strategy == "LIST" and (lm := _LIST_BOUND.fullmatch(bound.strip())):
            values = [v.strip() for v in _split_values(lm.group(1))]
            nulls = nulls or any(v.upper() == "NULL" for v in values)
            values = [v for v in values if v.upper() != "NULL"]
            if values:
                arms.append(f"{col} IN ({', '.join(_plain(v) for v in values)})")
        elif strategy == "RANGE" and (rm := _RANGE_BOUND.fullmatch(bound.strip())):
            low, high = _plain(rm.group(1).strip()), _plain(rm.group(2).strip())
            sides = ([] if low.upper() == "MINVALUE" else [f"{col} >= {low}"]) + \
                    ([] if high.upper() == "MAXVALUE" else [f"{col} < {high}"])
            arms.append("(" + " AND ".join(sides) + ")" if sides else "TRUE")
        else:
            return f"dbintegrity_partition_key({_quote_literal(key)})"
    accepted = " OR ".join(arms) if arms else "FALSE"
    return f"({col} IS NULL OR {accepted})" if nulls else f"({col} IS NOT NULL AND ({accepted}))"


_EXCLUDE_RANGE = re.compile(r'(?:ts|tstz|date)range\(\s*("(?:[^"]|"")+"|\w+)\s*,\s*("(?:[^"]|"")+"|\w+)\s*'
                            r"(?:,\s*'\[\)'::text\s*)?\)\s+WITH\s+&&")
_EXCLUDE_EQUAL = re.compile(r'("(?:[^"]|"")+"|\w+)\s+WITH\s+=')


def _ident(text: str) -> str:
    return text[1:-1].replace('""', '"') if text.startswith('"') else text


def _exclusion(name: str, definition: str) -> Exclusion:
    """An ``EXCLUDE USING gist (k WITH =, ..., tsrange(start, end) WITH &&)`` constraint in the model's form;
    any other shape keeps its name and an empty period, so the contract comparison names it as different."""
    body = definition[definition.find("(") + 1:]
    period = _EXCLUDE_RANGE.search(body)
    rest = _EXCLUDE_RANGE.sub("", body) if period else body
    equal = tuple(_ident(m.group(1)) for m in _EXCLUDE_EQUAL.finditer(rest))
    during = (_ident(period.group(1)), _ident(period.group(2))) if period else ()
    return Exclusion(name, equal, during)


def _home(cur: Any) -> str:
    """The schema whose tables the model names bare: the first of the search path (``public`` unless the
    database's default search path puts a pack's own namespace first, see :meth:`set_home_namespace`)."""
    row = cur.execute("SELECT current_schema()").fetchone()
    return str(row[0]) if row and row[0] else namespaces.DEFAULT_SCHEMA


def _fold_partition_rules(cur: Any, by_oid: dict[int, Table]) -> None:
    """Give each partitioned table the foreign keys and CHECKs its partitions declare of their own.

    A row written through the parent lands in a partition and meets that partition's rules: a foreign key
    every partition declares alike is the parent's foreign key; a CHECK every partition declares is the
    parent's CHECK; a CHECK only some partitions declare holds for the rows in their bounds, stated as
    ``NOT (bounds) OR (check)``.  A foreign key only some partitions declare is left out (no rule of the
    parent can say it), and so are the constraints partitions inherit from the parent (already read).
    """
    oids = list(by_oid)
    keys = dict(cur.execute("SELECT p.oid, pg_get_partkeydef(p.oid) FROM pg_class p "
                            "WHERE p.oid = ANY(%s) AND p.relkind = 'p'", (oids,)).fetchall())
    if not keys:
        return
    partitions: dict[int, dict[int, str]] = {}
    for parent, part, bound in cur.execute(
        "SELECT i.inhparent, c.oid, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ANY(%s)", (list(keys),)).fetchall():
        partitions.setdefault(parent, {})[part] = bound
    fks: dict[int, dict[tuple[Any, ...], set[int]]] = {}
    checks: dict[int, dict[str, set[int]]] = {}
    names: dict[tuple[int, Any], str] = {}
    parent_of = {part: parent for parent, parts in partitions.items() for part in parts}
    for part, conname, contype, cols, fcols, fschema, ftable, deltype, updtype, definition in cur.execute(
        "SELECT c.conrelid, c.conname, c.contype, "
        "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n), "
        "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
        " JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n), "
        "fn.nspname, fc.relname, c.confdeltype, c.confupdtype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c LEFT JOIN pg_class fc ON fc.oid = c.confrelid "
        "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
        "WHERE c.conrelid = ANY(%s) AND c.contype IN ('f', 'c') AND c.conparentid = 0 AND c.conislocal "
        "ORDER BY c.conname", (list(parent_of),)).fetchall():
        parent = parent_of[part]
        if contype == "f":
            ref = namespaces.qualified(fschema, ftable, _home(cur))
            key: tuple[Any, ...] = (tuple(cols), ref, tuple(fcols), deltype, updtype)
            fks.setdefault(parent, {}).setdefault(key, set()).add(part)
            names.setdefault((parent, key), conname)
        else:
            body = re.sub(r"^CHECK\s*", "", definition).removesuffix(" NOT VALID")
            checks.setdefault(parent, {}).setdefault(body, set()).add(part)
            names.setdefault((parent, body), conname)
    for parent, parts in partitions.items():
        table = by_oid[parent]
        have_fks = {(fk.columns, fk.ref_table, fk.ref_columns) for fk in table.foreign_keys}
        for (cols, ref, rcols, deltype, updtype), where in fks.get(parent, {}).items():
            if where == set(parts) and (cols, ref, rcols) not in have_fks:
                table.foreign_keys.append(ForeignKey(
                    columns=cols, ref_table=ref, ref_columns=rcols, on_delete=_FK_ACTION[deltype],
                    on_update=_FK_ACTION[updtype], name=names[(parent, (cols, ref, rcols, deltype, updtype))]))
        have_checks = {c.raw for c in table.checks}
        for body, where in checks.get(parent, {}).items():
            if where == set(parts):
                rule = body
            else:  # only the rows in these partitions' bounds must pass it
                bounds = _partition_rule(keys[parent], [parts[p] for p in sorted(where)])
                rule = f"(NOT {bounds} OR ({body}))" if bounds else body
            if rule not in have_checks:
                table.checks.append(Check(normalize(rule, "postgres"), name=names[(parent, body)], raw=rule))


def _split_values(text: str) -> list[str]:
    """The comma-separated literals of a partition bound, commas inside quotes kept."""
    return [m.group(0) for m in re.finditer(r"'(?:[^']|'')*'|[^,\s][^,]*", text)]


def _plain(literal: str) -> str:
    """A bound literal without a cast; a UTC timestamp keeps its value and loses its zone (probes use UTC)."""
    m = re.fullmatch(r"('(?:[^']|'')*')(?:::[\w .\"\[\]()]+)?", literal)
    if m is None:
        return literal
    return re.sub(r"\+00(?::00)?'$", "'", m.group(1))


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_ASSIGN_NOW = re.compile(r"NEW\.(\w+)\s*:?=\s*(?:current_timestamp|now\(\)|localtimestamp)", re.IGNORECASE)


def _trigger(name: str, tgtype: int) -> Trigger:
    timing = "INSTEAD OF" if tgtype & 64 else ("BEFORE" if tgtype & 2 else "AFTER")
    events = tuple(sorted(ev for bit, ev in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE"))
                          if tgtype & bit))
    return Trigger(name, timing, events)


def _on_update_columns(cur: Any, oids: list[int]) -> tuple[list[tuple[int, str]], set[int]]:
    """Columns that a BEFORE UPDATE row trigger sets to the current time: MySQL's ON UPDATE CURRENT_TIMESTAMP.

    Recognised when the trigger function assigns ``NEW.col := CURRENT_TIMESTAMP`` literally and also
    reads ``OLD.col`` (so it can keep an explicit new value, as MySQL does), or when it mentions
    CURRENT_TIMESTAMP and the trigger's first argument names a column of the table (one generic function
    shared by many tables).  A function that stamps the column on every update, whatever the statement
    set, behaves differently from ON UPDATE CURRENT_TIMESTAMP and stays a trigger of the contract.
    """
    rows = cur.execute(
        "SELECT t.tgrelid, p.prosrc, t.tgnargs, t.tgargs, p.oid, "
        "(SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = t.tgrelid AND attnum > 0) "
        "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = ANY(%s) AND NOT t.tgisinternal "
        "AND (t.tgtype & 1) = 1 AND (t.tgtype & 2) = 2 AND (t.tgtype & 16) = 16 AND t.tgattr::text = ''",
        (oids,)).fetchall()
    out: list[tuple[int, str]] = []
    functions: set[int] = set()
    for oid, src, nargs, args, funcoid, cols in rows:
        text = src or ""
        found = [(oid, m.group(1).lower()) for m in _ASSIGN_NOW.finditer(text)
                 if re.search(rf"\bOLD\.{re.escape(m.group(1))}\b", text, re.IGNORECASE)]
        if nargs and re.search(r"current_timestamp|now\(\)", text, re.IGNORECASE):
            first = bytes(args).split(b"\x00")[0].decode()
            if first in (cols or []):
                found.append((oid, first))
        if found:
            functions.add(funcoid)
            out += found
    return sorted(set(out)), functions


def _neutral_type(pg_type: str) -> str:
    t = pg_type.lower()
    if t.endswith("[]"):  # arrays: the element's family, without its size
        return _neutral_type(t[:-2]).split("(", 1)[0] + "[]"
    m = re.fullmatch(r"(character varying|character|numeric)\((\d+)(?:,(\d+))?\)", t)
    if m:
        kind = {"character varying": "varchar", "character": "char", "numeric": "decimal"}[m.group(1)]
        return f"{kind}({m.group(2)},{m.group(3)})" if m.group(3) is not None else f"{kind}({m.group(2)})"
    base = re.sub(r"\(\d+\)", "", t)
    return _TYPES.get(base, base)


_NUMERIC_TYPES = frozenset({"smallint", "integer", "bigint", "decimal", "float", "double"})


def _default(value: str | None, ntype: str) -> str | None:
    """The neutral default, matching :func:`dbintegrity.engines.mysql._default`."""
    if value is None:
        return None
    v = value.strip()
    if re.fullmatch(r"\(?NULL\)?(?:::[\w .\"\[\]()]+)?", v, re.IGNORECASE):
        return None  # `DEFAULT NULL` of a varchar column is kept as NULL::character varying: no default, as on MySQL
    if v.startswith("nextval("):
        return "autoincrement"
    m = re.fullmatch(r"'((?:[^']|'')*)'(?:::[\w .\"\[\]()]+)?", v)
    if m:
        if ntype == "boolean":
            return "true" if m.group(1).lower() in ("t", "true", "1") else "false"
        if ntype.split("(", 1)[0] in _NUMERIC_TYPES and re.fullmatch(r"-?\d+(?:\.\d+)?", m.group(1)):
            return m.group(1)  # a negative number comes back quoted ('-1'::integer): a number, as on MySQL
        return f"'{m.group(1)}'"
    if v.lower() in ("current_timestamp", "now()", "transaction_timestamp()", "localtimestamp",
                     "current_timestamp(0)"):
        return "CURRENT_TIMESTAMP"
    m = re.fullmatch(r"\(?(-?\d+(?:\.\d+)?)\)?(?:::[\w ]+)?", v)
    if m:
        return m.group(1)
    if v in ("true", "false"):
        return v
    return f"({normalize(v, 'postgres')})"
