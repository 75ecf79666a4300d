"""Split a SQL script into statements, remembering the line each one starts on.

Why not a library: error messages must name the file and line of the statement a server rejected, and
the splitters we looked at (sqlparse, sqlglot's tokenizer) either drop positions or choke on the
client-side constructs real schema files use: MySQL's ``DELIMITER`` directive around trigger bodies and
PostgreSQL's dollar-quoted function bodies.  This is a small lexer that knows exactly those rules:
quotes, comments, dollar quotes and ``DELIMITER``; it does not parse SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_DELIMITER = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[ \t]*(?:\r?\n|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text (without the terminator), file and first line."""

    text: str
    path: Path
    line: int

    @property
    def head(self) -> str:
        """The start of the statement on one line, for error messages."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= 60 else flat[:57] + "..."

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


class SplitError(ValueError):
    """The script ends inside a quote, comment or dollar-quoted body."""

    def __init__(self, path: Path, line: int, what: str) -> None:
        super().__init__(f"{path}:{line}: unterminated {what} starting here")
        self.path, self.line, self.what = path, line, what


@dataclass(frozen=True)
class SplitRules:
    """The lexical rules of one SQL dialect that decide where a statement ends.

    Each engine declares its own (``engines/<name>/spec.py``); the splitter never asks which engine it
    is reading for.
    """

    hash_comments: bool = False
    """``#`` starts a comment to the end of the line."""
    dash_comment_needs_space: bool = False
    """``--`` starts a comment only when whitespace follows it."""
    backslash_escapes: bool = False
    """A backslash escapes the next character inside '...' and "..." strings."""
    backtick_identifiers: bool = False
    """`...` quotes an identifier."""
    delimiter_directive: bool = False
    """The client's ``DELIMITER`` line changes the statement terminator (trigger bodies)."""
    executable_comments: bool = False
    """``/*! ... */`` is code, not a comment."""
    dollar_quotes: bool = False
    """``$tag$ ... $tag$`` bodies."""
    escape_strings: bool = False
    """``E'...'`` strings take backslash escapes."""


def split_sql(text: str, path: Path, *, dialect: str | SplitRules) -> list[Statement]:
    """Split ``text`` into statements.

    ``dialect`` is the engine's :class:`SplitRules`, or the name of a pack's dialect folder (``mysql``,
    ``postgres``...) whose engine the registry knows.  Statements that hold only comments are dropped.
    """
    rules = dialect if isinstance(dialect, SplitRules) else _rules_for(dialect)
    out: list[Statement] = []
    delimiter = ";"
    i, n, line = 0, len(text), 1
    start, start_line = 0, 1
    has_code = False

    def flush(end: int) -> None:
        nonlocal has_code
        body = text[start:end]
        if has_code:
            stripped = _strip_leading_comments(body, rules)
            lead = body[: len(body) - len(stripped)]
            out.append(Statement(stripped.rstrip(), path, start_line + lead.count("\n")))
        has_code = False

    at_line_start = True
    while i < n:
        ch = text[i]
        if rules.delimiter_directive and at_line_start and not has_code:
            m = _DELIMITER.match(text, i)
            if m:
                delimiter = m.group(1)
                line += m.group(0).count("\n")
                i = m.end()
                start, start_line = i, line
                continue
        at_line_start = False
        if ch == "\n":
            line += 1
            at_line_start = True
            i += 1
            continue
        if text.startswith(delimiter, i):
            flush(i)
            i += len(delimiter)
            start, start_line = i, line
            continue
        if ch == "-" and text.startswith("--", i) and (
                not rules.dash_comment_needs_space or i + 2 >= n or text[i + 2] in " \t\r\n"):
            i = _skip_to_eol(text, i)
            continue
        if ch == "#" and rules.hash_comments:
            i = _skip_to_eol(text, i)
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise SplitError(path, line, "/* comment")
            if rules.executable_comments and text.startswith("/*!", i):
                has_code = True
            line += text.count("\n", i, end)
            i = end + 2
            continue
        has_code = has_code or not ch.isspace()
        if ch in "'\"" or (ch == "`" and rules.backtick_identifiers):
            backslash = rules.backslash_escapes and ch != "`"
            if ch == "'" and rules.escape_strings and i > 0 and text[i - 1] in "eE" and not _ident_char(text, i - 2):
                backslash = True
            end = _skip_quoted(text, i, ch, backslash)
            if end < 0:
                raise SplitError(path, line, f"{ch} quote")
            line += text.count("\n", i, end)
            i = end
            continue
        if ch == "$" and rules.dollar_quotes:
            m = _DOLLAR_TAG.match(text, i)
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                close = text.find(m.group(0), m.end())
                if close < 0:
                    raise SplitError(path, line, f"dollar-quoted body {m.group(0)}")
                line += text.count("\n", i, close)
                i = close + len(m.group(0))
                continue
        i += 1
    flush(n)
    return out


def split_file(path: Path, *, dialect: str | SplitRules) -> list[Statement]:
    """Read and split one file."""
    return split_sql(path.read_text(encoding="utf-8"), path, dialect=dialect)


def _ident_char(text: str, i: int) -> bool:
    """Whether ``text[i]`` continues an identifier (so ``name'...'`` is not an ``E'...'`` string)."""
    return i >= 0 and (text[i].isalnum() or text[i] in "_$")


def _skip_to_eol(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _skip_quoted(text: str, i: int, quote: str, backslash: bool) -> int:
    """Index just past the closing quote, or -1; doubled quotes and (optionally) backslashes escape."""
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if backslash and c == "\\":
            j += 2
            continue
        if c == quote:
            if j + 1 < n and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return -1


def _rules_for(folder: str) -> SplitRules:
    """The rules of the engine whose pack folder is ``folder`` (imported here: the registry imports us)."""
    from dbintegrity.engines import split_rules

    return split_rules(folder)


def _strip_leading_comments(body: str, rules: SplitRules) -> str:
    """Drop whitespace and comments before the first token, so ``line`` points at real code."""
    s = body
    while True:
        t = s.lstrip()
        if t.startswith("--") or (rules.hash_comments and t.startswith("#")):
            s = t[_skip_to_eol(t, 0):]
        elif t.startswith("/*") and not (rules.executable_comments and t.startswith("/*!")):
            end = t.find("*/")
            s = t[end + 2:] if end >= 0 else t
            if end < 0:
                return t
        else:
            return t
