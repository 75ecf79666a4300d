"""The engine registry: the one place that knows which engines exist.

Adding an engine is one new folder ``engines/<name>/`` (``spec.py`` with its :class:`EngineSpec`, and the
:class:`Engine` class it names) plus its name in :data:`PLUGINS`.  Everything else asks the registry and
the engine object: options, URL schemes, pack folders, splitter rules, local start, provisioning, access
and mutation parts.  An engine is chosen as ``name`` (its default line: whatever the provider gives) or
``name@version`` (one of its :attr:`EngineSpec.lines`); that text is the engine's key in a run.
"""

from __future__ import annotations

import importlib
from functools import cache

from dbintegrity.engines.base import Engine
from dbintegrity.engines.spec import EngineSpec, Line
from dbintegrity.errors import ConfigError
from dbintegrity.sqltext.split import SplitRules

PLUGINS: tuple[str, ...] = ("mysql", "mariadb", "postgres")
"""Engine folders, in the order listings show them."""

ALL = "all"
"""``--engines all``: every line of every engine."""


@cache
def specs() -> tuple[EngineSpec, ...]:
    """Every engine's declaration (cheap: no driver is imported)."""
    return tuple(importlib.import_module(f"dbintegrity.engines.{name}.spec").SPEC for name in PLUGINS)


def spec(name: str) -> EngineSpec:
    """The declaration of engine ``name`` (without ``@version``)."""
    for s in specs():
        if s.name == name:
            return s
    raise ConfigError(f"engine {name!r} is not known; choose from {', '.join(PLUGINS)} "
                      f"(optionally with @version: {', '.join(all_keys())})")


def parse_key(key: str) -> tuple[EngineSpec, Line | None]:
    """``mariadb@10.11`` -> (MariaDB's spec, its 10.11 line); ``mariadb`` -> (spec, None)."""
    name, at, version = key.strip().lower().partition("@")
    found = spec(name)
    if not at:
        return found, None
    line = found.line(version)
    if line is None:
        raise ConfigError(f"engine {name} has no version {version!r}; choose from "
                          f"{', '.join(f'{name}@{ln.version}' for ln in found.lines)}")
    return found, line


def all_keys() -> tuple[str, ...]:
    """``name@version`` for every line of every engine: what ``--engines all`` runs."""
    return tuple(f"{s.name}@{ln.version}" for s in specs() for ln in s.lines)


def expand(keys: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validated, canonical engine keys; ``all`` expands to :func:`all_keys`; duplicates dropped."""
    out: list[str] = []
    for key in keys:
        for one in all_keys() if key.strip().lower() == ALL else (key,):
            s, line = parse_key(one)
            canonical = s.name if line is None else f"{s.name}@{line.version}"
            if canonical not in out:
                out.append(canonical)
    return tuple(out)


@cache
def get_engine(key: str) -> Engine:
    """The engine object for ``key`` (``mysql``, ``postgres@18``); its module is imported on first use."""
    s, line = parse_key(key)
    module, _, cls = s.engine_class.partition(":")
    engine_type: type[Engine] = getattr(importlib.import_module(module), cls)
    return engine_type(s, line)


def split_rules(folder: str) -> SplitRules:
    """The splitter's rules for a pack's dialect folder (``mysql/``, ``postgres/``, ``mariadb/``)."""
    for s in specs():
        if folder in s.dialect_dirs:
            return s.split_rules
    raise ConfigError(f"no engine reads a pack folder named {folder!r}; engines read "
                      f"{', '.join(sorted({d for s in specs() for d in s.dialect_dirs}))}")


def sql_dialects() -> tuple[str, ...]:
    """Every sqlglot dialect some engine is written in: neutral SQL must render for each."""
    return tuple(sorted({s.sqlglot_dialect for s in specs()}))


@cache
def regexp_follows_collation(sqlglot_dialect: str) -> bool:
    """Whether engines written in ``sqlglot_dialect`` match flagless regular expressions by collation."""
    return any(s.regexp_follows_collation for s in specs() if s.sqlglot_dialect == sqlglot_dialect)
