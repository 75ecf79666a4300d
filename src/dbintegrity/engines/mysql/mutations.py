"""MySQL DDL for the mutation operators of :mod:`dbintegrity.mutation.operators`.

MySQL changes a column's nullability, ENUM labels or generation expression only by restating the whole
column (``MODIFY``), so those operators rebuild the column definition from the contract column: neutral
type back to a MySQL type, nullability, DEFAULT and ON UPDATE.  The neutral type drops a few details
(TEXT vs MEDIUMTEXT, fractional seconds), which is harmless for a throwaway mutant: it changes nothing
the contract states, so it cannot kill or save a mutant by itself.
"""

from __future__ import annotations

import re

from dbintegrity.engines.mysql.uuids import UUID_TYPE
from dbintegrity.mutation.operators import Catalog, MutationError, NotApplicable, add_foreign_key, grant_statement
from dbintegrity.pack.model import Check, Column, Exclusion, ForeignKey, Index, Table, Trigger
from dbintegrity.sqltext.expr import to_dialect

_TYPES = {"integer": "INT", "bigint": "BIGINT", "smallint": "SMALLINT", "tinyint": "TINYINT",
          "float": "FLOAT", "double": "DOUBLE", "date": "DATE", "time": "TIME", "datetime": "DATETIME",
          "timestamp": "TIMESTAMP", "json": "JSON", "year": "YEAR", "text": "TEXT", "boolean": "TINYINT(1)"}
_SIZED = {"varchar": "VARCHAR", "char": "CHAR", "decimal": "DECIMAL", "bit": "BIT"}


def q(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def account(role: str) -> str:
    """A grantee as MySQL names an account: ``hm_nurse`` is the role ``'hm_nurse'@'%'``, ``app@localhost`` keeps
    its host (the form :func:`dbintegrity.engines.mysql.access.introspect_privileges` reads grantees back in)."""
    user, _, host = role.partition("@")
    return f"{literal(user)}@{literal(host or '%')}"


def mysql_expression(neutral: str) -> str:
    """A contract (neutral, PostgreSQL-flavoured) expression written for MySQL."""
    return to_dialect(neutral, "mysql")


def column_type(col: Column) -> str:
    """The MySQL type for a contract column: ``decimal(10,2)`` -> ``DECIMAL(10,2)``, ``enum`` -> ``ENUM('a',...)``."""
    family = col.family
    if family in ("enum", "set"):
        if not col.enum:
            raise MutationError(f"column {col.name}: an {family} without labels cannot be restated")
        return f"{family.upper()}({', '.join(literal(lab) for lab in col.enum)})"
    if family in _SIZED:
        m = re.fullmatch(r"\w+\((\d+(?:,\d+)?)\)", col.type)
        return f"{_SIZED[family]}({m.group(1)})" if m else _SIZED[family]
    if col.type in _TYPES:
        return _TYPES[col.type]
    if col.type == "uuid":
        return UUID_TYPE
    raise MutationError(f"column {col.name}: neutral type {col.type!r} has no MySQL spelling to restate it with")


def default_sql(neutral: str) -> str:
    """A contract DEFAULT as MySQL writes it (literals pass through; ``(expr)`` is an expression default)."""
    if neutral in ("true", "false"):
        return neutral.upper()
    if neutral.startswith("(") and neutral.endswith(")"):
        return f"({mysql_expression(neutral[1:-1])})"
    return neutral


def column_definition(col: Column, *, stored: bool = True, generated_nullability: bool = True) -> str:
    """The full definition ``MODIFY`` needs, from the contract column (``generated_nullability``: whether a
    generated column may say NULL / NOT NULL, which MariaDB refuses)."""
    parts = [q(col.name), column_type(col)]
    if col.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({mysql_expression(col.generated)}) {'STORED' if stored else 'VIRTUAL'}")
    if col.generated is None or generated_nullability:
        parts.append("NULL" if col.nullable else "NOT NULL")
    if col.default == "autoincrement":
        parts.append("AUTO_INCREMENT")
    elif col.default is not None and col.generated is None:
        parts.append(f"DEFAULT {default_sql(col.default)}")
    if col.on_update:
        parts.append(f"ON UPDATE {col.on_update}")
    return " ".join(parts)


class MySQLMutations:
    """See :class:`dbintegrity.mutation.operators.DialectMutations`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    generated_nullability = True
    """A generated column's definition may say NULL / NOT NULL (MySQL; MariaDB refuses it)."""

    def _modify(self, table: str, col: Column) -> list[str]:
        stored = True
        if col.generated is not None:
            rows = self.catalog.rows("SELECT extra FROM information_schema.columns WHERE table_schema = DATABASE() "
                                     "AND table_name = %s AND column_name = %s", (table, col.name))
            stored = not rows or "virtual" not in str(rows[0][0]).lower()
        return [f"ALTER TABLE {q(table)} MODIFY "
                f"{column_definition(col, stored=stored, generated_nullability=self.generated_nullability)}"]

    def drop_fk(self, table: str, fk: ForeignKey) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP FOREIGN KEY {q(fk.name or '')}"]

    def change_fk_action(self, table: str, fk: ForeignKey, on_delete: str) -> list[str]:
        # Two statements: MySQL rejects dropping and re-adding one FK name in a single ALTER.
        return [*self.drop_fk(table, fk), add_foreign_key(table, fk, on_delete, q)]

    def drop_check(self, table: str, check: Check) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP CHECK {q(check.name or '')}"]

    def loosen_check(self, table: str, check: Check, expression: str) -> list[str]:
        return [*self.drop_check(table, check),
                f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(check.name or '')} CHECK ({mysql_expression(expression)})"]

    def add_enum_label(self, table: str, column: Column, label: str) -> list[str]:
        return self._modify(table, column)

    def remove_enum_label(self, table: str, column: Column, label: str) -> list[str]:
        return self._modify(table, column)

    def change_generated(self, table: str, column: Column) -> list[str]:
        return self._modify(table, column)

    def drop_not_null(self, table: str, column: Column) -> list[str]:
        return self._modify(table, column)

    def drop_unique(self, table: Table, index: Index) -> list[str]:
        """Drop the unique index; if it is the only index an FK of the table can use, MySQL refuses
        (error 1553), so a plain index on the same columns takes over its FK duty first."""
        stmts = []
        others = [ix.columns for ix in table.indexes if ix.name != index.name] + [table.primary_key]
        needs = any(index.columns[:len(fk.columns)] == fk.columns
                    and not any(cols[:len(fk.columns)] == fk.columns for cols in others)
                    for fk in table.foreign_keys)
        if needs:
            stmts.append(f"ALTER TABLE {q(table.name)} ADD INDEX {q((index.name or 'ix') + '_dbi_fk')} "
                         f"({', '.join(map(q, index.columns))})")
        return [*stmts, f"ALTER TABLE {q(table.name)} DROP INDEX {q(index.name or '')}"]

    def change_default(self, table: str, column: Column) -> list[str]:
        if column.default is None:
            return [f"ALTER TABLE {q(table)} ALTER COLUMN {q(column.name)} DROP DEFAULT"]
        return [f"ALTER TABLE {q(table)} ALTER COLUMN {q(column.name)} SET DEFAULT {default_sql(column.default)}"]

    def drop_trigger(self, table: str, trigger: Trigger) -> list[str]:
        return [f"DROP TRIGGER {q(trigger.name)}"]  # trigger names belong to the database, not to a table

    def drop_exclusion(self, table: str, exclusion: Exclusion) -> list[str]:
        raise NotApplicable("MySQL has no exclusion constraints (the contract's triggers enforce them)")

    sqlglot_dialect = "mysql"

    def view_definition(self, view: str) -> str:
        rows = self.catalog.rows("SELECT view_definition FROM information_schema.views "
                                 "WHERE table_schema = DATABASE() AND table_name = %s", (view,))
        if not rows:
            raise MutationError(f"view {view}: not found in the unmutated pack")
        return str(rows[0][0])

    def replace_view(self, view: str, select: str) -> list[str]:
        # The definition names the template database in every reference; mutators strips it, so the view is
        # re-created over the mutant copy's own tables.
        return [f"CREATE OR REPLACE VIEW {q(view)} AS {select}"]

    # Grants name no database: the mutation file runs, like the rest of the pack, with the mutant's database
    # selected, so they land on its tables, where introspection reads them (information_schema.*_privileges).
    def revoke_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("REVOKE", table, account(role), operation, q)]

    def widen_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("GRANT", table, account(role), operation, q)]


def dialect(catalog: Catalog) -> MySQLMutations:
    return MySQLMutations(catalog)
