"""MariaDB's part of role-based access: MySQL's, but for how a login is given its default role.

MariaDB writes ``SET DEFAULT ROLE role FOR user@host`` where MySQL writes ``... TO user@host`` (a syntax
error on MariaDB); everything else (logins per role, the app user variable, grants left behind by
``DROP DATABASE``) is :mod:`dbintegrity.engines.mysql.access`'s.
"""

from __future__ import annotations

import secrets

from dbintegrity.engines.base import Engine, Server
from dbintegrity.engines.mysql.access import MySQLAccess
from dbintegrity.engines.parts import Login


class MariaDBAccess(MySQLAccess):
    def create_login(self, engine: Engine, server: Server, role: str, name: str) -> Login:
        password = secrets.token_urlsafe(18)
        with engine.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, password))
            cur.execute(f"GRANT {engine.quote(role)} TO %s@'%%'", (name,))
            cur.execute(f"SET DEFAULT ROLE {engine.quote(role)} FOR %s@'%%'", (name,))
        return Login(role=role, user=name, password=password, identity=name)


DIALECT = MariaDBAccess()
