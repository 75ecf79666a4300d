"""MariaDB DDL for the mutation operators: MySQL's (:mod:`dbintegrity.engines.mysql.mutations`), but for the
statements MariaDB spells otherwise (measured on 10.11 and 11.8).

``ALTER TABLE ... DROP CHECK`` is a syntax error (MariaDB drops a CHECK as a constraint); a generated column's
definition may not say NULL or NOT NULL; and a role is not an account: it has no host, so a grant to the role
``hm_nurse`` names ``hm_nurse``, where MySQL names ``'hm_nurse'@'%'`` (ERROR 1133 otherwise).
"""

from __future__ import annotations

from dbintegrity.engines.mysql.mutations import MySQLMutations, account, q
from dbintegrity.mutation.operators import Catalog, grant_statement
from dbintegrity.pack.model import Check


class MariaDBMutations(MySQLMutations):
    generated_nullability = False

    def drop_check(self, table: str, check: Check) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(check.name or '')}"]

    def _grantee(self, role: str) -> str:
        """``hm_nurse`` is the role ``hm_nurse`` if there is one (introspection reads ``'hm_nurse'@''`` so),
        else the account ``'hm_nurse'@'%'``; ``app@localhost`` keeps its host."""
        if "@" not in role and self.catalog.rows("SELECT 1 FROM mysql.user WHERE user = %s AND is_role = 'Y'",
                                                 (role,)):
            return q(role)
        return account(role)

    def revoke_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("REVOKE", table, self._grantee(role), operation, q)]

    def widen_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("GRANT", table, self._grantee(role), operation, q)]


def dialect(catalog: Catalog) -> MariaDBMutations:
    return MariaDBMutations(catalog)
