"""A server given by a ``conn.yml`` file, the url provider's alternative to a URL.

Projects such as the chirona seed keep their connection in a small YAML file (``dbname``, ``admin``,
``passwd``, ``server``, ``port``) rather than a URL, and never write the password on a command line, where
shells and process lists show it.  :func:`url_from_conn_file` turns such a file into the URL the url
provider reads; the password travels in the URL only, and every message shows the URL redacted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from dbintegrity.engines import get_engine
from dbintegrity.errors import ConfigError
from dbintegrity.pack.yamlfile import read_yaml

KEYS = ("dbname", "admin", "passwd", "server", "port")
"""The keys of the seed's ``conn.yml``; ``engine`` may name the engine when a run has several."""
OPTIONAL = ("engine",)


def read_conn_file(path: Path, engines: tuple[str, ...], where: str) -> tuple[str, str]:
    """(engine, URL) of the server ``path`` describes.  ``engines`` are the run's; ``where`` names the setting
    in errors.  A missing file, a missing or unknown key, or a bad port is one ConfigError line that never
    shows the password."""
    if not path.is_file():
        raise ConfigError(f"conn file {path} does not exist (set by {where}); write one with the keys "
                          f"{', '.join(KEYS)}")
    data: Any = read_yaml(path, ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with the keys {', '.join(KEYS)}")
    missing = [k for k in KEYS if data.get(k) is None or str(data.get(k)).strip() == ""]
    if missing:
        raise ConfigError(f"{path}: missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                          f"(a conn file needs {', '.join(KEYS)})")
    unknown = sorted(str(k) for k in data if k not in KEYS + OPTIONAL)
    if unknown:
        raise ConfigError(f"{path}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                          f"(a conn file has {', '.join(KEYS + OPTIONAL)})")
    port = data["port"]
    if isinstance(port, bool) or not str(port).strip().isdigit() or not 0 < int(str(port).strip()) < 65536:
        raise ConfigError(f"{path}: port must be a number from 1 to 65535, got {port!r}")
    engine = _engine(path, data.get("engine"), engines)
    spec = get_engine(engine).spec
    user, password = quote(str(data["admin"]), safe=""), quote(str(data["passwd"]), safe="")
    url = (f"{spec.url_schemes[0]}://{user}:{password}@{str(data['server']).strip()}:{int(str(port).strip())}/"
           f"{quote(str(data['dbname']).strip(), safe='')}")
    return engine, url


def _engine(path: Path, named: Any, engines: tuple[str, ...]) -> str:
    """The engine the file is for: its ``engine`` key, else the run's only engine."""
    names = sorted({e.partition("@")[0] for e in engines})
    if named is not None:
        name = str(named).strip().lower()
        if name not in names:
            raise ConfigError(f"{path}: engine {named!r} is not one of the run's engines ({', '.join(names)}); "
                              "set --engines to it")
        return name
    if len(names) != 1:
        raise ConfigError(f"{path}: one server for the engines {', '.join(names)}: add `engine: postgres` (or "
                          "mysql) to the file, or choose one engine with --engines")
    return names[0]
