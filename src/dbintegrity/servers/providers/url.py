"""An existing server given by URL.  The suite only ever creates and drops its own ``dbi_`` databases there."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dbintegrity.config import OPTION_BY_NAME, Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.errors import ConfigError


def parse(engine: str, url: str) -> Server:
    """A :class:`Server` for ``url``; a wrong scheme or a missing host is a one-line ConfigError."""
    parts = urlsplit(url)
    eng = get_engine(engine)
    schemes = eng.spec.url_schemes
    if parts.scheme not in schemes:
        raise ConfigError(f"{engine} URL must start with {schemes[0]}://, got {parts.scheme or '(none)'}:// "
                          f"in {redact(url)} (also accepted: {', '.join(s + '://' for s in schemes[1:])})")
    if not parts.hostname:
        raise ConfigError(f"{engine} URL has no host: {redact(url)}")
    try:
        port = parts.port or eng.default_port
    except ValueError as exc:  # a port that is not a number, or out of range
        raise ConfigError(f"{engine} URL has a bad port ({exc}): {redact(url)}") from None
    admin = parts.path.lstrip("/") or eng.admin_database
    host = parts.hostname

    def liveness() -> str | None:
        try:
            with socket.create_connection((host, port), timeout=3):
                return None
        except OSError as exc:
            return f"nothing answers at {host}:{port} ({exc.strerror or exc})"

    return Server(
        engine=engine, provider="url", host=host, port=port,
        user=unquote(parts.username or eng.default_user),
        password=unquote(parts.password or ""), admin_database=admin, description=redact(url),
        liveness=liveness,
    )


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def probe(cfg: Config, engine: str) -> tuple[bool, str]:
    raw = cfg.url_for(engine)
    if not raw:
        opt = OPTION_BY_NAME[f"{get_engine(engine).spec.option_prefix}_url"]
        return False, f"no URL given ({opt.flag} or {opt.env})"
    try:
        server = parse(engine, raw)
    except ConfigError as exc:
        return False, str(exc)
    reason = server.liveness()
    return (False, reason) if reason else (True, server.description)


def start(cfg: Config, engine: str, cache: Path) -> Server:
    raw = cfg.url_for(engine)
    assert raw is not None  # probe() said so
    return parse(engine, raw)
