"""MariaDB DDL for the mutation operators: MySQL's (:mod:`dbintegrity.engines.mysql.mutations`), but for the
statements MariaDB spells otherwise (measured on 10.11 and 11.8).

``ALTER TABLE ... DROP CHECK`` is a syntax error (MariaDB drops a CHECK as a constraint); a generated column's
definition may not say NULL or NOT NULL; a role is not an account: it has no host, so a grant to the role
``hm_nurse`` names ``hm_nurse``, where MySQL names ``'hm_nurse'@'%'`` (ERROR 1133 otherwise); and a contract
``uuid`` column is MariaDB's own ``UUID`` type (10.7 and newer), not MySQL's ``CHAR(36)`` stand-in, so a column
restated by ``MODIFY`` keeps that type when the pack uses it.
"""

from __future__ import annotations

from dbintegrity.engines.mysql.mutations import MySQLMutations, account, q
from dbintegrity.engines.mysql.uuids import UUID_TYPE
from dbintegrity.mutation.operators import Catalog, grant_statement
from dbintegrity.pack.model import Check, Column


class MariaDBMutations(MySQLMutations):
    generated_nullability = False

    def _modify(self, table: str, col: Column) -> list[str]:
        """MySQL's ``MODIFY``, but a column of MariaDB's ``UUID`` type (the contract's ``uuid``, as MySQL's
        ``CHAR(36)`` stand-in is) is restated as ``UUID``: as the stand-in it would change type, and a key
        that foreign keys name could not change at all (ERROR 1832)."""
        statements = super()._modify(table, col)
        if col.type != "uuid" or not self.catalog.rows(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s "
                "AND column_name = %s AND data_type = 'uuid'", (table, col.name)):
            return statements
        stand_in = f"{q(col.name)} {UUID_TYPE}"
        return [s.replace(stand_in, f"{q(col.name)} UUID", 1) for s in statements]

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
