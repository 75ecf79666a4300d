"""Regular expressions in CHECKs: the subset on which PostgreSQL, MySQL and Python agree, and values to probe.

PostgreSQL's ``~`` uses Henry Spencer's ARE engine, MySQL's ``REGEXP_LIKE`` uses ICU, and the evaluator
uses Python's :mod:`re`.  On literals, bracket classes with ranges, groups, alternation, the quantifiers
``? * + {m,n}``, ``.`` and the anchors ``^ $`` all three agree, as long as the subject has no line break
(``$`` before a final newline differs).  Anything else (backslash classes such as ``\\d`` whose meaning
differs between engines, POSIX ``[[:digit:]]`` classes, back-references, look-arounds, lazy quantifiers)
is refused with :class:`Unsupported`, so a CHECK using it is skipped with that reason instead of being
judged by a guess.

:func:`examples` turns a pattern into concrete strings: one match per alternative and per quantifier
extreme, plus near misses around each (a character added before or after, the last one dropped, the
letter case flipped).  Those are the values that tell a pattern from a weakened copy of itself.
"""

from __future__ import annotations

import random
import re
import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
from functools import lru_cache
from typing import Any

from dbintegrity.errors import DbIntegrityError

_BACKSLASH_CLASS = re.compile(r"\\[0-9A-Za-z]")
"""``\\d``, ``\\w``, ``\\b``, ``\\1``...: classes, anchors and references whose meaning differs between engines."""
_LAZY_OR_GROUP_EXTENSION = re.compile(r"(?<!\\)(?:\(\?|[*+?}]\?)")


MAX_MATCHES = 12
"""Matches :func:`examples` keeps (each brings six near misses): enough to visit every alternative of a
controlled vocabulary of a dozen terms, few enough that a probe can insert them all per example."""


class RegexUnsupported(DbIntegrityError):
    """The pattern uses something the engines (or Python) read differently."""


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """The Python regex for an engine pattern, or :class:`RegexUnsupported` naming what is refused."""
    if _BACKSLASH_CLASS.search(pattern) or "[[:" in pattern or "[[=" in pattern or "[[." in pattern:
        raise RegexUnsupported(f"regular expression {pattern!r} uses a backslash class or POSIX class that "
                               "PostgreSQL, MySQL and Python read differently")
    if _LAZY_OR_GROUP_EXTENSION.search(pattern):
        raise RegexUnsupported(f"regular expression {pattern!r} uses (?...) groups or lazy quantifiers, which "
                               "PostgreSQL, MySQL and Python read differently")
    try:
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise RegexUnsupported(f"regular expression {pattern!r} does not compile: {exc}") from None


def matches(pattern: str, text: str, ignore_case: bool = False) -> bool:
    """``text ~ pattern`` as both engines answer it (search semantics: the pattern may match anywhere)."""
    if "\n" in text or "\r" in text:
        raise RegexUnsupported("a line break in the subject: PostgreSQL and MySQL place '$' differently")
    return compile_pattern(pattern, ignore_case).search(text) is not None


def fullmatch_pattern(pattern: str) -> str:
    """A pattern for generators that must produce whole matching values: anchors added where missing."""
    body = pattern[1:] if pattern.startswith("^") else f".*(?:{pattern})" if pattern else ""
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    elif pattern:
        body = f"(?:{body}).*"
    return body


@lru_cache(maxsize=512)
def examples(pattern: str) -> tuple[str, ...]:
    """Matches of ``pattern`` (one per alternative, quantifiers at both ends) and near misses of each."""
    compile_pattern(pattern)
    tree = sre_parse.parse(pattern)
    width = max(1, _alternatives(tree))
    found: list[str] = []
    for variant in range(width):
        for longest in (False, True):
            text = _build(tree, variant, longest)
            if text is not None and text not in found:
                found.append(text)
    found = found[:MAX_MATCHES]
    out = list(found)
    for text in found:
        for near in (text + "x", "x" + text, text[:-1], text.swapcase(), text + " ", " " + text):
            if near not in out:
                out.append(near)
    if "" not in out:
        out.append("")
    return tuple(out)


def _alternatives(tree: Any) -> int:
    """The widest choice anywhere in the tree: how many variants visit every alternative."""
    widest = 1
    for op, av in tree:
        name = str(op)
        if name == "BRANCH":
            widest = max(widest, len(av[1]), *(_alternatives(b) for b in av[1]))
        elif name == "IN":
            widest = max(widest, min(len(_members(av)), 4))
        elif name == "SUBPATTERN":
            widest = max(widest, _alternatives(av[-1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            widest = max(widest, _alternatives(av[2]))
    return widest


def _members(items: Any) -> list[str]:
    out: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "RANGE":
            low, high = av
            out += [chr(low), chr(high)] if high > low else [chr(low)]
        elif name == "NEGATE":
            return []
    return out


def _build(tree: Any, variant: int, longest: bool) -> str | None:
    """One matching string; ``variant`` picks among alternatives, ``longest`` the quantifier extreme."""
    parts: list[str] = []
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            parts.append(chr(av))
        elif name == "ANY":
            parts.append("a")
        elif name == "IN":
            members = _members(av)
            if not members:
                negated = {m for m in _members([x for x in av if str(x[0]) != "NEGATE"])}
                members = [c for c in "a0Z_ " if c not in negated][:1]
            if not members:
                return None
            parts.append(members[variant % len(members)])
        elif name == "BRANCH":
            branches = av[1]
            part = _build(branches[variant % len(branches)], variant, longest)
            if part is None:
                return None
            parts.append(part)
        elif name == "SUBPATTERN":
            part = _build(av[-1], variant, longest)
            if part is None:
                return None
            parts.append(part)
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = av
            count = min(high, low + 2) if longest else low
            if count == 0 and not longest and low == 0:
                continue
            part = _build(body, variant, longest)
            if part is None:
                return None
            parts.append(part * count)
        elif name == "AT":
            continue  # ^ and $: the string built is the whole subject
        else:
            return None
    return "".join(parts)


_ANY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def random_match(pattern: str, rng: random.Random) -> str | None:
    """One random whole match of ``pattern`` (ranges drawn from end to end), or None where it cannot build one.

    :func:`examples` takes each range at its ends, so ``^LM-[A-Z]{3}$`` gives only ``LM-AAA`` and ``LM-ZZZ``;
    rows that need many distinct values of a UNIQUE column under such a CHECK draw from here instead.
    """
    compile_pattern(pattern)
    return _random(sre_parse.parse(fullmatch_pattern(pattern)), rng)


def _random(tree: Any, rng: random.Random) -> str | None:
    parts: list[str] = []
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            parts.append(chr(av))
        elif name == "ANY":
            parts.append(rng.choice(_ANY_CHARS))
        elif name == "IN":
            if any(str(o) == "NEGATE" for o, _ in av):
                negated = set(_members([x for x in av if str(x[0]) != "NEGATE"]))
                pool = [c for c in _ANY_CHARS if c not in negated and not any(
                    str(o) == "RANGE" and a[0] <= ord(c) <= a[1] for o, a in av)]
            else:
                pool = [chr(c) for o, a in av for c in (range(a[0], a[1] + 1) if str(o) == "RANGE" else
                                                        [a] if str(o) == "LITERAL" else [])]
            if not pool:
                return None
            parts.append(rng.choice(pool))
        elif name == "BRANCH":
            part = _random(rng.choice(av[1]), rng)
            if part is None:
                return None
            parts.append(part)
        elif name == "SUBPATTERN":
            part = _random(av[-1], rng)
            if part is None:
                return None
            parts.append(part)
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = av
            for _ in range(rng.randint(low, min(high, low + 4))):
                part = _random(body, rng)
                if part is None:
                    return None
                parts.append(part)
        elif name != "AT":
            return None
    return "".join(parts)
