"""The docker provider's use of Testcontainers, with the container classes replaced by fakes.

There is no Docker engine on our CI machines, so this pins down what we ask Testcontainers for (image,
root user, password) and how a stopped container is reported, without starting anything.
"""

from __future__ import annotations

import sys
import types

import pytest

from dbintegrity.config import resolve
from dbintegrity.engines import get_engine
from dbintegrity.errors import EngineDied
from dbintegrity.providers import docker


class FakeWrapped:
    short_id = "abc123def456"

    def __init__(self):
        self.status = "running"

    def reload(self):
        pass


class FakeContainer:
    made: list[FakeContainer] = []

    def __init__(self, image, username=None, password=None, dbname=None, **kw):
        self.image, self.username, self.password, self.dbname = image, username, password, dbname
        self.started = self.stopped = False
        self.wrapped = FakeWrapped()
        FakeContainer.made.append(self)

    def start(self):
        self.started = True
        return self

    def stop(self):
        self.stopped = True

    def get_container_host_ip(self):
        return "127.0.0.1"

    def get_exposed_port(self, port):
        return 40000 + port % 1000

    def get_wrapped_container(self):
        return self.wrapped


@pytest.fixture
def fake_tc(monkeypatch):
    FakeContainer.made = []
    for mod, cls in (("testcontainers.community.mysql", "MySqlContainer"),
                     ("testcontainers.community.postgres", "PostgresContainer")):
        fake = types.ModuleType(mod)
        setattr(fake, cls, FakeContainer)
        monkeypatch.setitem(sys.modules, mod, fake)
    return FakeContainer


@pytest.mark.parametrize(("engine", "image", "user", "port", "admin"), [
    ("mysql", "mysql:8.0", "root", 40306, None),
    ("postgres", "postgres:16", "postgres", 40432, "postgres"),
])
def test_container_is_asked_for_the_configured_image(tmp_path, fake_tc, engine, image, user, port, admin):
    cfg = resolve([lambda o: {"mysql_image": "mysql:8.0", "postgres_image": "postgres:16"}.get(o.name)],
                  base=tmp_path)
    server = docker.start(cfg, engine, tmp_path)
    made = fake_tc.made[-1]
    assert (made.image, made.username, made.started) == (image, user, True)
    assert (server.provider, server.host, server.port, server.user, server.admin_database) == (
        "docker", "127.0.0.1", port, user, admin)
    assert server.password == made.password and len(server.password) >= 16
    server.stop()
    assert made.stopped


def test_stopped_container_is_reported_with_engine_and_provider(tmp_path, fake_tc):
    server = docker.start(resolve([], base=tmp_path), "mysql", tmp_path)
    server.check_alive()
    fake_tc.made[-1].wrapped.status = "exited"
    with pytest.raises(EngineDied, match=r"mysql engine from the docker provider .* container abc123def456 is exited"):
        server.check_alive()


def test_default_images_are_supported_lts_lines(tmp_path):
    cfg = resolve([], base=tmp_path)
    images = {key: get_engine(key).image(cfg) for key in ("mysql", "mariadb", "postgres", "mariadb@10.11",
                                                          "postgres@15")}
    assert images == {"mysql": "mysql:8.4", "mariadb": "mariadb:11.8", "postgres": "postgres:18",
                      "mariadb@10.11": "mariadb:10.11", "postgres@15": "postgres:15"}


def test_an_image_option_wins_over_the_lines_image(tmp_path):
    cfg = resolve([lambda o: {"postgres_image": "postgres:16"}.get(o.name)], base=tmp_path)
    assert get_engine("postgres@18").image(cfg) == "postgres:16"
