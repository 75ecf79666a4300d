"""MySQL's part of role-based access: logins granted a role, the app user variable, privileges, stale grants.

A MySQL role cannot be entered from another account's session without that account also keeping its own
privileges (``SET ROLE`` only adds), so acting as a role takes a login of its own: created per run under
the run's database prefix, granted the role as its default, and dropped by
:meth:`dbintegrity.probes.access.Actors.close`.  Accounts and roles are server-wide, and ``DROP DATABASE`` leaves
the database's table and column grants behind in ``mysql.tables_priv`` / ``columns_priv``:
:func:`forget_grants` removes them when the suite drops one of its databases.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
from typing import Any

import pymysql

from dbintegrity.engines.base import Engine, Server
from dbintegrity.engines.parts import AccessDialect, Login
from dbintegrity.pack.model import grants

APP_USER_VARIABLE = "@dbintegrity_app_user_id"
"""The session's application user, read by the pack's audit triggers (04_audit.sql)."""


class MySQLAccess(AccessDialect):
    app_user_statement = f"SET {APP_USER_VARIABLE} = %s"

    def create_login(self, engine: Engine, server: Server, role: str, name: str) -> Login:
        password = secrets.token_urlsafe(18)
        with engine.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, password))
            cur.execute(f"GRANT {engine.quote(role)} TO %s@'%%'", (name,))
            cur.execute(f"SET DEFAULT ROLE {engine.quote(role)} TO %s@'%%'", (name,))
        return Login(role=role, user=name, password=password, identity=name)

    def drop_login(self, engine: Engine, server: Server, login: Login) -> None:
        with contextlib.suppress(pymysql.err.MySQLError), engine.connection(server, None) as conn, \
                conn.cursor() as cur:
            cur.execute("DROP USER IF EXISTS %s@'%%'", (login.user,))

    def connect(self, engine: Engine, server: Server, database: str, login: Login) -> Any:
        as_login = dataclasses.replace(server, user=login.user, password=login.password)
        conn = engine.connect(as_login, database, autocommit=False)
        engine.prepare_session(conn)
        with conn.cursor() as cur:  # a statement waiting on a row lock fails soon instead of hanging a test
            cur.execute("SET SESSION innodb_lock_wait_timeout = 10")
        return conn

    def json_text(self, column: str) -> str:
        return column  # PyMySQL returns JSON as its text


DIALECT = MySQLAccess()


def introspect_privileges(conn: Any, database: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Grantee -> table -> grants on ``database``'s tables, from information_schema (roles are accounts)."""
    found: dict[str, dict[str, list[str]]] = {}
    with conn.cursor() as cur:
        cur.execute("SELECT grantee, table_name, privilege_type FROM information_schema.table_privileges "
                    "WHERE table_schema = %s", (database,))
        for grantee, table, op in cur.fetchall():
            found.setdefault(_grantee(grantee), {}).setdefault(table, []).append(op)
        cur.execute("SELECT grantee, table_name, privilege_type, column_name FROM information_schema.column_privileges "
                    "WHERE table_schema = %s", (database,))
        for grantee, table, op, column in cur.fetchall():
            found.setdefault(_grantee(grantee), {}).setdefault(table, []).append(f"{op}({column})")
    return {role: {t: grants(ops) for t, ops in tables.items()} for role, tables in found.items()}


def _grantee(text: str) -> str:
    """``'hm_doctor'@'%'`` -> ``hm_doctor`` (a role, or an account of any host); else ``user@host``."""
    m = re.fullmatch(r"'((?:[^']|'')*)'@'((?:[^']|'')*)'", text)
    if not m:
        return text
    user, host = m.group(1).replace("''", "'"), m.group(2).replace("''", "'")
    return user if host == "%" else f"{user}@{host}"


def forget_grants(cur: Any, database: str) -> None:
    """Revoke every grant on ``database`` and its tables, which ``DROP DATABASE`` leaves in the grant tables.

    Best effort: an account that may not read the grant tables could not have granted anything either.
    """
    with contextlib.suppress(pymysql.err.MySQLError):
        cur.execute("SELECT user, host, table_name FROM mysql.tables_priv WHERE db = %s UNION "
                    "SELECT user, host, table_name FROM mysql.columns_priv WHERE db = %s UNION "
                    "SELECT user, host, NULL FROM mysql.db WHERE db = %s", (database, database, database))
        for user, host, table in cur.fetchall():
            target = f"`{database}`.`{table}`" if table is not None else f"`{database}`.*"
            with contextlib.suppress(pymysql.err.MySQLError):
                cur.execute(f"REVOKE ALL PRIVILEGES ON {target} FROM %s@%s", (user, host))
