"""PostgreSQL's part of role-based access: SET ROLE, the app user setting, privileges from the ACLs.

The suite's own connection (the server's superuser) becomes the role with ``SET ROLE`` at session level,
before its first transaction, so rolling a test back never drops the role; nothing server-wide is
created, so there is nothing to drop.  Grants are read from ``pg_class.relacl`` and
``pg_attribute.attacl`` with ``aclexplode``: unlike ``information_schema.column_privileges``, that lists
column grants only where a column was granted on its own, not every column of a table-level grant.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from dbintegrity.engines.base import Engine, Server
from dbintegrity.engines.parts import AccessDialect, Login
from dbintegrity.pack.model import grants
from dbintegrity.pack.namespaces import DEFAULT_SCHEMA, qualified

APP_USER_SETTING = "dbintegrity.app_user_id"
"""The session's application user, read by the pack's policies and audit trigger (03_roles.sql, 04_audit.sql)."""


class PostgresAccess(AccessDialect):
    # coalesce: set_config() does not take NULL; the pack reads '' as "no application user".
    app_user_statement = f"SELECT set_config('{APP_USER_SETTING}', coalesce(%s, ''), false)"

    def create_login(self, engine: Engine, server: Server, role: str, name: str) -> Login:
        return Login(role=role, user=server.user, password=server.password, identity=role, set_role=role)

    def drop_login(self, engine: Engine, server: Server, login: Login) -> None:
        return None  # create_login made nothing

    def connect(self, engine: Engine, server: Server, database: str, login: Login) -> Any:
        conn = engine.connect(server, database, autocommit=True)
        engine.prepare_session(conn)
        conn.execute("SET lock_timeout = '10s'")  # a statement waiting on a lock fails soon instead of hanging
        if login.set_role:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(login.set_role)))
        conn.autocommit = False
        return conn

    def json_text(self, column: str) -> str:
        return f"{column}::text"  # jsonb as text: numbers keep their digits (the driver would make floats)


DIALECT = PostgresAccess()


def introspect_privileges(conn: Any, spaces: dict[int, str],
                          home: str = DEFAULT_SCHEMA) -> dict[str, dict[str, tuple[str, ...]]]:
    """Grantee -> table -> grants on the tables and views of the schemas ``spaces`` (oid -> name), the owner's
    own left out; tables named as the model names them (``schema.table`` outside ``public``)."""
    rows = conn.execute(
        "SELECT coalesce(r.rolname, 'PUBLIC'), c.relnamespace, c.relname, x.privilege_type, NULL "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL aclexplode(c.relacl) x LEFT JOIN pg_roles r ON r.oid = x.grantee "
        "WHERE n.oid = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm') AND x.grantee <> c.relowner "
        "UNION ALL "
        "SELECT coalesce(r.rolname, 'PUBLIC'), c.relnamespace, c.relname, x.privilege_type, a.attname "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "CROSS JOIN LATERAL aclexplode(a.attacl) x LEFT JOIN pg_roles r ON r.oid = x.grantee "
        "WHERE n.oid = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 "
        "AND NOT a.attisdropped AND x.grantee <> c.relowner", (list(spaces), list(spaces))).fetchall()
    found: dict[str, dict[str, list[str]]] = {}
    for grantee, nsp, rel, op, column in rows:
        table = qualified(spaces[nsp], rel, home)
        found.setdefault(grantee, {}).setdefault(table, []).append(op if column is None else f"{op}({column})")
    return {role: {t: grants(ops) for t, ops in tables.items()} for role, tables in found.items()}
