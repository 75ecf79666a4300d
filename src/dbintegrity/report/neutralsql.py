"""Engine-neutral SQL for the report: written once, rendered for each engine by sqlglot.

Every query the report sends on its own (orphan rows, values outside an ENUM, CHECKs that are not simple
bounds, the expectations file's rules and charts) is written in the *neutral* dialect, which is
PostgreSQL's spelling (the same choice :mod:`dbintegrity.sqltext.expr` makes for contracts), and transpiled to
the target engine: ``CAST(x AS TEXT)`` becomes ``CAST(x AS CHAR)`` on MySQL, ``INTERVAL '18 years'``
becomes ``INTERVAL '18' YEAR``, ``"timestamp"`` becomes ```timestamp```.  One text per rule keeps the
expectations file and the contract free of per-engine branches.

Great Expectations substitutes ``{batch}`` (the table of the batch) with ``str.format``, so the
placeholder survives the round trip through sqlglot as an identifier and every other brace is doubled.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlglot
from sqlglot import exp

from dbintegrity.engines import regexp_follows_collation, sql_dialects
from dbintegrity.sqltext.expr import NEUTRAL, case_sensitive_regexp

BATCH = "{batch}"
_PLACEHOLDER = "dbi_report_batch_placeholder"


class SqlError(ValueError):
    """A neutral query sqlglot cannot read or write for the engine; the message is one line."""


def render(query: str, dialect: str, *, batch: bool = True) -> str:
    """``query`` (neutral) in sqlglot ``dialect``; with ``batch``, ready for GX's ``unexpected_rows_query``."""
    text = query.replace(BATCH, _PLACEHOLDER) if batch else query
    try:
        trees = sqlglot.parse(text, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SqlError(f"cannot read {' '.join(query.split())[:120]!r}: {first}") from None
    if len(trees) != 1 or trees[0] is None:
        raise SqlError(f"expected one statement, got {len(trees)}: {' '.join(query.split())[:120]!r}")
    tree = trees[0].transform(case_sensitive_regexp) if regexp_follows_collation(dialect) else trees[0]
    rendered = tree.sql(dialect=dialect)
    if not batch:
        return rendered
    return rendered.replace("{", "{{").replace("}", "}}").replace(_PLACEHOLDER, BATCH)


def render_everywhere(query: str, *, batch: bool = True) -> None:
    """Raise :class:`SqlError` unless ``query`` renders for every engine's dialect (checked at load time)."""
    for dialect in sql_dialects():
        render(query, dialect, batch=batch)


def ident(name: str) -> str:
    """A quoted identifier in the neutral dialect (column names such as ``timestamp`` are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def orphans_query(columns: tuple[str, ...], parent: str, parent_columns: tuple[str, ...],
                  show: tuple[str, ...]) -> str:
    """Child rows whose foreign key is set (every column not NULL: MATCH SIMPLE) and has no parent row.

    Written as an anti-join: GX substitutes ``{batch}`` with a derived table and leaves its alias to
    queries that JOIN (see :func:`check_batch_alias`), so the child is ``c`` here on every engine.
    """
    on = " AND ".join(f"p.{ident(pc)} = c.{ident(c)}" for c, pc in zip(columns, parent_columns, strict=True))
    set_ = " AND ".join(f"c.{ident(c)} IS NOT NULL" for c in columns)
    cols = ", ".join(f"c.{ident(c)}" for c in show)
    return (f"SELECT {cols} FROM {BATCH} AS c LEFT JOIN {ident(parent)} AS p ON {on} "
            f"WHERE {set_} AND p.{ident(parent_columns[0])} IS NULL")


def outside_set_query(column: str, labels: tuple[str, ...], show: tuple[str, ...]) -> str:
    """Rows whose value is not one of ``labels``, compared as text.

    The cast is deliberate: PostgreSQL has no ``=`` between an enum type and text, which is exactly what
    Great Expectations' own ``ExpectColumnValuesToBeInSet`` generates (``role NOT IN ($1::VARCHAR)``,
    "operator does not exist: users_role <> character varying"), and a label missing from the live type
    would be an input error rather than a finding.  On MySQL the cast also catches the empty string that
    a non-strict session stores for an invalid ENUM value.
    """
    cols = ", ".join(ident(c) for c in show)
    labels_sql = ", ".join(literal(lb) for lb in labels)
    col = ident(column)
    return f"SELECT {cols} FROM {BATCH} WHERE {col} IS NOT NULL AND CAST({col} AS TEXT) NOT IN ({labels_sql})"


def check_batch_alias(query: str) -> None:
    """Raise :class:`SqlError` unless ``{batch}`` is aliased exactly when the query has a JOIN.

    GX 1.x replaces ``{batch}`` with ``(SELECT ... FROM table) AS subselect`` in a query without JOIN,
    and with the bare ``(SELECT ...)`` in one with JOIN ("join queries take care of aliasing
    themselves"); an alias in the first case or none in the second is a syntax error at run time.
    """
    try:
        tree = sqlglot.parse_one(query.replace(BATCH, _PLACEHOLDER), read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise SqlError(f"cannot read {' '.join(query.split())[:120]!r}: {str(exc).splitlines()[0]}") from None
    batches = [t for t in tree.find_all(exp.Table) if t.name == _PLACEHOLDER]
    joins = any(True for _ in tree.find_all(exp.Join))
    for table in batches:
        if joins and not table.alias:
            raise SqlError("a query with JOIN must alias its table: FROM {batch} AS t JOIN ...")
        if not joins and table.alias:
            raise SqlError("a query without JOIN must not alias {batch} (it is aliased for you); "
                           "refer to its columns unqualified")


def violating_check_query(expression: str, show: tuple[str, ...]) -> str:
    """Rows for which a CHECK is false (a NULL result passes a CHECK, and ``NOT NULL`` is not true)."""
    cols = ", ".join(ident(c) for c in show) or "*"
    return f"SELECT {cols} FROM {BATCH} WHERE NOT ({expression})"


def share_query(where: str, among: str | None, low: float, high: float, join: str | None = None) -> str:
    """One row (matching, total, share) when the share of rows meeting ``where`` is outside [low, high].

    No rows at all (``total = 0``) is a failure too: an empty table must never pass a distribution rule.
    With ``join`` (``JOIN patients AS p ON p.patient_id = t.patient_id``) the table is ``t`` and the
    conditions may read the joined rows: a claim such as "care at the patient's home facility".
    """
    scope = f" WHERE {among}" if among else ""
    return (
        "SELECT matching, total, share FROM ("
        f"SELECT matching, total, CASE WHEN total = 0 THEN NULL ELSE 1.0 * matching / total END AS share FROM ("
        f"SELECT SUM(CASE WHEN {where} THEN 1 ELSE 0 END) AS matching, COUNT(*) AS total FROM {_source(join)}{scope}"
        ") AS counted) AS shares "
        f"WHERE total = 0 OR share < {low!r} OR share > {high!r}"
    )


def compare_query(value: str, where: str, than: str, low: float | None, high: float | None,
                  join: str | None = None) -> str:
    """One row (group_mean, other_mean, ratio) unless mean(value | where) / mean(value | than) is within bounds.

    "The elderly stay longer": ``value`` is the length of stay, ``where`` picks the elderly, ``than`` the
    others, ``low`` the least ratio that still makes the claim true.  A rate is the mean of a 0/1 value.  A
    group without rows, or a comparison group whose mean is 0, gives no ratio: a failure, never a pass.
    """
    bounds = " OR ".join([*([f"ratio < {low!r}"] if low is not None else []),
                          *([f"ratio > {high!r}"] if high is not None else [])])
    return (
        "SELECT group_mean, other_mean, ratio FROM ("
        "SELECT group_mean, other_mean, CASE WHEN other_mean IS NULL OR other_mean = 0 OR group_mean IS NULL "
        "THEN NULL ELSE group_mean / other_mean END AS ratio FROM ("
        f"SELECT AVG(CASE WHEN {where} THEN 1.0 * ({value}) END) AS group_mean, "
        f"AVG(CASE WHEN {than} THEN 1.0 * ({value}) END) AS other_mean FROM {_source(join)}"
        ") AS means) AS ratios "
        f"WHERE ratio IS NULL OR {bounds}"
    )


def qualified_columns(condition: str) -> list[str]:
    """Columns of a neutral expression written with a table or alias (``p.age``) that the expression does not
    bring in itself (a subquery's ``EXISTS (SELECT 1 FROM a AS x WHERE x.id = ...)`` does); none when it does
    not parse."""
    try:
        tree = sqlglot.parse_one(condition, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return []
    own = {name for t in tree.find_all(exp.Table) for name in (t.alias_or_name, t.name)}
    return sorted({c.sql(dialect=NEUTRAL) for c in tree.find_all(exp.Column) if c.table and c.table not in own})


def _source(join: str | None) -> str:
    """The rule's table, alone (GX aliases it) or as ``t`` followed by the joins (GX leaves that to us)."""
    return f"{BATCH} AS t {join}" if join else BATCH


@dataclass(frozen=True)
class Bounds:
    """What a CHECK that is a conjunction of ``column <op> number`` comparisons says about one column."""

    low: Decimal | None = None
    high: Decimal | None = None
    strict_low: bool = False
    strict_high: bool = False


_OPS = {exp.GT: (">", "<"), exp.GTE: (">=", "<="), exp.LT: ("<", ">"), exp.LTE: ("<=", ">=")}
"""Comparison -> (operator as written, operator with its operands swapped)."""


def simple_bounds(expression: str) -> dict[str, Bounds] | None:
    """Per-column numeric bounds of a CHECK made only of ANDed comparisons with numbers, else ``None``.

    ``pain_scale >= 0 AND pain_scale <= 10`` gives ``{"pain_scale": Bounds(0, 10)}``; anything with OR,
    functions, two columns or a non-numeric constant is not a simple bound (it is checked as a query).
    """
    try:
        tree = sqlglot.parse_one(expression, read=NEUTRAL)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    out: dict[str, Bounds] = {}
    for part in tree.flatten() if isinstance(tree, exp.And) else [tree]:
        node = part.unnest()
        ops = next((v for k, v in _OPS.items() if isinstance(node, k)), None)
        if ops is None:
            return None
        left, right, op = node.this, node.expression, ops[0]
        if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
            left, right, op = right, left, ops[1]
        number = _number(right)
        if not isinstance(left, exp.Column) or number is None:
            return None
        name = left.name.lower()
        b = out.get(name, Bounds())
        if op in (">", ">="):  # the tighter of two bounds wins; at the same number, the strict one
            if b.low is None or number > b.low:
                b = Bounds(number, b.high, op == ">", b.strict_high)
            elif number == b.low:
                b = Bounds(number, b.high, b.strict_low or op == ">", b.strict_high)
        elif b.high is None or number < b.high:
            b = Bounds(b.low, number, b.strict_low, op == "<")
        elif number == b.high:
            b = Bounds(b.low, number, b.strict_low, b.strict_high or op == "<")
        out[name] = b
    return out or None


def _number(node: exp.Expression) -> Decimal | None:
    sign = 1
    if isinstance(node, exp.Neg):
        sign, node = -1, node.this
    if isinstance(node, exp.Literal) and not node.is_string:
        return sign * Decimal(node.this)
    return None
