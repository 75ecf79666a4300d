"""The report's expectations as plain data, derived from the contract (no Great Expectations here).

A :class:`Rule` names one expectation the way the gate names its tests (``appointments.status:value_set``,
``appointments.patient_id->patients.id:foreign_key``) and says which Great Expectations class checks it
with which arguments.  Keeping this step free of GX lets ``dbintegrity`` and unit tests build and inspect
the suite without paying GX's import (several seconds), and keeps the mapping from contract to
expectation reviewable on its own:

========================  ====================================================================
contract                  expectation
========================  ====================================================================
every table               ``ExpectTableRowCountToBeBetween(min_value=1)``: an empty table fails
NOT NULL                  ``ExpectColumnValuesToNotBeNull``
ENUM labels               ``UnexpectedRowsExpectation``: rows whose value, as text, is not a label
CHECK of simple bounds    ``ExpectColumnValuesToBeBetween`` (strict for ``<`` and ``>``)
any other CHECK           ``UnexpectedRowsExpectation``: rows for which it is false
PK / UNIQUE, one column   ``ExpectColumnValuesToBeUnique``
PK / UNIQUE, several      ``ExpectCompoundColumnsToBeUnique`` (rows with a NULL in the key skipped)
FOREIGN KEY               ``UnexpectedRowsExpectation``: child rows whose key is set, with no parent
========================  ====================================================================
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dbintegrity.pack.model import Schema, Table
from dbintegrity.report import neutralsql as nsql
from dbintegrity.sqltext.expr import spelled_as_columns

UNEXPECTED_ROWS = "UnexpectedRowsExpectation"


@dataclass(frozen=True)
class Rule:
    """One expectation, engine-neutral."""

    id: str
    """Readable and unique within the report, e.g. ``vitals.pain_scale:range``."""
    table: str
    kind: str
    """row_count, not_null, value_set, range, check, unique, compound_unique, foreign_key, or a kind of the
    expectations file (share, values_between, mean_between, no_rows)."""
    expectation: str
    """The Great Expectations class (``gx.expectations.<name>``)."""
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    """Arguments of the class; for ``UnexpectedRowsExpectation`` see :attr:`query` instead."""
    query: str | None = None
    """Neutral SQL with ``{batch}``, rendered per engine by :func:`neutralsql.render`."""
    description: str = ""
    source: str = "contract"
    why: str | None = None

    def __post_init__(self) -> None:
        if (self.expectation == UNEXPECTED_ROWS) != (self.query is not None):
            raise ValueError(f"{self.id}: a query goes with {UNEXPECTED_ROWS} and only with it")


@dataclass(frozen=True)
class Skipped:
    """A contract rule the report cannot express, and why (listed in the summary, never silently dropped)."""

    id: str
    table: str
    reason: str


def shown_columns(table: Table, *extra: str) -> tuple[str, ...]:
    """What a sample bad row shows: its primary key (to find it) and the columns at fault."""
    return tuple(dict.fromkeys((*table.primary_key, *extra)))


def contract_rules(schema: Schema) -> tuple[list[Rule], list[Skipped]]:
    """Every expectation the contract implies, table by table in name order."""
    rules: list[Rule] = []
    skipped: list[Skipped] = []
    for name in sorted(schema.tables):
        table = schema.tables[name]
        rules.append(Rule(f"{name}:row_count", name, "row_count", "ExpectTableRowCountToBeBetween",
                          {"min_value": 1}, description=f"{name} has at least one row"))
        rules += _not_null(table)
        rules += _value_sets(table)
        r, s = _checks(table)
        rules += r
        skipped += s
        rules += _uniques(table)
        rules += _foreign_keys(table)
    return _unique_ids(rules), skipped


def _unique_ids(rules: list[Rule]) -> list[Rule]:
    """Two CHECKs can bound one column (two ``range`` rules): number the repeats so results map back."""
    seen: dict[str, int] = {}
    out = []
    for rule in rules:
        seen[rule.id] = seen.get(rule.id, 0) + 1
        out.append(rule if seen[rule.id] == 1 else dataclasses.replace(rule, id=f"{rule.id}#{seen[rule.id]}"))
    return out


def _not_null(table: Table) -> list[Rule]:
    return [Rule(f"{table.name}.{c.name}:not_null", table.name, "not_null", "ExpectColumnValuesToNotBeNull",
                 {"column": c.name}, description=f"{table.name}.{c.name} is never NULL")
            for c in table.columns.values() if not c.nullable]


def _value_sets(table: Table) -> list[Rule]:
    out = []
    for c in table.columns.values():
        if c.enum is None or c.family != "enum":
            continue
        out.append(Rule(
            f"{table.name}.{c.name}:value_set", table.name, "value_set", UNEXPECTED_ROWS,
            query=nsql.outside_set_query(c.name, c.enum, shown_columns(table, c.name)),
            description=f"{table.name}.{c.name} is one of: {', '.join(c.enum)}"))
    return out


def _checks(table: Table) -> tuple[list[Rule], list[Skipped]]:
    rules: list[Rule] = []
    skipped: list[Skipped] = []
    for check in table.checks:
        bounds = nsql.simple_bounds(check.expression)
        if bounds and all(col in table.columns for col in bounds):
            for col, b in bounds.items():
                kwargs: dict[str, Any] = {"column": col}
                if b.low is not None:
                    kwargs |= {"min_value": _plain(b.low), "strict_min": b.strict_low}
                if b.high is not None:
                    kwargs |= {"max_value": _plain(b.high), "strict_max": b.strict_high}
                rules.append(Rule(f"{table.name}.{col}:range", table.name, "range", "ExpectColumnValuesToBeBetween",
                                  kwargs, description=f"CHECK ({check.expression})"))
            continue
        rule_id = f"{table.name}:check({check.expression})"
        query = nsql.violating_check_query(spelled_as_columns(check.expression, list(table.columns)),
                                           shown_columns(table))
        try:
            nsql.render_everywhere(query)
        except nsql.SqlError as exc:
            skipped.append(Skipped(rule_id, table.name, f"the CHECK cannot be written as a query: {exc}"))
            continue
        rules.append(Rule(rule_id, table.name, "check", UNEXPECTED_ROWS, query=query,
                          description=f"CHECK ({check.expression}) holds for every row"))
    return rules, skipped


def _uniques(table: Table) -> list[Rule]:
    keys = list(dict.fromkeys([table.primary_key, *table.uniques]))
    out = []
    for key in keys:
        if not key:
            continue
        label = "primary key" if key == table.primary_key else "UNIQUE"
        if len(key) == 1:
            out.append(Rule(f"{table.name}.{key[0]}:unique", table.name, "unique", "ExpectColumnValuesToBeUnique",
                            {"column": key[0]}, description=f"{label} ({key[0]}) has no duplicates"))
        else:
            # UNIQUE lets rows with a NULL in the key repeat (NULLs are distinct): skip them, as the engines do.
            out.append(Rule(f"{table.name}:unique({','.join(key)})", table.name, "compound_unique",
                            "ExpectCompoundColumnsToBeUnique",
                            {"column_list": list(key), "ignore_row_if": "any_value_is_missing"},
                            description=f"{label} ({', '.join(key)}) has no duplicates"))
    return out


def _foreign_keys(table: Table) -> list[Rule]:
    out = []
    for fk in sorted(table.foreign_keys, key=lambda f: f.columns):
        target = f"{fk.ref_table}.{','.join(fk.ref_columns)}"
        out.append(Rule(
            f"{table.name}.{fk.key}->{target}:foreign_key", table.name, "foreign_key", UNEXPECTED_ROWS,
            query=nsql.orphans_query(fk.columns, fk.ref_table, fk.ref_columns, shown_columns(table, *fk.columns)),
            description=f"every {table.name}.{fk.key} that is set exists in {target}"))
    return out


def _plain(value: Any) -> int | float:
    """GX's between takes JSON numbers: integers stay integers so Data Docs print ``0``, not ``0.0``."""
    number = float(value)
    return int(number) if number.is_integer() else number
