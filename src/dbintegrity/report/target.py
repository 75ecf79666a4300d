"""The database a report reads: a server, a database on it, and the SQLAlchemy URL GX needs for it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.report import ReportError
from dbintegrity.servers.providers import url as url_provider


@dataclass(frozen=True)
class Target:
    engine: str
    server: Server
    database: str

    @property
    def sqlalchemy_url(self) -> str:
        s = self.server
        auth = quote(s.user, safe="") + (f":{quote(s.password, safe='')}" if s.password else "")
        eng = get_engine(self.engine)  # the driver the suite already depends on (no psycopg2)
        return f"{eng.sqlalchemy_driver}://{auth}@{s.host}:{s.port}/{quote(self.database, safe='')}{eng.sqlalchemy_query}"

    @property
    def label(self) -> str:
        return f"{self.engine} database {self.database} on {self.server.host}:{self.server.port}"


def from_url(engine: str, url: str) -> Target:
    """An existing database named by ``url`` (``mysql://u:p@h:3306/db``, ``postgresql://.../db``)."""
    database = urlsplit(url).path.strip("/")
    if not database:
        raise ReportError("--url must name the database to report on (e.g. mysql://root@127.0.0.1:3306/hospital); "
                          f"got {url_provider.redact(url)}")
    server = url_provider.parse(engine, url)
    return Target(engine, server, database)
