"""Real servers started from binaries on this machine; each engine's launcher lives with the engine."""

from __future__ import annotations

from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.errors import EngineUnavailable


def probe(cfg: Config, engine: str) -> tuple[bool, str]:
    try:
        return True, get_engine(engine).local_describe(cfg)
    except EngineUnavailable as exc:
        return False, str(exc)


def start(cfg: Config, engine: str, cache: Path) -> Server:
    return get_engine(engine).local_start(cfg, cache)
