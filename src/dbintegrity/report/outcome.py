"""GX results turned into one plain, engine-independent verdict per rule, and how they are shown.

GX answers differently per expectation type and per engine (``unexpected_count`` is a float on MySQL
and an int on PostgreSQL; bad rows of an unexpected-rows query sit in ``details``, bad values of a
column map in ``partial_unexpected_*``).  :func:`outcome` folds all of that into :class:`Outcome`, so the
summary, the console table and the tests read one shape.

An empty table never counts as a pass: its row-count expectation fails, and every other rule on it that
GX calls a success (vacuously: no row can break it) is reported as ``empty``, which is not ``passed``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from dbintegrity.report.gxrun import SAMPLE, RawResult
from dbintegrity.report.rules import UNEXPECTED_ROWS

STATUSES = ("passed", "failed", "error", "empty")


@dataclass
class Outcome:
    id: str
    table: str
    kind: str
    source: str
    expectation: str
    description: str
    status: str
    """passed, failed, error (the check itself could not run) or empty (vacuous: the table has no rows)."""
    unexpected_count: int | None = None
    observed: Any = None
    sample: list[Any] = field(default_factory=list)
    """Up to :data:`SAMPLE` bad values or rows (with their primary key where the table has one)."""
    why: str | None = None
    query: str | None = None
    error: str | None = None

    @property
    def success(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "success": self.success}


def outcome(raw: RawResult) -> Outcome:
    rule, result = raw.rule, raw.result
    observed = result.get("observed_value")
    sample: list[Any]
    if rule.expectation == UNEXPECTED_ROWS:  # observed_value is the number of rows the query returned
        details = result.get("details") or {}
        unexpected = _count(observed)
        sample = list(details.get("unexpected_rows") or [])[:SAMPLE]
        observed = None
    else:
        unexpected = _count(result.get("unexpected_count"))
        sample = list(result.get("partial_unexpected_index_list") or result.get("partial_unexpected_list") or [])
        sample = sample[:SAMPLE]
    status = "error" if raw.exception else ("passed" if raw.success else "failed")
    return Outcome(rule.id, rule.table, rule.kind, rule.source, rule.expectation, rule.description, status,
                   unexpected, observed, sample, rule.why, raw.query, raw.exception)


def _count(value: Any) -> int | None:
    """GX's counts as integers: MySQL's drivers hand them back as floats (``3.0``)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def row_counts(outcomes: list[Outcome]) -> dict[str, int | None]:
    return {o.table: _count(o.observed) for o in outcomes if o.kind == "row_count"}


def mark_empty_tables(outcomes: list[Outcome]) -> None:
    """A rule GX passed on a table without rows proved nothing: report it as ``empty``, not ``passed``."""
    counts = row_counts(outcomes)
    for o in outcomes:
        if o.kind != "row_count" and o.status == "passed" and counts.get(o.table) == 0:
            o.status = "empty"


def tally(outcomes: list[Outcome]) -> dict[str, int]:
    counts = Counter(o.status for o in outcomes)
    return {s: counts.get(s, 0) for s in STATUSES}


def console_table(outcomes: list[Outcome], width: int = 72) -> str:
    """One line per expectation: expectation, table, result, unexpected; then the failures with samples."""
    head = ("expectation", "table", "result", "unexpected")
    rows = [(_cut(o.id, width), o.table, "ok" if o.success else o.status.upper(),
             "" if o.unexpected_count is None else str(o.unexpected_count)) for o in outcomes]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(head)]

    def line(cells: tuple[str, ...]) -> str:
        *left, last = cells
        return "  ".join(c.ljust(w) for c, w in zip(left, widths, strict=False)) + "  " + last.rjust(widths[-1])

    out = [line(head), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]
    bad = [o for o in outcomes if not o.success]
    if bad:
        out += ["", f"{len(bad)} expectation(s) did not pass:"]
        for o in bad:
            count = "" if o.unexpected_count is None else f"; {o.unexpected_count} unexpected"
            observed = "" if o.observed is None else f"; observed {o.observed}"
            out.append(f"  {o.status.upper()} {o.id}: {o.description}{count}{observed}")
            if o.status == "empty":
                out.append(f"      table {o.table} has no rows: a pass on it would prove nothing")
            if o.error:
                out.append(f"      error: {o.error}")
            out += [f"      {json.dumps(s, default=str, ensure_ascii=False)}" for s in o.sample]
    return "\n".join(out)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
