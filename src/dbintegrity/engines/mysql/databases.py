"""A MySQL script's own databases, mapped onto the database the run gave it.

MySQL schemas as people ship them often begin ``DROP DATABASE IF EXISTS oh; CREATE DATABASE oh; USE oh;``
or qualify names with their database (``oh.patient``).  Run as written, the tables would land in a
database of the script's choosing beside the one dbintegrity made (found by nobody: "0 tables", an ok over
nothing), on a ``url`` server the DROP could remove somebody's real database, and the second load of the
pack (MySQL has no template databases: every copy replays the script) would collide with the first.

So, before the statements run: ``CREATE``/``DROP DATABASE`` of a name are left out and the name is
remembered, ``USE name`` is left out (the connection stays on the run's database), and ``name.`` in
front of a table is removed wherever it qualifies one.  The tables are then tested where the script put
them, in a database that is the run's own and is dropped with it.  This is a lexical rewrite over the
code outside quotes and comments: it does not parse SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from dbintegrity.sqltext.split import Statement

_NAME = r"(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)"
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|/\*(?!!)[\s\S]*?\*/)*")
_VERSIONED_IF = r"(?:/\*!\d*\s*IF\s+(?:NOT\s+)?EXISTS\s*\*/\s*|IF\s+(?:NOT\s+)?EXISTS\s+)?"
_CREATE = re.compile(rf"CREATE\s+(?:DATABASE|SCHEMA)\s+{_VERSIONED_IF}{_NAME}", re.IGNORECASE)
_DROP = re.compile(rf"DROP\s+(?:DATABASE|SCHEMA)\s+{_VERSIONED_IF}{_NAME}\s*$", re.IGNORECASE)
_USE = re.compile(rf"USE\s+{_NAME}\s*$", re.IGNORECASE)
_OPAQUE = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|--[^\n]*|#[^\n]*|/\*(?!!)[\s\S]*?\*/")


def _bare(name: str) -> str:
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


def own_databases(statements: Iterable[Statement]) -> list[str]:
    """The databases a script creates, drops or switches to, in order of first mention."""
    seen: dict[str, str] = {}
    for st in statements:
        code = st.text[_LEADING.match(st.text).end():]  # type: ignore[union-attr]  # matches the empty string
        m = _CREATE.match(code) or _DROP.match(code) or _USE.match(code)
        if m:
            name = _bare(m.group(1))
            seen.setdefault(name.lower(), name)
    return list(seen.values())


def adopt(statements: Sequence[Statement]) -> list[Statement]:
    """The statements with the script's own databases mapped onto the connection's database (module docstring)."""
    names = own_databases(statements)
    if not names:
        return list(statements)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    qualifier = re.compile(rf"(?<![\w`.$])(?:`(?:{alternatives})`|(?:{alternatives}))\s*\.\s*(?=[`A-Za-z0-9_$])",
                           re.IGNORECASE)
    out: list[Statement] = []
    for st in statements:
        code = st.text[_LEADING.match(st.text).end():]  # type: ignore[union-attr]
        if _CREATE.match(code) or _DROP.match(code) or _USE.match(code):
            continue
        text = _outside_quotes(st.text, lambda part: qualifier.sub("", part))
        out.append(st if text == st.text else replace(st, text=text))
    return out


def _outside_quotes(text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to the code between string literals and comments only."""
    parts: list[str] = []
    last = 0
    for m in _OPAQUE.finditer(text):
        parts += [change(text[last:m.start()]), m.group(0)]
        last = m.end()
    parts.append(change(text[last:]))
    return "".join(parts)
