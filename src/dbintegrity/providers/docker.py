"""Disposable engines as Docker containers, through Testcontainers' MySQL and PostgreSQL modules.

Testcontainers' reaper (Ryuk) removes the containers even if this process is SIGKILLed; we also stop
them explicitly at the end of a run.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server


def engine_answers() -> str | None:
    """``None`` if a Docker engine answers a ping, else why not (about 0.1 s without an engine)."""
    try:
        import docker as docker_sdk
        from docker.errors import DockerException
    except ImportError as exc:
        return f"the docker Python package is missing ({exc})"
    try:
        client = docker_sdk.from_env(timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except (DockerException, OSError) as exc:
        first = " ".join(str(exc).split())[:160]
        return f"no Docker engine answers a ping ({first})"
    return None


def image_for(cfg: Config, engine: str) -> str:
    return get_engine(engine).image(cfg)


def probe(cfg: Config, engine: str) -> tuple[bool, str]:
    reason = engine_answers()
    return (True, f"image {image_for(cfg, engine)}") if reason is None else (False, reason)


def start(cfg: Config, engine: str, cache: Path) -> Server:
    password = secrets.token_hex(8)
    eng = get_engine(engine)
    container, port = eng.container(image_for(cfg, engine), password)
    container.start()
    host = container.get_container_host_ip()
    mapped = int(container.get_exposed_port(port))
    wrapped = container.get_wrapped_container()

    def liveness() -> str | None:
        try:
            wrapped.reload()
        except Exception as exc:
            return f"container {wrapped.short_id} cannot be inspected ({exc})"
        if wrapped.status != "running":
            return f"container {wrapped.short_id} is {wrapped.status}"
        return None

    return Server(
        engine=engine, provider="docker", host=host, port=mapped, user=container.username,
        password=password, admin_database=eng.admin_database,
        description=f"container {wrapped.short_id} from {image_for(cfg, engine)}",
        liveness=liveness, stopper=container.stop,
    )
