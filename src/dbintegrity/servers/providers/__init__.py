"""Where disposable engines come from, and which source a run uses.

``auto`` prefers Docker (Testcontainers) when a Docker engine answers and has an image to start (present,
pullable, or built by ``dbintegrity images build``), else local binaries; when Docker answers but has no
image, :func:`auto_note` is the one line that says so.
Each provider can say why it is unavailable, which is what ``dbintegrity engines`` prints and what
an :class:`~dbintegrity.errors.EngineUnavailable` error lists, so a user sees every option tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.errors import EngineUnavailable
from dbintegrity.servers.providers import docker, local, url

_MODULES = {"docker": docker, "local": local, "url": url}


@dataclass(frozen=True)
class Availability:
    provider: str
    available: bool
    detail: str
    """The version it would give when available, otherwise why it is not."""


def availability(cfg: Config, engine: str) -> list[Availability]:
    """Every provider's answer for ``engine``, in the order auto would try them."""
    out = []
    for name, module in _MODULES.items():
        ok, detail = module.probe(cfg, engine)
        out.append(Availability(name, ok, detail))
    return out


def choose(cfg: Config, engine: str) -> str:
    """The provider a run would use for ``engine``: the configured one, or auto's pick."""
    if cfg.provider != "auto":
        return cfg.provider
    if docker.engine_answers() is not None:
        return "local"
    image, _ = docker.find_image(cfg, engine)
    return "docker" if image is not None else "local"


def auto_note(cfg: Config, engine: str) -> str | None:
    """One line when ``auto`` passes over a Docker engine that answers but has no image for ``engine``."""
    if cfg.provider != "auto" or docker.engine_answers() is not None:
        return None
    image, why = docker.find_image(cfg, engine)
    if image is not None:
        return None
    return f"{engine}: Docker answers but has no image to start, so local servers are used ({why})"


def start(cfg: Config, engine: str, cache: Path) -> Server:
    """Start (or reach) ``engine`` with the chosen provider; the error lists what else was possible."""
    name = choose(cfg, engine)
    ok, detail = _MODULES[name].probe(cfg, engine)
    if not ok:
        others = "; ".join(f"{a.provider}: {a.detail}" for a in availability(cfg, engine) if a.provider != name)
        raise EngineUnavailable(f"{engine} via the {name} provider is unavailable: {detail} (other providers: {others})")
    try:
        server: Server = _MODULES[name].start(cfg, engine, cache)
        return server
    except EngineUnavailable:
        raise
    except Exception as exc:
        raise EngineUnavailable(f"{engine} via the {name} provider failed to start: "
                                f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}") from exc
