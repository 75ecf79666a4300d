"""``sql/<pack>/expectations.yml``: what a pack's data should look like that its schema cannot say.

The contract states what the engine enforces; this file states what *plausible* data looks like
(distributions, physiological ranges, age-appropriate services) and which charts the report draws.
Expectations as data, not code, so a reviewer reads thresholds and their reasons in one place.

Format (version 1)::

    version: 1
    expectations:
      - name: cancelled_share            # unique; the report id is <table>:<name>
        table: appointments
        kind: share                      # share | compare | values_between | mean_between | no_rows
        where: status = 'cancelled'      # share: condition counted ...
        among: status IS NOT NULL        # ... among these rows (optional: all rows)
        join: JOIN patients AS p ON p.id = t.patient_id   # share, compare (optional): the table is then t
        min: 0.02                        # share, values_between, mean_between: bounds (either may be left out)
        max: 0.30
        why: one or two sentences: what the rule protects and why seeded data meets it
      - name: heart_rate_plausible
        table: vitals
        kind: values_between             # every non-NULL value within [min, max]
        column: heart_rate
        min: 30
        max: 220
        mostly: 1.0                      # values_between: share of rows that must comply (optional, 1.0)
      - name: elderly_stay_longer
        table: ip_stays
        kind: compare                    # mean of value where ... / mean of value than ... within bounds
        join: JOIN patients AS p ON p.patient_id = t.patient_id
        value: t.length_of_stay          # a rate: CASE WHEN t.alc_flag THEN 1 ELSE 0 END
        where: p.age >= 75               # the group the claim is about ...
        than: p.age < 75                 # ... compared with this one
        min_ratio: 1.3                   # and/or max_ratio
      - name: pediatrics_sees_children
        table: appointments
        kind: no_rows                    # the query returns the offending rows; none may come back
        query: SELECT a.id FROM {batch} AS a JOIN ... WHERE ...
    charts:
      - name: appointments_per_department   # file name: <name>.png
        title: Appointments per department
        query: SELECT label, series, value ...  # columns label, value and optionally series (stacked bars)
    tables:
      - name: department_performance        # file names: tables/<name>.csv and tables/<name>.md
        title: Department performance
        query: SELECT department, COUNT(*) AS appointments ...   # its column names head the table

SQL (``where``, ``among``, ``query``) is written in the neutral dialect (PostgreSQL's spelling) and
transpiled for each engine (see :mod:`dbintegrity.report.neutralsql`); ``{batch}`` is the rule's table.
Every problem is one :class:`ReportError` line naming the file and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbintegrity.pack.yamlfile import read_yaml
from dbintegrity.report import ReportError
from dbintegrity.report import neutralsql as nsql
from dbintegrity.report.rules import UNEXPECTED_ROWS, Rule

FILE = "expectations.yml"
SOURCE = FILE
KINDS = ("share", "compare", "values_between", "mean_between", "no_rows")
_KEYS = {
    "share": {"where", "among", "min", "max", "join"},
    "compare": {"value", "where", "than", "min_ratio", "max_ratio", "join"},
    "values_between": {"column", "min", "max", "mostly"},
    "mean_between": {"column", "min", "max"},
    "no_rows": {"query"},
}
_COMMON = {"name", "table", "kind", "why"}
_CHART_KEYS = {"name", "title", "query", "xlabel", "ylabel"}
_TABLE_KEYS = {"name", "title", "query"}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    query: str
    """Neutral SQL returning ``label``, ``value`` and optionally ``series``."""
    xlabel: str = ""
    ylabel: str = ""


@dataclass(frozen=True)
class DataTable:
    """A table of figures the report prints and writes (CSV and Markdown), e.g. a department's performance."""

    name: str
    title: str
    query: str
    """Neutral SQL; its column names head the table."""


@dataclass(frozen=True)
class PackExpectations:
    rules: list[Rule] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[DataTable] = field(default_factory=list)


def load(path: Path, tables: set[str] | None = None) -> PackExpectations:
    """Read the file (a missing file means no extra rules); ``tables`` are those the contract knows."""
    if not path.is_file():
        return PackExpectations()
    data = read_yaml(path, ReportError)
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ReportError(f"{path}: expected a mapping with 'version: 1'")
    unknown = set(data) - {"version", "expectations", "charts", "tables"}
    if unknown:
        raise ReportError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    rules = [_rule(path, i, entry, tables) for i, entry in enumerate(data.get("expectations") or [])]
    seen: set[str] = set()
    for r in rules:
        if r.id in seen:
            raise ReportError(f"{path}: two expectations are named {r.id.split(':', 1)[1]!r} on table {r.table}")
        seen.add(r.id)
    charts = [_chart(path, i, entry) for i, entry in enumerate(data.get("charts") or [])]
    tables_ = [_data_table(path, i, entry) for i, entry in enumerate(data.get("tables") or [])]
    return PackExpectations(rules, charts, tables_)


def _rule(path: Path, index: int, entry: Any, tables: set[str] | None) -> Rule:
    where = f"{path}: expectations[{index}]"
    if not isinstance(entry, dict):
        raise ReportError(f"{where}: expected a mapping")
    name = entry.get("name")
    where = f"{path}: expectation {name or index!r}"
    for key in ("name", "table", "kind"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ReportError(f"{where}: '{key}' is required")
    kind, table = entry["kind"], entry["table"]
    if kind not in KINDS:
        raise ReportError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    unknown = set(entry) - _COMMON - _KEYS[kind]
    if unknown:
        raise ReportError(f"{where}: key(s) {', '.join(sorted(unknown))} do not apply to kind {kind}")
    if tables is not None and table not in tables:
        raise ReportError(f"{where}: table {table!r} is not in the pack's contract")
    low, high = _number(entry, "min", where), _number(entry, "max", where)
    why = str(entry["why"]).strip() if entry.get("why") else None
    rule_id = f"{table}:{name}"
    common: dict[str, Any] = {"id": rule_id, "table": table, "kind": kind, "source": SOURCE, "why": why}
    if kind == "share":
        return _share(entry, where, low, high, common)
    if kind == "compare":
        return _compare(entry, where, common)
    if kind == "no_rows":
        query = _text(entry, "query", where)
        if nsql.BATCH not in query:
            raise ReportError(f"{where}: the query must read its table as {{batch}}")
        _renders(query, where)
        # the reason reads better than the SQL in Data Docs and the console; summary.json keeps the query
        desc = why or f"no row of {table} matches: {' '.join(query.split())}"
        return Rule(expectation=UNEXPECTED_ROWS, query=query.strip().rstrip(";"), description=desc, **common)
    column = _text(entry, "column", where)
    if low is None and high is None:
        raise ReportError(f"{where}: '{kind}' needs 'min', 'max' or both")
    kwargs: dict[str, Any] = {"column": column}
    if low is not None:
        kwargs["min_value"] = low
    if high is not None:
        kwargs["max_value"] = high
    span = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
    if kind == "mean_between":
        return Rule(expectation="ExpectColumnMeanToBeBetween", kwargs=kwargs,
                    description=f"mean of {table}.{column} is within {span}", **common)
    mostly = _number(entry, "mostly", where)
    if mostly is not None:
        if not 0 < mostly <= 1:
            raise ReportError(f"{where}: 'mostly' must be in (0, 1], got {mostly}")
        kwargs["mostly"] = mostly
    share = "" if mostly in (None, 1) else f" for at least {mostly:.0%} of rows"
    return Rule(expectation="ExpectColumnValuesToBeBetween", kwargs=kwargs,
                description=f"{table}.{column} is within {span}{share}", **common)


def _share(entry: dict[str, Any], where: str, low: float | None, high: float | None,
           common: dict[str, Any]) -> Rule:
    cond = _text(entry, "where", where)
    if low is None and high is None:
        raise ReportError(f"{where}: a share needs 'min', 'max' or both")
    lo, hi = low if low is not None else 0.0, high if high is not None else 1.0
    among = entry.get("among")
    query = nsql.share_query(cond, str(among) if among else None, lo, hi, _join(entry, where))
    _renders(query, where)
    desc = f"share of rows with {cond}{f' among {among}' if among else ''} is within [{lo}, {hi}]"
    return Rule(expectation=UNEXPECTED_ROWS, query=query, description=desc, **common)


def _compare(entry: dict[str, Any], where: str, common: dict[str, Any]) -> Rule:
    """A claim that one group's mean (or rate) is a multiple of another's: "the elderly stay longer"."""
    value, group, than = _text(entry, "value", where), _text(entry, "where", where), _text(entry, "than", where)
    low, high = _number(entry, "min_ratio", where), _number(entry, "max_ratio", where)
    if low is None and high is None:
        raise ReportError(f"{where}: a compare needs 'min_ratio', 'max_ratio' or both")
    query = nsql.compare_query(value, group, than, low, high, _join(entry, where))
    _renders(query, where)
    span = f"[{'0' if low is None else low}, {'inf' if high is None else high}]"
    desc = f"mean of {value} where {group}, divided by that where {than}, is within {span}"
    return Rule(expectation=UNEXPECTED_ROWS, query=query, description=desc, **common)


def _join(entry: dict[str, Any], where: str) -> str | None:
    """The optional ``join`` of a share or compare: JOIN clauses; the rule's table is then ``t``.  Without
    one, a column named with a table (``p.age``) could only fail at run time: refused here."""
    if entry.get("join") is None:
        for key in ("where", "among", "value", "than"):
            text = entry.get(key)
            if isinstance(text, str) and nsql.qualified_columns(text):
                raise ReportError(f"{where}: '{key}' names {', '.join(nsql.qualified_columns(text))} but the rule "
                                  "has no 'join': add one (its table is t) or write the columns unqualified")
        return None
    join = _text(entry, "join", where)
    if not join.upper().lstrip().startswith(("JOIN", "LEFT JOIN", "INNER JOIN")):
        raise ReportError(f"{where}: 'join' must be JOIN clauses (JOIN other AS o ON o.id = t.other_id), got {join!r}")
    return join


def _chart(path: Path, index: int, entry: Any) -> Chart:
    name, query, _where = _named_query(path, f"charts[{index}]", entry, _CHART_KEYS)
    return Chart(name, str(entry.get("title") or name), query, str(entry.get("xlabel") or ""),
                 str(entry.get("ylabel") or ""))


def _data_table(path: Path, index: int, entry: Any) -> DataTable:
    name, query, _where = _named_query(path, f"tables[{index}]", entry, _TABLE_KEYS)
    return DataTable(name, str(entry.get("title") or name), query)


def _named_query(path: Path, at: str, entry: Any, keys: set[str]) -> tuple[str, str, str]:
    """The name (a file name) and the query (renders for both engines) of a chart or table entry."""
    where = f"{path}: {at}"
    if not isinstance(entry, dict):
        raise ReportError(f"{where}: expected a mapping")
    unknown = set(entry) - keys
    if unknown:
        raise ReportError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    name = _text(entry, "name", where)
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ReportError(f"{where}: name {name!r} must be letters, digits, - and _ (it is a file name)")
    query = _text(entry, "query", where)
    try:
        nsql.render_everywhere(query, batch=False)
    except nsql.SqlError as exc:
        raise ReportError(f"{where}: {exc}") from None
    return name, query, where


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReportError(f"{where}: '{key}' is required (text)")
    return value.strip()


def _number(entry: dict[str, Any], key: str, where: str) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(f"{where}: '{key}' must be a number, got {value!r}")
    return value


def _renders(query: str, where: str) -> None:
    """Fail at load time, naming the rule, rather than as a GX exception in the middle of the run."""
    try:
        nsql.check_batch_alias(query)
        nsql.render_everywhere(query)
    except nsql.SqlError as exc:
        raise ReportError(f"{where}: {exc}") from None
