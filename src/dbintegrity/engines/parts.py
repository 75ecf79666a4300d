"""The per-engine parts of role-based access, as the engine folders implement them.

They live here, beside :class:`~dbintegrity.engines.base.Engine`, and not in :mod:`dbintegrity.probes.access`,
so that an engine's ``access.py`` never imports the neutral access layer (which imports the probes, which
import the runtime, which imports the providers, which import the engines: an import loop).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from dbintegrity.engines.base import Engine, Server


@dataclass(frozen=True)
class Login:
    """How a session becomes a role: log in as ``user``, then ``set_role`` if given."""

    role: str
    user: str
    password: str
    identity: str
    """What the audit trail records as the session's database user (up to any ``@host``)."""
    set_role: str | None = None


class AccessDialect(abc.ABC):
    """What acting as a role, naming the application's user and reading JSON back take on one engine."""

    app_user_statement: str
    """Sets the application's user for the connection; one ``%s`` parameter (``NULL`` clears it)."""

    @abc.abstractmethod
    def create_login(self, engine: Engine, server: Server, role: str, name: str) -> Login:
        """A way to log in as ``role``; ``name`` is unique to this run if the engine needs a new account."""

    @abc.abstractmethod
    def drop_login(self, engine: Engine, server: Server, login: Login) -> None:
        """Remove what :meth:`create_login` made; never raises for a login already gone."""

    @abc.abstractmethod
    def connect(self, engine: Engine, server: Server, database: str, login: Login) -> Any:
        """A connection acting as the role: session prepared, not in autocommit mode."""

    @abc.abstractmethod
    def json_text(self, column: str) -> str:
        """An expression that reads a JSON column back as its text."""
