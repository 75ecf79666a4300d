"""--conn-file: the url provider reads a server from a conn.yml (the chirona seed's format), never shows the
password, and a missing file or key is one actionable line."""

from pathlib import Path

import pytest

from dbintegrity.config import resolve
from dbintegrity.errors import ConfigError
from dbintegrity.servers.providers import url as url_provider
from dbintegrity.servers.providers.connfile import read_conn_file

SECRET = "s3cr:et@/pw"
WHERE = "--conn-file / DBINTEGRITY_CONN_FILE / ini dbintegrity_conn_file"


def conn_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conn.yml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = f"dbname: chirona\nadmin: chiron_admin\npasswd: '{SECRET}'\nserver: db.example.org\nport: 5433\n"


def by_name(values):
    return lambda opt: values.get(opt.name)


def test_the_seeds_file_becomes_a_url_the_url_provider_reads(tmp_path):
    engine, url = read_conn_file(conn_file(tmp_path, GOOD), ("postgres",), WHERE)
    assert engine == "postgres"
    server = url_provider.parse(engine, url)
    assert (server.host, server.port, server.user, server.password, server.admin_database) == \
        ("db.example.org", 5433, "chiron_admin", SECRET, "chirona")
    assert SECRET not in server.description and "***" in server.description


def test_conn_file_sets_the_url_provider_and_its_server(tmp_path):
    path = conn_file(tmp_path, GOOD)
    cfg = resolve([by_name({"conn_file": str(path), "engines": "postgres@18"})], base=tmp_path)
    assert cfg.provider == "url"
    assert url_provider.parse("postgres@18", cfg.url_for("postgres@18") or "").host == "db.example.org"


def test_engine_key_chooses_among_several_engines(tmp_path):
    path = conn_file(tmp_path, GOOD + "engine: mysql\n")
    engine, url = read_conn_file(path, ("mysql", "postgres"), WHERE)
    assert engine == "mysql" and url.startswith("mysql://")


@pytest.mark.parametrize(("text", "engines", "fragment"), [
    (GOOD.replace("passwd: '" + SECRET + "'\n", ""), ("postgres",), "missing key passwd"),
    (GOOD.replace("port: 5433\n", "").replace("server: db.example.org\n", ""), ("postgres",),
     "missing keys server, port"),
    (GOOD.replace("5433", "'54x'"), ("postgres",), "port must be a number"),
    (GOOD + "host: other\n", ("postgres",), "unknown key host"),
    (GOOD, ("mysql", "postgres"), "add `engine: postgres`"),
    (GOOD + "engine: mariadb\n", ("postgres",), "engine 'mariadb' is not one of the run's engines"),
    ("- just\n- a list\n", ("postgres",), "expected a mapping"),
    ("dbname: [unclosed\n", ("postgres",), "conn.yml:2: not valid YAML"),
], ids=["no-password", "no-server-port", "bad-port", "unknown-key", "two-engines", "other-engine", "list", "yaml"])
def test_bad_files_are_one_line_naming_the_file(tmp_path, text, engines, fragment):
    path = conn_file(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        read_conn_file(path, engines, WHERE)
    message = str(info.value)
    assert fragment in message and str(path) in message.replace(":2:", ":")
    assert "\n" not in message and SECRET not in message


def test_missing_file_names_the_setting(tmp_path):
    with pytest.raises(ConfigError, match=r"conn file .*nowhere\.yml does not exist \(set by --conn-file"):
        resolve([by_name({"conn_file": "nowhere.yml", "engines": "postgres"})], base=tmp_path)


def test_conn_file_and_url_for_one_engine_is_refused(tmp_path):
    path = conn_file(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="keep one") as info:
        resolve([by_name({"conn_file": str(path), "engines": "postgres",
                          "postgres_url": "postgresql://u:pw@h:5432/x"})], base=tmp_path)
    assert SECRET not in str(info.value)


def test_conn_file_with_another_provider_is_refused(tmp_path):
    path = conn_file(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="use --provider url"):
        resolve([by_name({"conn_file": str(path), "provider": "local", "engines": "postgres"})], base=tmp_path)
