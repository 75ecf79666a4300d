"""One frozen configuration, read from command-line flags, environment variables and ini keys.

Every setting exists in all three forms (flag > environment > ini > default) so that the same gate can
be driven by a developer at the keyboard, by a CI job through its environment, or by a project's
``pytest.ini``/``tox.ini``.  The table :data:`OPTIONS` is the single source: the pytest plugin and the
CLI both build their flags from it, and the README's option list is checked against it by a test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dbintegrity.errors import ConfigError

PROVIDERS = ("auto", "docker", "local", "url")
ENGINES = ("mysql", "postgres")


@dataclass(frozen=True)
class Option:
    """A setting and its three spellings."""

    name: str
    flag: str
    env: str
    help: str
    default: str | None = None

    @property
    def ini(self) -> str:
        """Ini keys carry a prefix so they cannot clash with other plugins' keys."""
        return f"dbintegrity_{self.name}"


OPTIONS: tuple[Option, ...] = (
    Option("provider", "--provider", "DBINTEGRITY_PROVIDER",
           "where disposable engines come from: auto (docker if a Docker engine answers, else local), "
           "docker, local or url", "auto"),
    Option("engines", "--engines", "DBINTEGRITY_ENGINES",
           "comma-separated engines to run: mysql,postgres", "mysql,postgres"),
    Option("packs", "--packs", "DBINTEGRITY_PACKS",
           "folder that holds the schema packs (default: sql/ of the project)"),
    Option("pack", "--pack", "DBINTEGRITY_PACK",
           "comma-separated pack names to run (default: every pack in the packs folder)"),
    Option("mysql_image", "--mysql-image", "DBINTEGRITY_MYSQL_IMAGE",
           "Docker image for the docker provider's MySQL (mysql:8.4, mysql:8.0, mysql:9.7)", "mysql:8.4"),
    Option("postgres_image", "--postgres-image", "DBINTEGRITY_POSTGRES_IMAGE",
           "Docker image for the docker provider's PostgreSQL", "postgres:17"),
    Option("mysql_url", "--mysql-url", "DBINTEGRITY_MYSQL_URL",
           "existing MySQL server for the url provider, e.g. mysql://root:pw@127.0.0.1:3306"),
    Option("postgres_url", "--postgres-url", "DBINTEGRITY_POSTGRES_URL",
           "existing PostgreSQL server for the url provider, e.g. postgresql://postgres:pw@127.0.0.1:5432/postgres"),
    Option("mysql_bin", "--mysql-bin", "DBINTEGRITY_MYSQL_BIN",
           "local provider: root of the provisioned MySQL binaries (default .engines/mysql/root)"),
    Option("postgres_bin", "--postgres-bin", "DBINTEGRITY_POSTGRES_BIN",
           "local provider: folder with initdb and postgres (default: newest /usr/lib/postgresql/*/bin)"),
    Option("workdir", "--workdir", "DBINTEGRITY_WORKDIR",
           "where local servers keep their data dirs (default: the system temp dir)"),
)

OPTION_BY_NAME: Mapping[str, Option] = {o.name: o for o in OPTIONS}


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know, resolved and validated once."""

    provider: str = "auto"
    engines: tuple[str, ...] = ENGINES
    packs_dir: Path = Path("sql")
    packs: tuple[str, ...] = ()
    mysql_image: str = "mysql:8.4"
    postgres_image: str = "postgres:17"
    urls: Mapping[str, str] = field(default_factory=dict)
    mysql_bin: Path = Path(".engines/mysql/root")
    postgres_bin: Path | None = None
    workdir: Path | None = None
    cache_dir: Path = Path(".engines/templates")
    """Initialised template data dirs, reused across runs (not an option: lives beside the binaries)."""

    def url_for(self, engine: str) -> str | None:
        """The url provider's address for ``engine``, if one was given."""
        return self.urls.get(engine)


Lookup = Callable[[Option], str | None]


def _source_checkout() -> Path | None:
    """The repository this package was installed from (editable installs), if there is one."""
    candidate = Path(__file__).resolve().parents[2]
    return candidate if (candidate / "pyproject.toml").is_file() else None


def default_base() -> Path:
    """Relative defaults (``sql/``, ``.engines/``) resolve against the current project.

    The current directory wins when it looks like a dbintegrity project; otherwise the source checkout
    of an editable install, so ``dbintegrity`` works from any directory of a developer's clone.
    """
    cwd = Path.cwd()
    if (cwd / "sql").is_dir() or (cwd / ".engines").is_dir():
        return cwd
    return _source_checkout() or cwd


def resolve(lookups: list[Lookup], base: Path | None = None) -> Config:
    """Build the config from lookups tried in order (e.g. flag, environment, ini); first value wins."""
    base = base or default_base()

    def get(name: str) -> str | None:
        opt = OPTION_BY_NAME[name]
        for lookup in lookups:
            value = lookup(opt)
            if value is not None and str(value).strip() != "":
                return str(value).strip()
        return opt.default

    def where(name: str) -> str:
        opt = OPTION_BY_NAME[name]
        return f"{opt.flag} / {opt.env} / ini {opt.ini}"

    provider = (get("provider") or "auto").lower()
    if provider not in PROVIDERS:
        raise ConfigError(
            f"provider {provider!r} is not one of {', '.join(PROVIDERS)} (set by {where('provider')})"
        )

    engines = [e.lower() for e in _split(get("engines") or "")]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        raise ConfigError(
            f"engines {','.join(unknown) or '(none)'} not known; choose from {','.join(ENGINES)} "
            f"(set by {where('engines')})"
        )

    packs_dir = _path(get("packs"), base) or base / "sql"
    mysql_bin = _path(get("mysql_bin"), base) or base / ".engines" / "mysql" / "root"
    if not get("mysql_bin") and not mysql_bin.exists() and (checkout := _source_checkout()):
        mysql_bin = checkout / ".engines" / "mysql" / "root"

    urls = {e: u for e in ENGINES if (u := get(f"{e}_url"))}
    if provider == "url":
        missing = [e for e in engines if e not in urls]
        if missing:
            opt = OPTION_BY_NAME[f"{missing[0]}_url"]
            raise ConfigError(
                f"provider url needs a server address for {', '.join(missing)}: "
                f"set {opt.flag} or {opt.env}, or drop the engine with --engines"
            )

    return Config(
        provider=provider,
        engines=tuple(engines),
        packs_dir=packs_dir,
        packs=tuple(_split(get("pack") or "")),
        mysql_image=get("mysql_image") or "mysql:8.4",
        postgres_image=get("postgres_image") or "postgres:17",
        urls=urls,
        mysql_bin=mysql_bin,
        postgres_bin=_path(get("postgres_bin"), base),
        workdir=_path(get("workdir"), base),
        cache_dir=mysql_bin.parent.parent / "templates" if not get("mysql_bin") else base / ".engines" / "templates",
    )


def env_lookup(environ: Mapping[str, str] | None = None) -> Lookup:
    """Look an option up in the environment."""
    env = os.environ if environ is None else environ
    return lambda opt: env.get(opt.env)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _path(value: str | None, base: Path) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path
