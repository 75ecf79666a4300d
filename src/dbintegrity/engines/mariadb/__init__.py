"""MariaDB as an engine of its own: the MySQL family's driver and most of its SQL, with its own differences.

Measured against MySQL 9.7 (ENGINES.md): CHECK violations are error 4025 (not 3819); information_schema
reports column defaults as SQL text (``'label'``, ``NULL``, ``current_timestamp()``) where MySQL reports
the bare value; there are no functional indexes (no ``statistics.expression``); JSON is LONGTEXT with an
implicit ``CHECK (json_valid(col))``; CHECK constraint names are unique per table, not per schema; roles
are not accounts, so ``DROP USER`` does not drop them.  Everything else is inherited from
:class:`~dbintegrity.engines.mysql.MySQLEngine`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from dbintegrity.engines.base import Capabilities, Server, Since
from dbintegrity.engines.mysql import MySQLEngine
from dbintegrity.engines.parts import AccessDialect
from dbintegrity.pack.model import Schema

_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_JSON_VALID = re.compile(r"json_valid\(`?(\w+)`?\)", re.IGNORECASE)
"""The CHECK MariaDB adds to a JSON column (read back normalised: ``JSON_VALID(col)``)."""
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", re.IGNORECASE)


class MariaDBEngine(MySQLEngine):
    base_capabilities = Capabilities(
        error_aborts_transaction=False, template_databases=False, check_constraints=True,
        row_level_security=False, enum_input_folds_case=True, text_ignores_case=True,
        self_referencing_update_actions=False, fk_actions_fire_triggers=False, timestamp_null_stores_now=True,
        parameters_bound_in_client=True,
    )
    capability_versions = (Since("check_constraints", "10.2.1", False, "MariaDB ignored CHECK before 10.2.1"),)
    error_kinds = {**MySQLEngine.error_kinds, "4025": "check"}  # noqa: RUF012 - a class-level table
    _index_expression = "NULL"
    _check_join = "AND cc.table_name = tc.table_name"

    def _column_row(self, r: dict[str, Any]) -> dict[str, Any]:
        """MariaDB's ``column_default`` is SQL text; turn it into MySQL's form (value, or expression +
        ``DEFAULT_GENERATED`` in ``extra``) so one reading of defaults serves both."""
        out = dict(r)
        d = r["d"]
        extra = str(r["x"] or "")
        if d is None or str(d) == "NULL":
            out["d"] = None
        elif (m := _QUOTED.fullmatch(str(d))) is not None:
            out["d"] = m.group(1).replace("''", "'").replace("\\\\", "\\")
        elif not _NUMBER.fullmatch(str(d)) and "generated" not in extra.lower():
            out["x"] = f"{extra} DEFAULT_GENERATED".strip()
        return out

    def introspect(self, conn: Any, database: str, schemas: Sequence[str] = ()) -> Schema:
        schema = super().introspect(conn, database, schemas)
        # JSON columns are LONGTEXT plus an implicit CHECK (json_valid(col)) named after the column.
        for table in schema.tables.values():
            for check in list(table.checks):
                m = _JSON_VALID.fullmatch(check.expression)
                if m and check.name == m.group(1) and m.group(1) in table.columns:
                    table.columns[m.group(1)] = dataclasses.replace(table.columns[m.group(1)], type="json")
                    table.checks.remove(check)
        # A role's grants are the grantee 'role'@'' (a role has no host); MySQL's roles are 'role'@'%'.
        schema.privileges = {grantee.removesuffix("@"): tables for grantee, tables in schema.privileges.items()}
        self._drop_implicit_defaults_under_triggers(conn, database, schema)
        return schema

    def _drop_implicit_defaults_under_triggers(self, conn: Any, database: str, schema: Schema) -> None:
        """A NOT NULL ENUM without DEFAULT gets its first label, as on MySQL (introspection says so), but
        not on a table with a BEFORE INSERT trigger: MariaDB's strict mode refuses a row that leaves it out
        there (ERROR 1364), so no default is what the engine does."""
        with conn.cursor() as cur:
            cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
                        "AND data_type = 'enum' AND is_nullable = 'NO' AND column_default IS NULL", (database,))
            bare = cur.fetchall()
        for table_name, column_name in bare:
            table = schema.tables.get(table_name)
            if table is None or column_name not in table.columns:
                continue
            if any(tr.timing == "BEFORE" and "INSERT" in tr.events for tr in table.triggers):
                table.columns[column_name] = dataclasses.replace(table.columns[column_name], default=None)

    def access(self) -> AccessDialect:
        from dbintegrity.engines.mariadb.access import DIALECT

        return DIALECT

    def mutations(self, catalog: Any) -> Any:
        from dbintegrity.engines.mariadb import mutations

        return mutations.dialect(catalog)

    def list_roles(self, server: Server) -> set[str]:
        """Accounts as ``'user'@'host'`` and roles as ``ROLE name`` (MariaDB roles have no host)."""
        with self.connection(server, None) as conn, conn.cursor() as cur:
            cur.execute("SELECT user, host, is_role FROM mysql.user")
            return {f"ROLE `{u}`" if is_role == "Y" else f"'{u}'@'{h}'" for u, h, is_role in cur.fetchall()}

    def drop_role(self, server: Server, name: str) -> None:
        with self.connection(server, None) as conn, conn.cursor() as cur:
            if name.startswith("ROLE "):
                cur.execute(f"DROP ROLE IF EXISTS {name.removeprefix('ROLE ')}")
            else:
                cur.execute(f"DROP USER IF EXISTS {name}")

    def local_describe(self, cfg: Any) -> str:
        from dbintegrity.engines.mariadb import local

        bins = local.binaries(cfg, self.line)
        return f"MariaDB {bins.version} from {bins.root}"

    def local_start(self, cfg: Any, cache: Any) -> Server:
        from dbintegrity.engines.mariadb import local

        return local.start(cfg, cache, self.name, self.line)

    def provision(self, cfg: Any, *, force: bool = False, log: Callable[[str], None] = print) -> list[str]:
        from dbintegrity.engines.mariadb import local

        out = []
        for line in (self.spec.lines if self.line is None else (self.line,)):
            bins = local.provision(cfg, line, force=force, log=log)
            out.append(f"{self.spec.name}@{line.version}: {bins.version} ready in {bins.root}")
        return out
