"""Split a SQL script into statements, remembering the line each one starts on.

Why not a library: error messages must name the file and line of the statement a server rejected, and
the splitters we looked at (sqlparse, sqlglot's tokenizer) either drop positions or choke on the
client-side constructs real schema files use: MySQL's ``DELIMITER`` directive around trigger bodies and
PostgreSQL's dollar-quoted function bodies.  This is a small lexer that knows exactly those rules:
quotes, comments, dollar quotes and ``DELIMITER``; it does not parse SQL.

It also sees what the *clients* read rather than the server: psql meta-commands (``\\restrict``, ``\\i``)
and the mysql client's ``source``/``\\.`` at the start of a line become :class:`ClientCommand` items,
the rows of ``COPY ... FROM stdin;`` (up to ``\\.``) travel with their statement as ``data``, and
placeholders (``${name}``, ``@name``) outside comments are noted with their line.  What to do with
those is :mod:`dbintegrity.sqltext.inputs`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_DELIMITER = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[ \t]*(?:\r?\n|$)", re.IGNORECASE)
_PSQL_COMMAND = re.compile(r"[ \t]*(\\[A-Za-z_!?.]*)[ \t]*([^\r\n]*)")
_SOURCE_COMMAND = re.compile(r"[ \t]*(source|\\\.)(?:[ \t]+([^\r\n]*)|(?=\r?\n|$))", re.IGNORECASE)
_COPY_FROM_STDIN = re.compile(r"COPY\b.*\bFROM\s+STDIN\b", re.IGNORECASE | re.DOTALL)
_COMPOUND = re.compile(r"(?:/\*!\d*\s*)?CREATE\b(?!\s+(?:TABLE|INDEX|VIEW|DATABASE|SCHEMA)\b).{0,200}?"
                       r"\b(?:PROCEDURE|FUNCTION|TRIGGER|EVENT)\b", re.IGNORECASE | re.DOTALL)
"""A MySQL stored program: its body's semicolons belong to it, whatever the delimiter."""
_FLYWAY_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][\w.:-]*)\}")
_AT_PLACEHOLDER = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Statement:
    """One statement of a script: its text (without the terminator), file and first line."""

    text: str
    path: Path
    line: int
    data: str | None = None
    """The rows that follow ``COPY ... FROM stdin;`` in a psql script (text format, without ``\\.``)."""

    @property
    def head(self) -> str:
        """The start of the statement on one line, for error messages."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= 60 else flat[:57] + "..."

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class ClientCommand:
    """A line for the client, not the server: ``\\restrict KEY``, ``\\i file.sql``, ``source file.sql``."""

    name: str
    """As written, lower-cased: ``\\restrict``, ``\\ir``, ``source``, ``\\.``."""
    argument: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def head(self) -> str:
        return f"{self.name} {self.argument}".strip()


@dataclass(frozen=True)
class Placeholder:
    """A ``${name}`` (Flyway) or ``@name`` (OHDSI) outside comments, and the line it is on."""

    token: str
    name: str
    line: int


@dataclass
class Scan:
    """A script read the way its client reads it."""

    items: list[Statement | ClientCommand]
    placeholders: list[Placeholder]


class SplitError(ValueError):
    """The script ends inside a quote, comment or dollar-quoted body (or holds what no server reads)."""

    def __init__(self, path: Path, line: int, what: str, *, problem: str | None = None) -> None:
        super().__init__(f"{path}:{line}: {problem or f'unterminated {what} starting here'}")
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
    client_commands: str = ""
    """Whose client commands a line may start with: ``psql`` (backslash meta-commands such as ``\\i`` and
    ``\\restrict``, and ``COPY ... FROM stdin`` followed by its rows up to ``\\.``), or ``source`` (the mysql
    client's ``source file`` and ``\\. file``)."""
    at_variables: bool = False
    """``@name`` is a session variable, so it is a placeholder only where ``--define`` names it."""
    dump_only_statements: tuple[str, ...] = ()
    """Regular expressions of statements a dump writes for the server it came from that mean nothing on a
    disposable database (``LOCK TABLES``, replication state): :mod:`dbintegrity.sqltext.inputs` leaves them out."""
    dropped_clauses: tuple[str, ...] = ()
    """Regular expressions of clauses taken out of CREATE/ALTER statements (``DEFINER=user@host``: objects
    belong to the loading user rather than an account the disposable server does not have)."""
    client_side_files: str = ""
    """Regular expression of a statement whose file the client reads (``LOAD DATA LOCAL INFILE 'x'``), the
    quoted name in group 1: it resolves like an include."""


def split_sql(text: str, path: Path, *, dialect: str | SplitRules) -> list[Statement]:
    """Split ``text`` into statements.

    ``dialect`` is the engine's :class:`SplitRules`, or the name of a pack's dialect folder (``mysql``,
    ``postgres``...) whose engine the registry knows.  Statements that hold only comments are dropped.
    A client command (psql ``\\i``, mysql ``source``) is an error here: read such scripts with
    :func:`dbintegrity.sqltext.inputs.read_inputs`, which knows what to do with them.
    """
    out: list[Statement] = []
    for item in scan_sql(text, path, dialect=dialect).items:
        if isinstance(item, ClientCommand):
            raise SplitError(path, item.line, item.head,
                             problem=f"`{item.head}` is a client command, not SQL: read the script with sqlinput")
        out.append(item)
    return out


def scan_sql(text: str, path: Path, *, dialect: str | SplitRules) -> Scan:
    """Read ``text`` into statements and client commands, in order, noting placeholders."""
    rules = dialect if isinstance(dialect, SplitRules) else _rules_for(dialect)
    psql = rules.client_commands == "psql"
    source = rules.client_commands == "source"
    out: list[Statement | ClientCommand] = []
    placeholders: list[Placeholder] = []
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

    def note(span: str, first_line: int, code: bool) -> None:
        for m in _FLYWAY_PLACEHOLDER.finditer(span):
            placeholders.append(Placeholder(m.group(0), m.group(1), first_line + span.count("\n", 0, m.start())))
        if code:
            for m in _AT_PLACEHOLDER.finditer(span):
                if m.start() == 0 or (not _ident_char(span, m.start() - 1) and span[m.start() - 1] not in "@\\"):
                    placeholders.append(Placeholder(m.group(0), m.group(1),
                                                    first_line + span.count("\n", 0, m.start())))

    at_line_start = True
    while i < n:
        ch = text[i]
        if at_line_start and not has_code:
            m = _DELIMITER.match(text, i) if rules.delimiter_directive else None
            if m:
                delimiter = m.group(1)
                line += m.group(0).count("\n")
                i = m.end()
                start, start_line = i, line
                continue
            m = _SOURCE_COMMAND.match(text, i) if source else _PSQL_COMMAND.match(text, i) if psql else None
            if m:
                argument = (m.group(2) or "").strip()
                if source and argument.endswith(delimiter):
                    argument = argument[: -len(delimiter)].rstrip()
                out.append(ClientCommand(m.group(1).lower(), argument, path, line))
                i = m.end()
                start, start_line = i, line
                continue
        at_line_start = False
        if ch == "\n":
            line += 1
            at_line_start = True
            i += 1
            continue
        if text.startswith(delimiter, i) or (ch == ";" and has_code and delimiter != ";"
                                             and _statement_complete(text[start:i], rules)):
            # Under DELIMITER //, the mysql client sends `DROP PROCEDURE p; CREATE PROCEDURE p() ... END//`
            # as one multi-statement, which the server runs statement by statement; so do we.
            flush(i)
            if not text.startswith(delimiter, i):
                i += 1
                start, start_line = i, line
                continue
            i += len(delimiter)
            start, start_line = i, line
            last = out[-1] if out else None
            if (psql and isinstance(last, Statement) and last.data is None and last.path == path
                    and _COPY_FROM_STDIN.match(last.text)):
                i, line = _copy_data(text, i, line, path, last, out)
                start, start_line = i, line
                at_line_start = True
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
                note(text[i:end], line, code=True)
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
            note(text[i:end], line, code=False)
            line += text.count("\n", i, end)
            i = end
            continue
        if ch == "$" and rules.dollar_quotes:
            m = _DOLLAR_TAG.match(text, i)
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                close = text.find(m.group(0), m.end())
                if close < 0:
                    raise SplitError(path, line, f"dollar-quoted body {m.group(0)}")
                note(text[i:close], line, code=True)
                line += text.count("\n", i, close)
                i = close + len(m.group(0))
                continue
        if ch in "$@":
            m = (_FLYWAY_PLACEHOLDER if ch == "$" else _AT_PLACEHOLDER).match(text, i)
            if m and (ch == "$" or not (_ident_char(text, i - 1) or text[i - 1] == "@")):
                note(m.group(0), line, code=True)
                i = m.end()
                continue
        i += 1
    flush(n)
    return Scan(out, placeholders)


def _copy_data(text: str, i: int, line: int, path: Path, copy: Statement,
               out: list[Statement | ClientCommand]) -> tuple[int, int]:
    """Take the rows after ``COPY ... FROM stdin;`` up to the ``\\.`` line; return where SQL resumes."""
    eol = text.find("\n", i)
    if eol < 0:
        raise SplitError(path, copy.line, "COPY ... FROM stdin data (no \\. line)")
    rest = text[i:eol].strip()
    if rest and not rest.startswith("--"):
        raise SplitError(path, line, "COPY", problem=f"text after COPY ... FROM stdin; ({rest[:20]!r}): "
                         "the rows must start on the next line")
    first = eol + 1
    j = first
    while True:
        if j >= len(text):
            raise SplitError(path, copy.line, "COPY ... FROM stdin data (no \\. line)")
        end = text.find("\n", j)
        end = len(text) if end < 0 else end
        if text[j:end].rstrip("\r") == "\\.":
            break
        j = end + 1
    out[-1] = Statement(copy.text, copy.path, copy.line, text[first:j])
    return end, line + text.count("\n", i, end)


def split_file(path: Path, *, dialect: str | SplitRules) -> list[Statement]:
    """Read and split one file."""
    return split_sql(path.read_text(encoding="utf-8"), path, dialect=dialect)


_BLOCK_WORD = re.compile(r"\b(?:END\s+(?:IF|LOOP|WHILE|REPEAT)\b|END\s+CASE\b|BEGIN|CASE|END)\b", re.IGNORECASE)
_NOT_CODE = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|`[^`]*`|--[^\n]*|#[^\n]*|/\*(?!!).*?\*/", re.DOTALL)


def _statement_complete(body: str, rules: SplitRules) -> bool:
    """Whether ``body`` is a whole statement at a ``;`` under a custom delimiter: anything but a stored
    program, or a stored program whose BEGIN ... END blocks (and CASE ... END) are all closed."""
    if not _COMPOUND.match(_strip_leading_comments(body, rules)):
        return True
    depth, opened = 0, False
    for m in _BLOCK_WORD.finditer(_NOT_CODE.sub(" ", body)):
        word = m.group(0).upper()
        if word in ("BEGIN", "CASE"):
            depth, opened = depth + 1, True
        elif word == "END" or (word.startswith("END") and word.endswith("CASE")):
            depth -= 1
    return opened and depth <= 0


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
