"""One frozen configuration, read from command-line flags, environment variables and ini keys.

Every setting exists in all three forms (flag > environment > ini > default) so that the same gate can
be driven by a developer at the keyboard, by a CI job through its environment, or by a project's
``pytest.ini``/``tox.ini``.  The table :data:`OPTIONS` is the single source: the pytest plugin and the
CLI both build their flags from it, and the README's option list is checked against it by a test.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dbintegrity.engines import all_keys, expand, specs
from dbintegrity.errors import ConfigError

PROVIDERS = ("auto", "docker", "local", "url")
USER_CACHE_NAME = "dbintegrity"


def _engine_options() -> tuple[Option, ...]:
    """Per engine: its docker image, its url provider's address and its local binaries, from its spec."""
    out: list[Option] = []
    for s in specs():
        prefix, env = s.option_prefix, f"DBINTEGRITY_{s.option_prefix.upper()}"
        flag = f"--{prefix.replace('_', '-')}"
        out += [
            Option(f"{prefix}_image", f"{flag}-image", f"{env}_IMAGE",
                   f"docker provider's {s.title} image (default {s.default_image}; with @version, that line's: "
                   f"{', '.join(ln.image for ln in s.lines)})"),
            Option(f"{prefix}_url", f"{flag}-url", f"{env}_URL",
                   f"existing {s.title} server for the url provider, e.g. {s.url_example}"),
            Option(f"{prefix}_bin", f"{flag}-bin", f"{env}_BIN", f"local provider: {s.bin_help}", path=True),
            Option(f"{prefix}_server_options", f"{flag}-server-options", f"{env}_SERVER_OPTIONS",
                   f"local provider: extra options for the {s.title} server, as one string, also used when its "
                   f"data dir is initialised, e.g. {flag}-server-options={s.server_options_example}"),
        ]
    return tuple(out)


@dataclass(frozen=True)
class Option:
    """A setting and its three spellings."""

    name: str
    flag: str
    env: str
    help: str
    default: str | None = None
    path: bool = False
    """A file or folder: given on the command line or in the environment, relative to the current directory."""

    @property
    def ini(self) -> str:
        """Ini keys carry a prefix so they cannot clash with other plugins' keys."""
        return f"dbintegrity_{self.name}"


DEFAULT_ENGINES = "mysql,postgres"

OPTIONS: tuple[Option, ...] = (
    Option("provider", "--provider", "DBINTEGRITY_PROVIDER",
           "where disposable engines come from: auto (docker if a Docker engine answers, else local), "
           "docker, local or url", "auto"),
    Option("engines", "--engines", "DBINTEGRITY_ENGINES",
           f"comma-separated engines to run, each optionally @version ({', '.join(all_keys())}), or all",
           DEFAULT_ENGINES),
    Option("packs", "--packs", "DBINTEGRITY_PACKS",
           "folder that holds the schema packs (default: sql/ of the project)", path=True),
    Option("pack", "--pack", "DBINTEGRITY_PACK",
           "comma-separated pack names to run (default: every pack in the packs folder)"),
    *_engine_options(),
    Option("conn_file", "--conn-file", "DBINTEGRITY_CONN_FILE",
           "url provider: a conn.yml (dbname, admin, passwd, server, port; engine when several run) instead of "
           "a URL; the password is never printed"),
    Option("workdir", "--workdir", "DBINTEGRITY_WORKDIR",
           "where local servers keep their data dirs (default: the system temp dir)", path=True),
    Option("engines_dir", "--engines-dir", "DBINTEGRITY_ENGINES_DIR",
           "where provisioned server binaries, template data dirs and logs live (default: .engines/ of the "
           "project or of the source checkout; installed from a wheel, the per-user cache "
           f"$XDG_CACHE_HOME/{USER_CACHE_NAME} or ~/.cache/{USER_CACHE_NAME})", path=True),
)

OPTION_BY_NAME: Mapping[str, Option] = {o.name: o for o in OPTIONS}


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know, resolved and validated once.

    Per-engine settings are keyed by the engine's name (``mariadb``, not ``mariadb@10.11``): ``images``
    and ``bins`` hold only what was set explicitly, so each engine's own defaults apply otherwise.
    """

    provider: str = "auto"
    engines: tuple[str, ...] = tuple(DEFAULT_ENGINES.split(","))
    packs_dir: Path = Path("sql")
    packs: tuple[str, ...] = ()
    images: Mapping[str, str] = field(default_factory=dict)
    urls: Mapping[str, str] = field(default_factory=dict)
    bins: Mapping[str, Path] = field(default_factory=dict)
    server_options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per engine name: extra options for local servers (``--mysql-server-options``), split like a shell."""
    workdir: Path | None = None
    engines_dir: Path = Path(".engines")
    """Provisioned binaries (``.engines/<engine>...``), the template cache and logs."""

    @property
    def cache_dir(self) -> Path:
        """Initialised template data dirs, reused across runs (not an option: lives beside the binaries)."""
        return self.engines_dir / "templates"

    def url_for(self, engine: str) -> str | None:
        """The url provider's address for ``engine`` (a key: ``postgres@18`` uses ``--postgres-url``)."""
        return self.urls.get(engine.partition("@")[0])

    def on_server(self, engine: str, url: str, **changes: object) -> Config:
        """This config, run on the existing server ``url`` for ``engine`` alone (the url provider).

        Per-engine settings are keyed by the engine's name: ``postgres@18`` keeps its url under ``postgres``.
        """
        return replace(self, provider="url", engines=(engine,), urls={**self.urls, engine.partition("@")[0]: url},
                       **changes)  # type: ignore[arg-type]

    def bin_for(self, name: str) -> Path | None:
        """``--<name>-bin`` if it was set."""
        return self.bins.get(name)

    def server_options_for(self, name: str) -> tuple[str, ...]:
        """``--<name>-server-options``, split; empty if not set."""
        return self.server_options.get(name, ())

    def engine_flags(self) -> list[str]:
        """Command-line flags that hand this config's explicit engine settings to another dbintegrity run."""
        out: list[str] = []
        for kind, values in (("image", self.images), ("bin", self.bins), ("url", self.urls)):
            for name, value in sorted(values.items()):
                out += [OPTION_BY_NAME[f"{name}_{kind}"].flag, str(value)]
        for name, options in sorted(self.server_options.items()):  # one argument: its value starts with --
            out.append(f"{OPTION_BY_NAME[f'{name}_server_options'].flag}={shlex.join(options)}")
        return out


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


def user_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user cache (XDG base directories): ``$XDG_CACHE_HOME/dbintegrity``, else ``~/.cache/dbintegrity``."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"  # the spec ignores relative ones
    return root / USER_CACHE_NAME


def default_engines_dir(base: Path) -> Path:
    """Where engines are provisioned when ``--engines-dir`` is not set.

    A project's own ``.engines/`` wins.  Run from this source checkout (an editable install), its
    ``.engines/`` is used from any directory, as the set-up command fills it.  Installed from a wheel there
    is no checkout, and a schema repository should not grow a half-gigabyte folder of server binaries: the
    per-user cache holds them once for every project of the user.
    """
    own = base / ".engines"
    if own.exists():
        return own
    checkout = _source_checkout()
    if checkout is None:
        return user_cache_dir()
    return checkout / ".engines" if (checkout / ".engines").exists() else own


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

    try:
        engines = expand(_split(get("engines") or ""))
    except ConfigError as exc:
        raise ConfigError(f"{exc} (set by {where('engines')})") from None
    if not engines:
        raise ConfigError(f"engines (none) given; choose from {', '.join(all_keys())} or all "
                          f"(set by {where('engines')})")

    packs_dir = _path(get("packs"), base) or base / "sql"
    engines_dir = _path(get("engines_dir"), base) or default_engines_dir(base)

    names = [s.option_prefix for s in specs()]
    urls = {n: u for n in names if (u := get(f"{n}_url"))}
    conn_file = _path(get("conn_file"), base)
    if conn_file is not None:
        from dbintegrity.servers.providers.connfile import read_conn_file

        if provider not in ("auto", "url"):
            raise ConfigError(f"{where('conn_file')} is the url provider's, but the provider is {provider} "
                              f"(set by {where('provider')}): use --provider url")
        provider = "url"
        engine, url = read_conn_file(conn_file, engines, where("conn_file"))
        if engine in urls:
            opt = OPTION_BY_NAME[f"{engine}_url"]
            raise ConfigError(f"{engine}: both {opt.flag} / {opt.env} and the conn file {conn_file} give a server; "
                              "keep one")
        urls[engine] = url
    if provider == "url":
        missing = [e for e in engines if e.partition("@")[0] not in urls]
        if missing:
            opt = OPTION_BY_NAME[f"{missing[0].partition('@')[0]}_url"]
            raise ConfigError(
                f"provider url needs a server address for {', '.join(missing)}: "
                f"set {opt.flag} or {opt.env}, or drop the engine with --engines"
            )

    return Config(
        provider=provider,
        engines=engines,
        packs_dir=packs_dir,
        packs=tuple(_split(get("pack") or "")),
        images={n: i for n in names if (i := get(f"{n}_image"))},
        urls=urls,
        bins={n: p for n in names if (p := _path(get(f"{n}_bin"), base)) is not None},
        server_options={n: tuple(shlex.split(o)) for n in names if (o := get(f"{n}_server_options"))},
        workdir=_path(get("workdir"), base),
        engines_dir=engines_dir,
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
