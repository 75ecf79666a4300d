"""PostgreSQL DDL for the mutation operators of :mod:`dbintegrity.mutation.operators`.

PostgreSQL alters one attribute at a time, so most operators are a single ALTER.  Two need more:
an enum label cannot be removed from a type, so the column moves to a new type without it (rename the
old type, create the new one, ``ALTER COLUMN ... TYPE ... USING``, drop the old one); and before
PostgreSQL 17 a generation expression cannot be changed, so the column is dropped and added again,
with the constraints, indexes and column privileges that went with it restored.  The catalog answers what the neutral
model leaves out: the enum's type name and the column's exact type.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from dbintegrity.mutation.operators import Catalog, MutationError, add_foreign_key, grant_statement
from dbintegrity.pack.model import Check, Column, Exclusion, ForeignKey, Index, Table, Trigger
from dbintegrity.sqltext.expr import normalize

_REL = "quote_ident(%s)::regclass"


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def grantee(role: str) -> str:
    """``PUBLIC`` is a keyword, not a role: introspection reports grants to everyone under that name."""
    return role if role == "PUBLIC" else q(role)


def _column_as_text(definition: str, column: str) -> str:
    """A CHECK's definition (``CHECK ((unit = 'C'::unit_type))``) with ``column`` read as text and the
    literals' enum casts gone: the same test, no longer tied to the enum type."""
    body = definition.strip()
    body = body[len("CHECK"):].strip() if body.upper().startswith("CHECK") else body
    body = body.removesuffix("NOT VALID").strip()
    tree = sqlglot.parse_one(normalize(body, "postgres"), read="postgres")
    tree = tree.transform(lambda n: exp.Cast(this=n.copy(), to=exp.DataType.build("text"))
                          if isinstance(n, exp.Column) and n.name == column else n)
    return tree.sql(dialect="postgres")


class PostgresMutations:
    """See :class:`dbintegrity.mutation.operators.DialectMutations`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def _column_type(self, table: str, column: str) -> tuple[str, str, str, int]:
        """(schema, type name, format_type, number of columns using the type) of a live column."""
        rows = self.catalog.rows(
            "SELECT n.nspname, t.typname, format_type(a.atttypid, a.atttypmod), "
            "(SELECT count(*) FROM pg_attribute u WHERE u.atttypid = t.oid AND u.attnum > 0 AND NOT u.attisdropped) "
            "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE a.attrelid = {_REL} AND a.attname = %s AND NOT a.attisdropped", (table, column))
        if not rows:
            raise MutationError(f"{table}.{column}: not found in the unmutated pack")
        nsp, typ, formatted, users = rows[0]
        return str(nsp), str(typ), str(formatted), int(users)

    def drop_fk(self, table: str, fk: ForeignKey) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(fk.name or '')}"]

    def change_fk_action(self, table: str, fk: ForeignKey, on_delete: str) -> list[str]:
        return [*self.drop_fk(table, fk), add_foreign_key(table, fk, on_delete, q)]

    def drop_check(self, table: str, check: Check) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(check.name or '')}"]

    def loosen_check(self, table: str, check: Check, expression: str) -> list[str]:
        return [*self.drop_check(table, check),
                f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(check.name or '')} CHECK ({expression})"]

    def add_enum_label(self, table: str, column: Column, label: str) -> list[str]:
        nsp, typ, _, _ = self._column_type(table, column.name)
        return [f"ALTER TYPE {q(nsp)}.{q(typ)} ADD VALUE {literal(label)}"]

    def remove_enum_label(self, table: str, column: Column, label: str) -> list[str]:
        nsp, typ, _, users = self._column_type(table, column.name)
        old, new = f"{q(nsp)}.{q(typ[:54] + '__dbi_old')}", f"{q(nsp)}.{q(typ)}"
        col = f"ALTER TABLE {q(table)} ALTER COLUMN {q(column.name)}"
        # CHECKs over the column compare it with literals typed by the old enum ('C'::unit): they would block
        # the change, and one naming the removed label could not be re-created as written.  They go, and come
        # back comparing the column as text, which means the same for every label that remains.
        attnum = f"(SELECT attnum FROM pg_attribute WHERE attrelid = {_REL} AND attname = %s)"
        checks = self.catalog.rows(
            f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = {_REL} "
            f"AND contype = 'c' AND {attnum} = ANY(conkey) ORDER BY conname", (table, table, column.name))
        stmts = [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(str(name))}" for name, _ in checks]
        stmts += [f"ALTER TYPE {new} RENAME TO {q(typ[:54] + '__dbi_old')}",
                  f"CREATE TYPE {new} AS ENUM ({', '.join(literal(lab) for lab in column.enum or ())})",
                  f"{col} DROP DEFAULT",  # the old default is typed with the old enum: it would block the change
                  f"{col} TYPE {new} USING {q(column.name)}::text::{new}"]
        if column.default is not None:
            stmts.append(f"{col} SET DEFAULT {column.default}")
        stmts += [f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(str(name))} "
                  f"CHECK ({_column_as_text(str(definition), column.name)})" for name, definition in checks]
        if users == 1:  # other columns sharing the type keep it (under its new name), so it must stay
            stmts.append(f"DROP TYPE {old}")
        return stmts

    def change_generated(self, table: str, column: Column) -> list[str]:
        _, _, formatted, _ = self._column_type(table, column.name)
        attnum = f"(SELECT attnum FROM pg_attribute WHERE attrelid = {_REL} AND attname = %s)"
        constraints = self.catalog.rows(
            f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = {_REL} "
            f"AND contype IN ('c', 'u', 'f', 'x') AND {attnum} = ANY(conkey) ORDER BY conname",
            (table, table, column.name))
        indexes = self.catalog.rows(
            f"SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = {_REL} "
            f"AND {attnum} = ANY(i.indkey) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indexrelid", (table, table, column.name))
        grants = self.catalog.rows(
            "SELECT g.privilege_type, CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, "
            "g.is_grantable FROM pg_attribute a CROSS JOIN LATERAL aclexplode(a.attacl) g "
            f"LEFT JOIN pg_roles r ON r.oid = g.grantee WHERE a.attrelid = {_REL} AND a.attname = %s "
            "ORDER BY 2, 1", (table, column.name))
        null = "" if column.nullable else " NOT NULL"
        return [f"ALTER TABLE {q(table)} DROP COLUMN {q(column.name)}",
                f"ALTER TABLE {q(table)} ADD COLUMN {q(column.name)} {formatted} "
                f"GENERATED ALWAYS AS ({column.generated}) STORED{null}",
                *(f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}" for name, definition in constraints),
                *(str(definition) for (definition,) in indexes),
                *(f"GRANT {privilege} ({q(column.name)}) ON {q(table)} TO {grantee}"
                  f"{' WITH GRANT OPTION' if grantable else ''}" for privilege, grantee, grantable in grants)]

    def drop_not_null(self, table: str, column: Column) -> list[str]:
        return [f"ALTER TABLE {q(table)} ALTER COLUMN {q(column.name)} DROP NOT NULL"]

    def drop_unique(self, table: Table, index: Index) -> list[str]:
        if index.constraint:
            return [f"ALTER TABLE {q(table.name)} DROP CONSTRAINT {q(index.name or '')}"]
        return [f"DROP INDEX {q(index.name or '')}"]

    def change_default(self, table: str, column: Column) -> list[str]:
        action = "DROP DEFAULT" if column.default is None else f"SET DEFAULT {column.default}"
        return [f"ALTER TABLE {q(table)} ALTER COLUMN {q(column.name)} {action}"]

    def drop_trigger(self, table: str, trigger: Trigger) -> list[str]:
        # Only the trigger: its function may serve other tables' triggers (one audit function for all of them).
        return [f"DROP TRIGGER {q(trigger.name)} ON {q(table)}"]

    def drop_exclusion(self, table: str, exclusion: Exclusion) -> list[str]:
        return [f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(exclusion.name)}"]

    sqlglot_dialect = "postgres"

    def view_definition(self, view: str) -> str:
        rows = self.catalog.rows(f"SELECT pg_get_viewdef({_REL}, true)", (view,))
        if not rows or rows[0][0] is None:
            raise MutationError(f"view {view}: not found in the unmutated pack")
        return str(rows[0][0])

    def replace_view(self, view: str, select: str) -> list[str]:
        return [f"CREATE OR REPLACE VIEW {q(view)} AS {select}"]

    def revoke_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("REVOKE", table, grantee(role), operation, q)]

    def widen_grant(self, table: str, role: str, operation: str) -> list[str]:
        return [grant_statement("GRANT", table, grantee(role), operation, q)]


def dialect(catalog: Catalog) -> PostgresMutations:
    return PostgresMutations(catalog)
