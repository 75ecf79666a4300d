"""Every image ``dbintegrity images build`` makes starts with Testcontainers' own module, unchanged.

For each engine line (MySQL 9.7, MariaDB 10.11 and 11.8, PostgreSQL 15 and 18): the engine's container
class (``MySqlContainer`` for the MySQL family, ``PostgresContainer``) with its standard wait strategy,
the official images' environment contract (root password, database), and a connection that reports the
line's version.  Skips, saying why, where no Docker engine answers or the image was not built.
"""

from __future__ import annotations

import contextlib
import secrets

import pytest

from dbintegrity.engines import all_keys, get_engine
from dbintegrity.engines.base import Server
from dbintegrity.servers.providers import docker

pytestmark = pytest.mark.selftest


@pytest.mark.parametrize("key", all_keys())
def test_local_image_starts_with_the_testcontainers_module(key):
    eng = get_engine(key)
    client, why = docker.client_or_reason()
    if client is None:
        pytest.skip(f"no Docker engine: {why}")
    client.close()
    assert eng.line is not None
    image = docker.local_build(eng.spec.name, eng.line.version)
    if image is None:
        pytest.skip(f"no local image of {key}: run `dbintegrity images build --engines {key}`")
    docker.use_ryuk()  # Testcontainers' Ryuk only where its image can be had (else it would try to pull it)
    password = secrets.token_hex(8)
    container, port = eng.container(image, password)
    try:
        container.start()  # the module's own wait strategy
        server = Server(engine=key, provider="docker", host=container.get_container_host_ip(),
                        port=int(container.get_exposed_port(port)), user=container.username, password=password,
                        admin_database=eng.admin_database)
        with eng.connection(server, eng.admin_database) as conn:
            version = eng.server_version(conn)
        assert version.startswith(f"{eng.line.version}."), f"{image} runs {version}, not {key}"
    finally:
        with contextlib.suppress(Exception):
            container.stop()
