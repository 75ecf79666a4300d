"""config.resolve: one frozen Config from flags, environment and ini keys, and its one-line errors."""

from pathlib import Path

import pytest

from dbintegrity.config import DEFAULT_ENGINES, OPTIONS, env_lookup, resolve
from dbintegrity.engines import all_keys
from dbintegrity.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def by_name(values):
    """A lookup answering from ``{option name: value}``, like a flag or ini source."""
    return lambda opt: values.get(opt.name)


def env(values):
    """The environment lookup, fed ``{option name: value}`` under each option's variable name."""
    by_opt = {o.name: o for o in OPTIONS}
    return env_lookup({by_opt[name].env: value for name, value in values.items()})


@pytest.mark.parametrize(
    ("flag", "environ", "ini", "want"),
    [
        ({"provider": "docker"}, {"provider": "local"}, {"provider": "url"}, "docker"),
        ({}, {"provider": "local"}, {"provider": "docker"}, "local"),
        ({}, {}, {"provider": "docker"}, "docker"),
        ({}, {}, {}, "auto"),
        ({"provider": "  "}, {"provider": "local"}, {}, "local"),  # a blank value does not hide the next source
    ],
    ids=["flag-wins", "env-beats-ini", "ini-beats-default", "default", "blank-flag-falls-through"],
)
def test_provider_precedence(tmp_path, flag, environ, ini, want):
    cfg = resolve([by_name(flag), env(environ), by_name(ini)], base=tmp_path)
    assert cfg.provider == want


def test_precedence_holds_for_every_string_option(tmp_path):
    cfg = resolve([by_name({"mysql_image": "mysql:9.7"}), env({"mysql_image": "mysql:8.0",
                                                               "postgres_image": "postgres:16"}),
                   by_name({"postgres_image": "postgres:15", "pack": "a,b"})], base=tmp_path)
    assert (cfg.images["mysql"], cfg.images["postgres"], cfg.packs) == ("mysql:9.7", "postgres:16", ("a", "b"))


def test_defaults(tmp_path):
    cfg = resolve([], base=tmp_path)
    assert cfg.provider == "auto"
    assert cfg.engines == tuple(DEFAULT_ENGINES.split(","))
    assert cfg.packs_dir == tmp_path / "sql"
    assert cfg.packs == ()
    assert cfg.images == {} and cfg.urls == {} and cfg.bins == {}  # each engine's own defaults apply
    assert cfg.workdir is None


def test_provider_value_is_case_insensitive(tmp_path):
    assert resolve([by_name({"provider": " Docker "})], base=tmp_path).provider == "docker"


def test_invalid_provider_is_one_line_naming_flag_env_and_ini(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve([by_name({"provider": "kubernetes"})], base=tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    assert "'kubernetes'" in msg
    assert "auto, docker, local, url" in msg
    assert "--provider / DBINTEGRITY_PROVIDER / ini dbintegrity_provider" in msg


def test_unknown_engine_is_one_line_naming_flag_env_and_ini(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve([by_name({"engines": "mysql,sqlite"})], base=tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith("engine 'sqlite' is not known; choose from mysql, mariadb, postgres")
    assert "--engines / DBINTEGRITY_ENGINES / ini dbintegrity_engines" in msg


def test_only_commas_is_no_engines(tmp_path):
    with pytest.raises(ConfigError, match=r"engines \(none\) given"):
        resolve([by_name({"engines": " , ,"})], base=tmp_path)


@pytest.mark.parametrize(
    ("raw", "want"),
    [("mysql", ("mysql",)), (" Postgres ", ("postgres",)), ("POSTGRES, mysql", ("postgres", "mysql")),
     ("mysql,,postgres,", ("mysql", "postgres")), ("mariadb@10.11,postgres@18", ("mariadb@10.11", "postgres@18")),
     ("postgres@15,POSTGRES@15", ("postgres@15",)), ("all", all_keys())],
)
def test_engines_parsing(tmp_path, raw, want):
    assert resolve([by_name({"engines": raw})], base=tmp_path).engines == want


def test_all_is_every_line_of_every_engine():
    assert set(all_keys()) >= {"mysql@9.7", "mariadb@10.11", "mariadb@11.8", "postgres@15", "postgres@18"}


def test_unknown_version_names_the_versions_there_are(tmp_path):
    with pytest.raises(ConfigError) as info:
        resolve([by_name({"engines": "postgres@9"})], base=tmp_path)
    assert "engine postgres has no version '9'; choose from postgres@15, postgres@18" in str(info.value)
    assert "\n" not in str(info.value)


def test_versioned_engine_uses_its_engines_url(tmp_path):
    cfg = resolve([by_name({"provider": "url", "engines": "postgres@18", "postgres_url": "postgresql://p@h/db"})],
                  base=tmp_path)
    assert cfg.url_for("postgres@18") == "postgresql://p@h/db"


@pytest.mark.parametrize(
    ("engines", "urls", "missing_flag", "missing_env"),
    [
        ("mysql,postgres", {}, "--mysql-url", "DBINTEGRITY_MYSQL_URL"),
        ("mysql,postgres", {"mysql_url": "mysql://root@h"}, "--postgres-url", "DBINTEGRITY_POSTGRES_URL"),
        ("postgres", {"mysql_url": "mysql://root@h"}, "--postgres-url", "DBINTEGRITY_POSTGRES_URL"),
    ],
)
def test_url_provider_without_url_names_missing_flag(tmp_path, engines, urls, missing_flag, missing_env):
    with pytest.raises(ConfigError) as info:
        resolve([by_name({"provider": "url", "engines": engines, **urls})], base=tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    assert f"set {missing_flag} or {missing_env}" in msg


def test_url_provider_with_urls_for_selected_engines(tmp_path):
    cfg = resolve([by_name({"provider": "url", "engines": "postgres",
                            "postgres_url": "postgresql://p@h/db"})], base=tmp_path)
    assert cfg.url_for("postgres") == "postgresql://p@h/db"
    assert cfg.url_for("mysql") is None


def test_packs_dir_is_relative_to_base(tmp_path):
    assert resolve([by_name({"packs": "my/packs"})], base=tmp_path).packs_dir == tmp_path / "my" / "packs"


def test_absolute_paths_are_kept(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    cfg = resolve([by_name({"packs": str(elsewhere), "workdir": str(elsewhere / "w"),
                            "postgres_bin": "pg/bin"})], base=tmp_path / "project")
    assert cfg.packs_dir == elsewhere
    assert cfg.workdir == elsewhere / "w"
    assert cfg.bin_for("postgres") == tmp_path / "project" / "pg" / "bin"


def test_config_is_frozen(tmp_path):
    cfg = resolve([], base=tmp_path)
    with pytest.raises(AttributeError):
        cfg.provider = "docker"


def test_every_option_has_three_distinct_spellings():
    for opt in OPTIONS:
        assert opt.flag.startswith("--"), opt
        assert opt.env.startswith("DBINTEGRITY_"), opt
        assert opt.env == "DBINTEGRITY_" + opt.name.upper(), opt
        assert opt.flag == "--" + opt.name.replace("_", "-"), opt
        assert opt.help.strip(), opt
    for spelling in ("name", "flag", "env", "ini"):
        values = [getattr(o, spelling) for o in OPTIONS]
        assert len(set(values)) == len(values), f"duplicate {spelling}: {values}"


def test_readme_mentions_every_option():
    readme = REPO / "README.md"
    if not readme.is_file():
        pytest.skip(f"{readme} does not exist yet")
    text = readme.read_text(encoding="utf-8")
    missing = [s for o in OPTIONS for s in (o.flag, o.env) if s not in text]
    assert missing == [], f"README.md does not mention {missing}"


def test_a_versioned_engine_on_an_existing_server_keeps_its_url_under_the_engines_name(tmp_path):
    """``dbintegrity seed``/``load``/the gate's child runs on ``postgres@18`` with --url: the url is the
    ``--postgres-url`` setting, and it is handed on to another run under that flag."""
    cfg = resolve([lambda opt: None], base=tmp_path).on_server("postgres@18", "postgresql://u@127.0.0.1:5/db")
    assert (cfg.provider, cfg.engines) == ("url", ("postgres@18",))
    assert cfg.url_for("postgres@18") == "postgresql://u@127.0.0.1:5/db"
    assert cfg.engine_flags() == ["--postgres-url", "postgresql://u@127.0.0.1:5/db"]
