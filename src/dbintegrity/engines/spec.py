"""What an engine declares about itself, as plain data, so the rest of the suite never tests its name.

Each engine folder holds a ``spec.py`` with one :class:`EngineSpec`: the sqlglot dialect, the splitter's
lexical rules, the pack folders it reads, URL schemes, default port, Docker image, the version lines it
can start locally and how.  These are cheap to import (no database driver, no sqlglot): the
configuration builds its options from them before any engine is started.  Behaviour (connecting,
introspection, starting a server) lives in the engine's :class:`~dbintegrity.engines.base.Engine` class,
named here by ``engine_class`` and imported only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

from dbintegrity.sqltext.split import SplitRules


@dataclass(frozen=True)
class Line:
    """One version line of an engine that ``--engines name@version`` selects."""

    version: str
    """``"10.11"``, ``"18"``: what the user writes after ``@``; the server's version must start with it."""
    image: str
    """The docker provider's image for this line."""
    local: str
    """Where the local provider gets this line from, in a few words (``dbintegrity engines`` prints it)."""


@dataclass(frozen=True)
class EngineSpec:
    """Everything that differs between engines and is known before one runs."""

    name: str
    """The engine's name in ``--engines``, option names (``--<name>-url``) and test ids."""
    title: str
    """How messages name it: ``MariaDB``."""
    engine_class: str
    """``module:Class`` of its :class:`~dbintegrity.engines.base.Engine`."""
    sqlglot_dialect: str
    """The dialect sqlglot reads and writes the engine's SQL in."""
    dialect_dirs: tuple[str, ...]
    """Pack folders that hold DDL for it, the first one a pack has wins (MariaDB: ``mariadb``, then ``mysql``)."""
    split_rules: SplitRules
    url_schemes: tuple[str, ...]
    """Schemes the url provider accepts; the first is the one it writes."""
    url_example: str
    default_port: int
    default_image: str
    lines: tuple[Line, ...]
    """Version lines, oldest first; ``dbintegrity engines`` and ``--engines all`` list every one."""
    bin_help: str
    """What ``--<name>-bin`` points at for the local provider."""
    server_options_example: str = ""
    """An option of the local server worth passing (``--mysql-server-options``'s help shows it)."""
    image_recipe: str = ""
    """``module:NAME`` of the engine's local Docker image recipe (``dbintegrity images build``); empty: none."""
    regexp_follows_collation: bool = False
    """A regular-expression match without flags (``REGEXP_LIKE(x, p)``, ``x REGEXP p``) follows the column's
    collation, case-insensitive by default, where the neutral ``x ~ p`` is case-sensitive."""

    def line(self, version: str) -> Line | None:
        return next((ln for ln in self.lines if ln.version == version), None)

    @property
    def option_prefix(self) -> str:
        """Option names are ``<prefix>_url``, ``--<prefix>-image``...: the engine's name."""
        return self.name
