"""Normal forms for SQL expressions, so two engines' spellings of one rule compare equal.

MySQL reports ``(`pain_scale` between 0 and 10)`` where PostgreSQL reports
``((pain_scale >= 0) AND (pain_scale <= 10))``; both mean the same CHECK.  We parse each with sqlglot
in its own dialect, rewrite the constructs the engines spell differently (BETWEEN, redundant parentheses,
casts of literals, identifier quoting and case) and print the result in one neutral form.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

from dbintegrity.engines import regexp_follows_collation

NEUTRAL = "postgres"
"""The sqlglot dialect of the neutral form (contracts, the report's queries, the evaluator): PostgreSQL's
spelling, chosen once here; every module that reads or writes neutral SQL uses this name."""
NEUTRAL_INPUT = "neutral"
"""What callers pass as ``dialect`` for text that is already neutral."""


def _read(dialect: str) -> str:
    return NEUTRAL if dialect == NEUTRAL_INPUT else dialect


@lru_cache(maxsize=16384)  # parsing is the cost of loading a contract or a schema: 1-2 ms per expression
def normalize(expression: str, dialect: str) -> str:
    """The neutral form of ``expression`` written in sqlglot ``dialect`` (or ``neutral``).

    Falls back to whitespace-folded text when sqlglot cannot parse the expression, so introspection of
    an exotic schema never crashes; such expressions then only compare equal when spelled alike.
    """
    try:
        tree = sqlglot.parse_one(expression, read=_read(dialect))
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return " ".join(expression.split())
    if regexp_follows_collation(dialect):
        tree = tree.transform(_collation_regexp)
    tree = tree.transform(_safe_division)
    text = tree.sql(dialect=NEUTRAL)
    for _ in range(20):  # a replaced node's children are not revisited: repeat to a fixed point
        tree = tree.transform(_rewrite)
        new = tree.sql(dialect=NEUTRAL)
        if new == text:
            break
        text = new
    return text


CASE_SENSITIVE_INLINE = "(?-i)"
"""A pattern's leading inline flag that makes a match case-sensitive whatever the collation: how MariaDB,
whose ``REGEXP`` takes no flags argument, says what MySQL says with ``REGEXP_LIKE(x, p, 'c')``."""


def _collation_regexp(node: exp.Expression) -> exp.Expression:
    """MySQL's ``REGEXP_LIKE(x, p, 'c')`` (MariaDB's ``x REGEXP '(?-i)p'``) is PostgreSQL's ``x ~ p``; without
    ``'c'`` it follows the column's collation, case-insensitive by default (``x ~* p``).  Other flags stay,
    and the evaluator refuses them."""
    if not isinstance(node, exp.RegexpLike):
        return node
    flag = node.args.get("flag")
    if isinstance(flag, exp.Introducer):
        flag = flag.expression
    text = flag.this if isinstance(flag, exp.Literal) and flag.is_string else None
    pattern = node.expression.expression if isinstance(node.expression, exp.Introducer) else node.expression
    if flag is None and isinstance(pattern, exp.Literal) and pattern.is_string \
            and pattern.this.startswith(CASE_SENSITIVE_INLINE):  # MariaDB's spelling of 'c' (PCRE has no flags)
        return exp.RegexpLike(this=node.this.copy(),
                              expression=exp.Literal.string(pattern.this.removeprefix(CASE_SENSITIVE_INLINE)))
    if flag is None or text == "i":
        return exp.RegexpILike(this=node.this.copy(), expression=node.expression.copy())
    if text == "c":
        return exp.RegexpLike(this=node.this.copy(), expression=node.expression.copy())
    return node


_INTERVAL_TEXT = re.compile(r"\s*(-?\d+)\s+(second|minute|hour|day|week|month|year)s?\s*", re.IGNORECASE)
_DURATION_TEXT = re.compile(r"\s*(\d+):00:00\s*")


def _interval(text: str) -> exp.Interval | None:
    """PostgreSQL's ``'1 day'::interval`` (or ``'24:00:00'``) as MySQL's ``INTERVAL 1 DAY`` prints."""
    m = _INTERVAL_TEXT.fullmatch(text)
    if m:
        return exp.Interval(this=exp.Literal.string(m.group(1)), unit=exp.Var(this=m.group(2).upper()))
    m = _DURATION_TEXT.fullmatch(text)
    if m:
        return exp.Interval(this=exp.Literal.string(str(int(m.group(1)))), unit=exp.Var(this="HOUR"))
    return None


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Paren) and _redundant(node):
        inner: exp.Expression = node.this
        return inner
    if isinstance(node, exp.Between):  # parenthesised so NOT x BETWEEN ... keeps its meaning
        return exp.Paren(this=exp.and_(exp.GTE(this=node.this.copy(), expression=node.args["low"].copy()),
                                       exp.LTE(this=node.this.copy(), expression=node.args["high"].copy())))
    if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.INTERVAL) and isinstance(node.this, exp.Literal):
        interval = _interval(node.this.this)
        if interval is not None:
            return interval
    if isinstance(node, exp.Interval) and isinstance(node.this, exp.Literal):  # INTERVAL '1' DAY == INTERVAL 1 DAY
        unit = node.args.get("unit")
        if unit is not None and not node.this.is_string:
            return exp.Interval(this=exp.Literal.string(node.this.this), unit=unit.copy())
    if isinstance(node, exp.Cast) and isinstance(node.this, (exp.Literal, exp.Column, exp.Array)):
        operand: exp.Expression = node.this
        return operand
    if isinstance(node, exp.Introducer):  # MySQL charset introducers: _utf8mb4'a'
        literal: exp.Expression = node.expression
        return literal
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        inner = node.expression.this
        inner = inner.this if isinstance(inner, (exp.Paren, exp.Cast)) else inner
        if isinstance(inner, exp.Array):  # PostgreSQL's spelling of IN (...)
            return exp.In(this=node.this.copy(), expressions=[e.copy() for e in inner.expressions])
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.this.lower(), quoted=False)
    if isinstance(node, exp.Div) and _is_double_cast(node.this) and _is_double_cast(node.expression):
        return exp.Div(this=node.this.copy(), expression=node.expression.this.copy())
    return node


def _safe_division(node: exp.Expression) -> exp.Expression:
    """One spelling of a division in floating point.  sqlglot reads MySQL's ``a / b`` as a *safe* division (NULL
    when b is 0) that it prints as ``CAST(a AS DOUBLE PRECISION) / NULLIF(b, 0)``; spelled so in the tree, the
    parentheses and identifiers inside are normalised like any others.  PostgreSQL prints the divisor of such a
    division with the implicit cast it adds (``/ CAST(NULLIF(b, 0) AS DOUBLE PRECISION)``), which
    :func:`_rewrite` drops: it changes nothing."""
    if isinstance(node, exp.Div) and node.args.get("safe"):
        return exp.Div(this=exp.Cast(this=node.this.copy(), to=exp.DataType.build("double precision")),
                       expression=exp.Nullif(this=node.expression.copy(), expression=exp.Literal.number(0)))
    return node


def _is_double_cast(node: exp.Expression) -> bool:
    return isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.DOUBLE)


# Operators from loosest to tightest binding; parentheses around anything else are kept.
_PRECEDENCE: tuple[tuple[type, ...], ...] = (
    (exp.Or,), (exp.And, exp.Xor), (exp.Not,), (exp.Predicate,), (exp.Add, exp.Sub), (exp.Mul, exp.Div, exp.Mod),
)
_OPERATOR = (exp.Binary, exp.Unary, exp.Predicate)


def _rank(node: object) -> int | None:
    return next((rank for rank, kinds in enumerate(_PRECEDENCE) if isinstance(node, kinds)), None)


def _redundant(paren: exp.Paren) -> bool:
    """Whether dropping ``paren`` keeps the meaning: ``(a OR b) AND c`` must not become ``a OR b AND c``."""
    inner, outer = paren.this, paren.parent
    if not isinstance(inner, _OPERATOR) or isinstance(inner, exp.Paren):
        return True  # a column, literal or function call, or doubled parentheses
    if not isinstance(outer, _OPERATOR) or isinstance(outer, exp.Paren):
        return True  # the whole expression, or a function argument
    i, o = _rank(inner), _rank(outer)
    if i is None or o is None:
        return False
    if i != o:
        return i > o
    if isinstance(inner, exp.Connector):  # AND and OR are associative
        return type(inner) is type(outer)
    return isinstance(inner, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)) and outer.this is paren  # left-assoc.


def case_sensitive_regexp(node: exp.Expression) -> exp.Expression:
    """A sqlglot transform for writing MySQL: neutral ``x ~ p`` is case-sensitive, and MySQL's ``REGEXP_LIKE``
    follows the column's collation unless told ``'c'`` (the inverse of the reading in :func:`normalize`)."""
    if type(node) is exp.RegexpLike and node.args.get("flag") is None:
        return exp.RegexpLike(this=node.this.copy(), expression=node.expression.copy(), flag=exp.Literal.string("c"))
    return node


def to_dialect(expression: str, dialect: str) -> str:
    """A neutral expression written for sqlglot ``dialect``, meaning kept."""
    tree = sqlglot.parse_one(expression, read=NEUTRAL)
    if regexp_follows_collation(dialect):
        tree = tree.transform(case_sensitive_regexp)
    return tree.sql(dialect=dialect)


def spelled_as_columns(expression: str, columns: list[str] | tuple[str, ...]) -> str:
    """``expression`` with every column written as the table spells it, quoted: a contract's CHECK is in its
    normal form (names lower-cased), which PostgreSQL would not find in a table of mixed-case columns
    (chirona's ``"Capacity"``).  Expressions whose columns are all lower case come back unchanged."""
    real = {c.lower(): c for c in columns}
    if all(c == c.lower() for c in columns):
        return expression
    tree = sqlglot.parse_one(expression, read=NEUTRAL)
    for col in tree.find_all(exp.Column):
        name = real.get(col.name.lower())
        if name is not None and not col.table:
            col.set("this", exp.to_identifier(name, quoted=True))
    return tree.sql(dialect=NEUTRAL)
