"""The docker provider's use of Testcontainers, with the container classes replaced by fakes.

This pins down what we ask Testcontainers for (image, root user, password, the run's labels), how a
stopped container is reported and that one that fails to start is removed, without a Docker engine.  The
same provider against a real engine and the locally built images: tests/lifecycle/test_docker.py.
"""

from __future__ import annotations

import sys
import types

import pytest

from dbintegrity.config import resolve
from dbintegrity.engines import get_engine
from dbintegrity.errors import EngineDied
from dbintegrity.servers import reaper
from dbintegrity.servers.providers import docker


class FakeWrapped:
    short_id = "abc123def456"

    def __init__(self):
        self.status = "running"

    def reload(self):
        pass


class FakeContainer:
    made: list[FakeContainer] = []

    fail_start: BaseException | None = None

    def __init__(self, image, username=None, password=None, dbname=None, **kw):
        self.image, self.username, self.password, self.dbname = image, username, password, dbname
        self.started = self.stopped = False
        self.kwargs = {}
        self.wrapped = FakeWrapped()
        FakeContainer.made.append(self)

    def with_kwargs(self, **kw):
        self.kwargs.update(kw)
        return self

    def start(self):
        if FakeContainer.fail_start is not None:
            raise FakeContainer.fail_start
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
    """Fake container classes; the configured image counts as present and Ryuk as usable (no reaper spawned)."""
    FakeContainer.made = []
    FakeContainer.fail_start = None
    monkeypatch.setattr(docker, "engine_answers", lambda: None)
    monkeypatch.setattr(docker, "image_answer", lambda image: ("present", ""))
    monkeypatch.setattr(docker, "use_ryuk", lambda: True)
    monkeypatch.setattr(reaper, "sweep", lambda: [])
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


def test_containers_carry_the_run_label_host_and_pid(tmp_path, fake_tc):
    import os
    import socket

    docker.start(resolve([], base=tmp_path), "postgres", tmp_path)
    assert fake_tc.made[-1].kwargs["labels"] == {
        reaper.RUN_LABEL: docker.RUN_TOKEN, reaper.HOST_LABEL: socket.gethostname(), reaper.PID_LABEL: str(os.getpid())}


@pytest.mark.parametrize("error", [TimeoutError("no log line"), KeyboardInterrupt()])
def test_a_container_that_fails_to_start_is_removed(tmp_path, fake_tc, error):
    fake_tc.fail_start = error
    with pytest.raises(type(error)):
        docker.start(resolve([], base=tmp_path), "mysql", tmp_path)
    assert fake_tc.made[-1].stopped


def test_without_ryuk_the_runs_own_reaper_is_started(tmp_path, fake_tc, monkeypatch):
    started = []
    monkeypatch.setattr(docker, "use_ryuk", lambda: False)
    monkeypatch.setattr(reaper, "ensure", started.append)
    cfg = resolve([], base=tmp_path)
    docker.start(cfg, "mysql", tmp_path)
    assert started == [docker.RUN_TOKEN]
