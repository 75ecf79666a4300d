"""Which schema object each DDL statement of a pack builds, so two versions can be compared per object.

``--changed-since`` and ``dbintegrity diff`` need to know that an edited ``ALTER TABLE vitals ADD CHECK``
changes the table ``vitals`` and nothing else.  No database is needed: each statement is recognised by
its head (``CREATE TABLE x``, ``ALTER TABLE x``, ``CREATE INDEX .. ON x``, ``CREATE TRIGGER t .. ON x``,
``GRANT .. ON x``, ``CREATE VIEW v``, ``CREATE FUNCTION f``...).  A statement that names no object it
builds (``SET``, ``CREATE ROLE``) is kept as an object of its own, ``other``: when one of those changes,
nothing narrower than the whole pack can be said to have changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dbintegrity.sqltext.split import Statement

_ID = r'(?:`[^`]+`|"[^"]+"|\[[^\]]+\]|[\w$]+)'
_Q = rf"({_ID}(?:\s*\.\s*{_ID})*)"
_DEFINER = r"(?:DEFINER\s*=\s*\S+\s+)?"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern, re.I | re.S)) for kind, pattern in (
    ("table", rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+"
              rf"(?:IF\s+NOT\s+EXISTS\s+)?{_Q}"),
    ("table", rf"(?:ALTER|DROP|TRUNCATE)\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_Q}"),
    ("table", rf"CREATE\s+(?:UNIQUE\s+)?(?:FULLTEXT\s+|SPATIAL\s+)?INDEX\b.*?\bON\s+(?:ONLY\s+)?{_Q}"),
    ("trigger", rf"CREATE\s+(?:OR\s+REPLACE\s+)?{_DEFINER}(?:CONSTRAINT\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?{_Q}"
                rf".*?\bON\s+{_Q}"),
    ("view", rf"(?:CREATE|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?{_DEFINER}"
             rf"(?:SQL\s+SECURITY\s+\w+\s+)?(?:MATERIALIZED\s+|RECURSIVE\s+|TEMP(?:ORARY)?\s+)?VIEW\s+"
             rf"(?:IF\s+NOT\s+EXISTS\s+)?{_Q}"),
    ("routine", rf"CREATE\s+(?:OR\s+REPLACE\s+)?{_DEFINER}(?:FUNCTION|PROCEDURE)\s+(?:IF\s+NOT\s+EXISTS\s+)?{_Q}"),
    ("type", rf"(?:CREATE|ALTER)\s+(?:TYPE|DOMAIN|SEQUENCE)\s+(?:IF\s+NOT\s+EXISTS\s+)?{_Q}"),
    ("table", rf"(?:GRANT|REVOKE)\s+(?!.*\bALL\s+TABLES\b).*?\bON\s+(?:TABLE\s+)?{_Q}\s+(?:TO|FROM)\b"),
    ("table", rf"CREATE\s+POLICY\s+{_ID}\s+ON\s+{_Q}"),
    ("table", rf"COMMENT\s+ON\s+TABLE\s+{_Q}"),
    ("column", rf"COMMENT\s+ON\s+COLUMN\s+{_Q}"),
    ("table", rf"(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+{_Q}"),
    ("table", rf"(?:COPY|LOAD\s+DATA\b.*?\bINTO\s+TABLE)\s+{_Q}"),
))


@dataclass(frozen=True)
class DdlObject:
    """What a statement builds: ``kind`` table, trigger, view, routine, type or other, and its name.

    A trigger also names its table (``on``); ``other`` is named by the statement's own text.
    """

    kind: str
    name: str
    on: str = ""


def unquote(qualified: str) -> str:
    """``"public"."Vitals"`` -> ``public.Vitals``: the name without quoting, schema kept."""
    parts = re.findall(_ID, qualified)
    return ".".join(p[1:-1] if p[:1] in "`\"[" else p for p in parts)


def object_of(text: str) -> DdlObject:
    """The object ``text`` (one statement, without its terminator) builds; see the module docstring."""
    body = normalized(text)
    for kind, pattern in _RULES:
        m = pattern.match(body)
        if not m:
            continue
        if kind == "trigger":
            return DdlObject("trigger", unquote(m.group(1)).rsplit(".", 1)[-1], unquote(m.group(2)))
        if kind == "column":  # COMMENT ON COLUMN t.c: a comment of table t
            return DdlObject("table", unquote(m.group(1)).rsplit(".", 1)[0])
        return DdlObject(kind, unquote(m.group(1)))
    return DdlObject("other", body)


def normalized(text: str) -> str:
    """The statement without whole-line ``--`` comments and with runs of white space as one space, so a
    re-indented statement is the same statement."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return " ".join(" ".join(lines).split())


@dataclass(frozen=True)
class Placed:
    """A statement's normal form and where it is (file relative to the pack, line)."""

    text: str
    where: str


def objects(statements: list[Statement], pack_dir: Path) -> dict[DdlObject, list[Placed]]:
    """The statements of one dialect grouped by the object each builds, in file order."""
    out: dict[DdlObject, list[Placed]] = {}
    root = pack_dir.resolve()
    rels: dict[Path, str] = {}  # resolved once per file, not per statement

    def rel(path: Path) -> str:
        if path not in rels:
            try:
                rels[path] = path.resolve().relative_to(root).as_posix()
            except ValueError:
                rels[path] = str(path)
        return rels[path]

    for st in statements:
        out.setdefault(object_of(st.text), []).append(Placed(normalized(st.text), f"{rel(st.path)}:{st.line}"))
    return out


def mentions(text: str, names: set[str]) -> set[str]:
    """Which of ``names`` (tables, views, routines) ``text`` names as a word, quoted or not; letter case
    ignored, as unquoted names are on both engines."""
    if not names:
        return set()
    lowered = {n.lower().rsplit(".", 1)[-1]: n for n in names}
    pattern = re.compile(r"(?<![\w$])(" + "|".join(re.escape(k) for k in sorted(lowered, key=len, reverse=True))
                         + r")(?![\w$])", re.I)
    return {lowered[m.group(1).lower()] for m in pattern.finditer(text)}


def changed(old: dict[DdlObject, list[Placed]],
            new: dict[DdlObject, list[Placed]]) -> list[tuple[DdlObject, list[Placed], list[Placed]]]:
    """The objects whose statements differ between two versions: (object, before, after), in a stable order."""
    out = []
    for obj in sorted(set(old) | set(new), key=lambda o: (o.kind, o.name, o.on)):
        before, after = old.get(obj, []), new.get(obj, [])
        if [p.text for p in before] != [p.text for p in after]:
            out.append((obj, before, after))
    return out
