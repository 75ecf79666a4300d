"""Disposable engines as Docker containers, through Testcontainers' MySQL and PostgreSQL modules.

Which image: the configured one (official ``mysql:8.4``/``postgres:17`` by default) when it is present or
a registry can give it; when the setting is left at its default and neither holds (no registry: a laptop
on a train, these CI machines), the image ``dbintegrity images build`` made (``dbintegrity/mysql:9.7``,
``dbintegrity/postgres:15``).  A ping alone is not enough for ``auto``: :func:`find_image` says whether
there is an image to start, and why not.

Who removes containers when this process dies without cleaning up (SIGKILL): Testcontainers' Ryuk when
its image can be had; otherwise our own reaper (:mod:`dbintegrity.servers.reaper`), a small process that removes
every container carrying this run's label once our end of a pipe closes.  Either way each container is
labelled with its run, host and pid, and the next run removes those of pids that no longer exist.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import socket
from pathlib import Path
from typing import Any

from dbintegrity.config import OPTION_BY_NAME, Config
from dbintegrity.engines import get_engine
from dbintegrity.engines.base import Server
from dbintegrity.servers import reaper


def client_or_reason() -> tuple[Any, str | None]:
    """A Docker client that answered a ping, or ``(None, why not)`` (about 0.1 s without an engine)."""
    try:
        import docker as docker_sdk
        from docker.errors import DockerException
    except ImportError as exc:
        return None, f"the docker Python package is missing ({exc})"
    try:
        client = docker_sdk.from_env(timeout=3)
        client.ping()
    except (DockerException, OSError) as exc:
        first = " ".join(str(exc).split())[:160]
        return None, f"no Docker engine answers a ping ({first})"
    return client, None


def engine_answers() -> str | None:
    """``None`` if a Docker engine answers a ping, else why not."""
    client, reason = client_or_reason()
    if client is not None:
        client.close()
    return reason


@functools.cache
def image_answer(image: str) -> tuple[str | None, str]:
    """``("present" | "pullable", "")`` or ``(None, why not)`` for ``image``, asked once per process.

    Pullable means the registry described it (a manifest request, no download); offline that fails at
    once with the registry's DNS error.
    """
    client, reason = client_or_reason()
    if client is None:
        return None, reason or "no Docker engine"
    from docker.errors import DockerException, ImageNotFound

    try:
        client.images.get(image)
        return "present", ""
    except ImageNotFound:
        pass
    except (DockerException, OSError) as exc:
        return None, f"cannot inspect {image} ({_short(exc)})"
    try:
        client.images.get_registry_data(image)
        return "pullable", ""
    except (DockerException, OSError) as exc:
        return None, f"image {image} is neither present nor pullable ({_short(exc)})"
    finally:
        client.close()


@functools.cache
def local_build(name: str, version: str | None = None) -> str | None:
    """The image ``dbintegrity images build`` made for engine ``name`` (of line ``version``, else the newest)."""
    client, _ = client_or_reason()
    if client is None:
        return None
    from dbintegrity.servers.images import local_image

    try:
        return local_image(name, client, version)
    except Exception:
        return None
    finally:
        client.close()


def forget_images() -> None:
    """Ask Docker again next time (after ``dbintegrity images build``, or in tests)."""
    image_answer.cache_clear()
    local_build.cache_clear()


def image_for(cfg: Config, engine: str) -> str:
    """The configured image of ``engine``: ``--<name>-image``, else its version line's, else the default."""
    return get_engine(engine).image(cfg)


def find_image(cfg: Config, engine: str) -> tuple[str | None, str]:
    """``(image to start, how it was found)`` or ``(None, one line: why not, and the fix)``."""
    reason = engine_answers()
    if reason is not None:
        return None, reason
    configured = image_for(cfg, engine)
    state, why = image_answer(configured)
    if state is not None:
        return configured, f"image {configured} ({state})"
    from dbintegrity.servers.images import buildable

    eng = get_engine(engine)
    name, version = eng.spec.name, eng.line.version if eng.line is not None else None
    flag = OPTION_BY_NAME[f"{name}_image"].flag
    if not cfg.images.get(name):  # not chosen by the user: a local build of the same line may stand in
        built = local_build(name, version)
        if built is not None:
            return built, f"image {built} (built locally; {configured} is neither present nor pullable)"
        fix = f"`dbintegrity images build --engines {engine}` (it is then found by itself) or `docker pull {configured}`"
        if not buildable(name, version):
            fix = f"`docker pull {configured}` where a registry is reachable, or use --provider local"
    else:
        fix = (f"`docker pull {configured}`, or `dbintegrity images build --engines {engine}` and "
               f"{flag} dbintegrity/{name}:<version>")
    return None, f"{why}: run {fix}" if fix.startswith("`") else f"{why}: {fix}"


def probe(cfg: Config, engine: str) -> tuple[bool, str]:
    image, detail = find_image(cfg, engine)
    return image is not None, detail


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if "no such host" in text or "dial tcp" in text:
        return "no registry answers: " + text[text.find("Get "):][:120].rstrip("\")") if "Get " in text else text[:160]
    return text[:160]


# -- Ryuk or our own reaper ----------------------------------------------------------------------------

RUN_TOKEN = secrets.token_hex(6)
"""Labels this process's containers (``dbintegrity.run``), for the reaper."""


@functools.cache
def use_ryuk() -> bool:
    """Testcontainers' Ryuk when it is not disabled and its image is present or pullable; else our reaper."""
    from testcontainers.core.config import testcontainers_config as tc

    if tc.ryuk_disabled:
        return False
    state, _ = image_answer(tc.ryuk_image)
    if state is None:
        tc.ryuk_disabled = True  # pulling it would fail with a registry error on every container start
        return False
    return True


def _labels() -> dict[str, str]:
    return {reaper.RUN_LABEL: RUN_TOKEN, reaper.HOST_LABEL: socket.gethostname(), reaper.PID_LABEL: str(os.getpid())}


def start(cfg: Config, engine: str, cache: Path) -> Server:
    image, detail = find_image(cfg, engine)
    if image is None:
        from dbintegrity.errors import EngineUnavailable

        raise EngineUnavailable(f"{engine} via the docker provider is unavailable: {detail}")
    reaper.sweep()
    if not use_ryuk():
        reaper.ensure(RUN_TOKEN)
    password = secrets.token_hex(8)
    eng = get_engine(engine)
    container, port = eng.container(image, password)
    container.with_kwargs(labels=_labels())
    try:
        container.start()
    except BaseException:  # also Ctrl-C while waiting for the log line: nothing stays behind
        _remove(container)
        raise
    host = container.get_container_host_ip()
    mapped = int(container.get_exposed_port(port))
    wrapped = container.get_wrapped_container()

    def liveness() -> str | None:
        try:
            wrapped.reload()
        except Exception as exc:
            return f"container {wrapped.short_id} cannot be inspected ({_short(exc)})"
        if wrapped.status != "running":
            return f"container {wrapped.short_id} is {wrapped.status}"
        return None

    return Server(
        engine=engine, provider="docker", host=host, port=mapped, user=container.username,
        password=password, admin_database=eng.admin_database,
        description=f"container {wrapped.short_id} from {image}",
        liveness=liveness, stopper=container.stop,  # docker rm -f: the data is thrown away anyway
    )


def _remove(container: Any) -> None:
    """Remove a container that failed to start; never raises (the reaper and the next run's sweep remain)."""
    with contextlib.suppress(Exception):
        container.stop()
