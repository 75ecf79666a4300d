"""Normal forms for SQL expressions, so two engines' spellings of one rule compare equal.

MySQL reports ``(`pain_scale` between 0 and 10)`` where PostgreSQL reports
``((pain_scale >= 0) AND (pain_scale <= 10))``; both mean the same CHECK.  We parse each with sqlglot
in its own dialect, rewrite the constructs the engines spell differently (BETWEEN, redundant parentheses,
casts of literals, identifier quoting and case) and print the result in one neutral form.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

_READ = {"mysql": "mysql", "postgres": "postgres", "neutral": "postgres"}


def normalize(expression: str, dialect: str) -> str:
    """The neutral form of ``expression`` written in ``dialect`` (``mysql``, ``postgres`` or ``neutral``).

    Falls back to whitespace-folded text when sqlglot cannot parse the expression, so introspection of
    an exotic schema never crashes; such expressions then only compare equal when spelled alike.
    """
    try:
        tree = sqlglot.parse_one(expression, read=_READ[dialect])
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return " ".join(expression.split())
    text = tree.sql(dialect="postgres")
    for _ in range(20):  # a replaced node's children are not revisited: repeat to a fixed point
        tree = tree.transform(_rewrite)
        new = tree.sql(dialect="postgres")
        if new == text:
            break
        text = new
    return text


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Paren):
        return node.this
    if isinstance(node, exp.Between):
        return exp.and_(exp.GTE(this=node.this.copy(), expression=node.args["low"].copy()),
                        exp.LTE(this=node.this.copy(), expression=node.args["high"].copy()))
    if isinstance(node, exp.Cast) and isinstance(node.this, (exp.Literal, exp.Column, exp.Array)):
        return node.this
    if isinstance(node, exp.Introducer):  # MySQL charset introducers: _utf8mb4'a'
        return node.expression
    if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
        inner = node.expression.this
        inner = inner.this if isinstance(inner, (exp.Paren, exp.Cast)) else inner
        if isinstance(inner, exp.Array):  # PostgreSQL's spelling of IN (...)
            return exp.In(this=node.this.copy(), expressions=[e.copy() for e in inner.expressions])
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=node.this.lower(), quoted=False)
    return node
