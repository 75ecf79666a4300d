"""providers: which source a run uses for each engine, why the others are out, and URL handling."""

import pytest

from dbintegrity.config import resolve
from dbintegrity.errors import ConfigError, EngineUnavailable
from dbintegrity.servers import images, providers
from dbintegrity.servers.providers import docker, local, url

NO_DOCKER = "no Docker engine answers a ping (connection refused)"


def config(tmp_path, **values):
    """A resolved config whose local binaries point at empty folders, so nothing is ever started."""
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    values.setdefault("mysql_bin", str(empty))
    values.setdefault("postgres_bin", str(empty))
    return resolve([lambda opt: values.get(opt.name)], base=tmp_path)


@pytest.fixture
def no_docker(monkeypatch):
    monkeypatch.setattr(docker, "engine_answers", lambda: NO_DOCKER)


@pytest.fixture
def with_docker(monkeypatch):
    monkeypatch.setattr(docker, "engine_answers", lambda: None)
    monkeypatch.setattr(docker, "image_answer", lambda image: ("present", ""))


OFFLINE = "image {} is neither present nor pullable (no registry answers)"


@pytest.fixture
def offline_docker(monkeypatch):
    """Docker answers, no registry does, and no image is there: ``built`` says which engines have a local build."""
    built: dict[str, str] = {}
    monkeypatch.setattr(docker, "engine_answers", lambda: None)
    monkeypatch.setattr(docker, "image_answer", lambda image: (None, OFFLINE.format(image)))
    monkeypatch.setattr(docker, "local_build", lambda name, version=None: built.get(name))
    return built


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_auto_picks_docker_when_it_answers(tmp_path, with_docker, engine):
    assert providers.choose(config(tmp_path), engine) == "docker"


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_auto_picks_local_without_docker(tmp_path, no_docker, engine):
    assert providers.choose(config(tmp_path), engine) == "local"


@pytest.mark.parametrize("provider", ["docker", "local", "url"])
def test_explicit_provider_wins(tmp_path, monkeypatch, provider):
    def must_not_ping():
        raise AssertionError("an explicit provider must not ping Docker")

    monkeypatch.setattr(docker, "engine_answers", must_not_ping)
    cfg = config(tmp_path, provider=provider, mysql_url="mysql://root@db", postgres_url="postgresql://pg@db")
    assert providers.choose(cfg, "mysql") == provider


def test_availability_lists_every_provider_with_reasons(tmp_path, no_docker):
    cfg = config(tmp_path)
    got = providers.availability(cfg, "mysql")
    assert [a.provider for a in got] == ["docker", "local", "url"]
    assert [a.available for a in got] == [False, False, False]
    assert got[0].detail == NO_DOCKER
    assert got[1].detail.startswith(f"local MySQL binaries not found under {tmp_path / 'empty'}")
    assert got[2].detail == "no URL given (--mysql-url or DBINTEGRITY_MYSQL_URL)"


def test_docker_available_names_the_image(tmp_path, with_docker):
    cfg = config(tmp_path, postgres_image="postgres:16-alpine")
    docker_answer = providers.availability(cfg, "postgres")[0]
    assert (docker_answer.provider, docker_answer.available, docker_answer.detail) == (
        "docker", True, "image postgres:16-alpine (present)")


@pytest.mark.parametrize("engine", ["mysql", "postgres"])
def test_auto_falls_back_to_local_in_one_line_when_docker_has_no_image(tmp_path, offline_docker, engine):
    cfg = config(tmp_path)
    assert providers.choose(cfg, engine) == "local"
    note = providers.auto_note(cfg, engine)
    default = {"mysql": "mysql:8.4", "postgres": "postgres:18"}[engine]
    assert note == (f"{engine}: Docker answers but has no image to start, so local servers are used "
                    f"({OFFLINE.format(default)}: run `dbintegrity images build --engines {engine}` "
                    f"(it is then found by itself) or `docker pull {default}`)")


def test_auto_uses_a_locally_built_image_when_the_default_one_cannot_be_had(tmp_path, offline_docker):
    offline_docker["postgres"] = "dbintegrity/postgres:15"
    cfg = config(tmp_path)
    assert providers.choose(cfg, "postgres") == "docker"
    assert providers.auto_note(cfg, "postgres") is None
    assert docker.find_image(cfg, "postgres") == (
        "dbintegrity/postgres:15", "image dbintegrity/postgres:15 (built locally; postgres:18 is neither present "
        "nor pullable)")
    assert providers.choose(cfg, "mysql") == "local"  # no local build of that one


def test_a_configured_image_is_never_swapped_for_a_local_build(tmp_path, offline_docker):
    offline_docker["mysql"] = "dbintegrity/mysql:9.7"
    cfg = config(tmp_path, mysql_image="mysql:8.0")
    assert providers.choose(cfg, "mysql") == "local"
    image, why = docker.find_image(cfg, "mysql")
    assert image is None
    assert why == (f"{OFFLINE.format('mysql:8.0')}: run `docker pull mysql:8.0`, or `dbintegrity images build "
                   "--engines mysql` and --mysql-image dbintegrity/mysql:<version>")


def test_explicit_docker_without_an_image_fails_in_one_line_naming_image_and_fix(tmp_path, offline_docker):
    cfg = config(tmp_path, provider="docker")
    with pytest.raises(EngineUnavailable) as info:
        providers.start(cfg, "mysql", tmp_path / "cache")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"mysql via the docker provider is unavailable: {OFFLINE.format('mysql:8.4')}: run "
                          "`dbintegrity images build --engines mysql` (it is then found by itself) or "
                          "`docker pull mysql:8.4` (other providers: local: ")


def test_url_probe_reports_a_bad_url_without_connecting(tmp_path, no_docker):
    cfg = config(tmp_path, postgres_url="mysql://root:secret@db:3306")
    answer = providers.availability(cfg, "postgres")[2]
    assert answer.available is False
    assert answer.detail.startswith("postgres URL must start with postgres://, got mysql:// in mysql://root:***@db:3306 ")


def test_mysql_url_is_parsed():
    server = url.parse("mysql", "mysql://u:p%40ss@h:3307/db")
    assert (server.engine, server.provider, server.host, server.port) == ("mysql", "url", "h", 3307)
    assert (server.user, server.password, server.admin_database) == ("u", "p@ss", "db")
    assert server.description == "mysql://u:***@h:3307/db"


def test_postgres_url_is_parsed():
    server = url.parse("postgres", "postgresql://pg:s3cret@db.example:5433/postgres")
    assert (server.host, server.port, server.user, server.password, server.admin_database) == (
        "db.example", 5433, "pg", "s3cret", "postgres")
    assert "s3cret" not in server.description


@pytest.mark.parametrize(
    ("engine", "raw", "port", "user", "admin"),
    [("mysql", "mysql://h", 3306, "root", None), ("postgres", "postgres://h", 5432, "postgres", "postgres"),
     ("mysql", "mysql+pymysql://h/", 3306, "root", None),
     ("postgres", "postgresql+psycopg://h/app", 5432, "postgres", "app")],
)
def test_url_defaults(engine, raw, port, user, admin):
    server = url.parse(engine, raw)
    assert (server.port, server.user, server.password, server.admin_database) == (port, user, "", admin)


@pytest.mark.parametrize(
    ("engine", "raw", "expected_scheme"),
    [("mysql", "postgresql://u@h/db", "mysql://"), ("postgres", "mysql://u:pw@h/db", "postgres://"),
     ("mysql", "h:3306", "mysql://")],
)
def test_wrong_scheme_names_the_expected_one(engine, raw, expected_scheme):
    with pytest.raises(ConfigError) as info:
        url.parse(engine, raw)
    msg = str(info.value)
    assert msg.startswith(f"{engine} URL must start with {expected_scheme}, got ")
    assert "pw" not in msg


@pytest.mark.parametrize("raw", ["mysql:///db", "mysql://root:pw@/db"])
def test_missing_host(raw):
    with pytest.raises(ConfigError) as info:
        url.parse("mysql", raw)
    assert str(info.value) == f"mysql URL has no host: {url.redact(raw)}"
    assert ":pw@" not in str(info.value)


@pytest.mark.parametrize("raw", ["mysql://root:pw@h:notaport/db", "mysql://root:pw@h:99999/db"])
def test_bad_port_is_a_config_error(raw):
    with pytest.raises(ConfigError) as info:
        url.parse("mysql", raw)
    msg = str(info.value)
    assert msg.startswith("mysql URL has a bad port (")
    assert "pw" not in msg


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("mysql://u:p%40ss@h:3307/db", "mysql://u:***@h:3307/db"),
        ("postgresql://postgres:pw@127.0.0.1:5432/postgres", "postgresql://postgres:***@127.0.0.1:5432/postgres"),
        ("postgresql://postgres@h/db", "postgresql://postgres@h/db"),
        ("mysql://h", "mysql://h"),
    ],
)
def test_redact_hides_passwords(raw, want):
    assert url.redact(raw) == want


def test_local_mysql_bin_empty_dir(tmp_path):
    cfg = config(tmp_path)
    ok, detail = local.probe(cfg, "mysql")
    assert ok is False
    assert detail.startswith(f"local MySQL binaries not found under {tmp_path / 'empty'}: ")
    assert "dbintegrity provision mysql" in detail
    assert "--mysql-bin / DBINTEGRITY_MYSQL_BIN" in detail


def test_local_postgres_bin_without_initdb(tmp_path):
    bindir = tmp_path / "pgbin"
    bindir.mkdir()
    (bindir / "postgres").write_text("#!/bin/sh\n")
    cfg = config(tmp_path, postgres_bin=str(bindir))
    ok, detail = local.probe(cfg, "postgres")
    assert ok is False
    assert detail.startswith(f"local PostgreSQL server binaries (initdb, postgres) not found in {bindir}: ")
    assert "--postgres-bin / DBINTEGRITY_POSTGRES_BIN" in detail


def test_start_with_unavailable_provider_lists_the_others(tmp_path, no_docker):
    cfg = config(tmp_path, provider="local")
    with pytest.raises(EngineUnavailable) as info:
        providers.start(cfg, "mysql", tmp_path / "cache")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("mysql via the local provider is unavailable: local MySQL binaries not found under")
    assert msg.endswith(f"(other providers: docker: {NO_DOCKER}; url: no URL given "
                        "(--mysql-url or DBINTEGRITY_MYSQL_URL))")


def test_start_auto_without_anything_names_local_and_others(tmp_path, no_docker):
    cfg = config(tmp_path)
    with pytest.raises(EngineUnavailable) as info:
        providers.start(cfg, "postgres", tmp_path / "cache")
    msg = str(info.value)
    assert msg.startswith("postgres via the local provider is unavailable: local PostgreSQL server binaries")
    assert f"(other providers: docker: {NO_DOCKER}; url: no URL given" in msg


ONE_ENGINE_TESTS = '''
import pytest

@pytest.mark.parametrize("n", range(4))
def test_needs_the_server(dbi_server, n):
    pass
'''


def test_an_engine_that_cannot_start_fails_once_and_its_other_tests_skip_under_that_reason(
        pytester, offline_docker, tmp_path):
    pytester.makepyfile(test_inner=ONE_ENGINE_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rEs", "--provider", "docker",
                                          "--engines", "postgres", "--packs", str(tmp_path), "--workdir",
                                          str(tmp_path / "work"))
    result.assert_outcomes(errors=1, skipped=3)
    reason = (f"postgres via the docker provider is unavailable: {OFFLINE.format('postgres:18')}: run "
              "`dbintegrity images build --engines postgres`")
    assert len([line for line in result.outlines if line.startswith("ERROR ")]) == 1, result.outlines
    said = [line for line in result.outlines if line.startswith(reason)]
    assert len(said) == 1, result.outlines  # the error's one line, printed once
    skipped = [line for line in result.outlines if line.startswith("SKIPPED")]
    assert len(skipped) == 1 and skipped[0].startswith("SKIPPED [3]") and f"not run: {reason}" in skipped[0], (
        result.outlines)


def test_a_local_build_stands_in_only_for_its_own_version_line(tmp_path, offline_docker, monkeypatch):
    asked = []

    def builds(name, version=None):
        asked.append((name, version))
        return "dbintegrity/postgres:15" if (name, version) == ("postgres", "15") else None

    monkeypatch.setattr(docker, "local_build", builds)
    cfg = config(tmp_path)
    assert docker.find_image(cfg, "postgres@15")[0] == "dbintegrity/postgres:15"
    image, why = docker.find_image(cfg, "postgres@18")
    assert image is None
    assert why.endswith("run `dbintegrity images build --engines postgres@18` (it is then found by itself) or "
                        "`docker pull postgres:18`")
    assert asked == [("postgres", "15"), ("postgres", "18")]
    image, why = docker.find_image(cfg, "mariadb@10.11")
    assert image is None and why.endswith("run `dbintegrity images build --engines mariadb@10.11` (it is then found "
                                          "by itself) or `docker pull mariadb:10.11`")
    monkeypatch.setattr(images, "buildable", lambda name, version: False)  # a line with no recipe
    image, why = docker.find_image(cfg, "mariadb@10.11")
    assert image is None and why.endswith("run `docker pull mariadb:10.11` where a registry is reachable, or use "
                                          "--provider local")


def test_an_error_the_runtime_raises_again_is_reported_once():
    """An engine that cannot start, or a pack that does not load: the first test fails with the one line,
    every later test that meets the same error object is skipped under it (not 722 errors)."""
    from dbintegrity.errors import PackError
    from dbintegrity.pytest_plugin import one_line_errors

    exc = PackError("pack x: x/mysql/01.sql:3: `CREATE TABLE t ...`: mysql said ERROR 1064: syntax")
    with pytest.raises(pytest.fail.Exception, match="ERROR 1064"), one_line_errors():
        raise exc
    with pytest.raises(pytest.skip.Exception, match=r"not run: .*ERROR 1064.* \(reported once, above\)"), \
            one_line_errors():
        raise exc
    with pytest.raises(pytest.fail.Exception, match="another"), one_line_errors():
        raise PackError("another pack")  # a different error is a failure of its own
