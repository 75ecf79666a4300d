"""A disposable MariaDB server from binaries that ``dbintegrity provision mariadb`` fetched.

Each version line has its own root, ``.engines/mariadb-<version>/root``: 10.11 from Debian 12, 11.8 from
Debian sid (run through its own loader, as MySQL is).  The template datadir is made by feeding the
system tables' SQL to ``mariadbd --bootstrap`` ourselves: ``mariadb-install-db`` is a shell script that
would exec the server without the loader.  With ``--no-defaults`` MariaDB's character set is latin1, so
the server is always told utf8mb4 (ENGINES.md).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.engines.mysql.local import _user_flags, start_server, template_key
from dbintegrity.engines.mysql.provision import (
    MARIADB_10_11,
    MARIADB_11_8,
    MysqlBinaries,
    Recipe,
    find_binaries,
    provision_debian,
)
from dbintegrity.engines.spec import Line
from dbintegrity.errors import EngineUnavailable

RECIPES: dict[str, Recipe] = {"10.11": MARIADB_10_11, "11.8": MARIADB_11_8}
SERVER = MARIADB_11_8.server

THROWAWAY_FLAGS = (
    "--skip-log-bin",
    "--innodb-doublewrite=0",
    "--innodb-flush-log-at-trx-commit=0",
    "--performance-schema=OFF",
    "--innodb-buffer-pool-dump-at-shutdown=OFF",
    "--innodb-buffer-pool-load-at-startup=OFF",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    "--local-infile=1",
)


def dest(cfg: Config, line: Line) -> Path:
    return cfg.engines_dir / f"mariadb-{line.version}"


def _roots(cfg: Config, line: Line | None, lines: tuple[Line, ...]) -> list[Path]:
    explicit = cfg.bin_for("mariadb")
    if explicit:
        return [explicit]
    chosen = [line] if line is not None else list(reversed(lines))  # the default line: the newest there is
    return [dest(cfg, ln) / "root" for ln in chosen]


def binaries(cfg: Config, line: Line | None) -> MysqlBinaries:
    from dbintegrity.engines import spec

    roots = _roots(cfg, line, spec("mariadb").lines)
    for root in roots:
        found = find_binaries(root, SERVER)
        if found is not None:
            if line is not None and not found.version.startswith(f"{line.version}."):
                raise EngineUnavailable(f"{root} holds MariaDB {found.version}, not {line.version}")
            return found
    raise EngineUnavailable(
        f"local MariaDB binaries not found under {', '.join(map(str, roots))}: run `dbintegrity provision "
        "mariadb` (the README's set-up command does), or point --mariadb-bin / DBINTEGRITY_MARIADB_BIN at "
        "them, or use --provider docker or --provider url"
    )


def provision(cfg: Config, line: Line, *, force: bool, log: Callable[[str], None]) -> MysqlBinaries:
    return provision_debian(dest(cfg, line), RECIPES[line.version], force=force, log=log)


def _bootstrap_sql(bins: MysqlBinaries) -> bytes:
    """What ``mariadb-install-db`` feeds the server: the system tables, without help tables or test db."""
    share = bins.share
    prefix = "mariadb" if (share / "mariadb_system_tables.sql").is_file() else "mysql"
    parts = [b"create database if not exists mysql;\nuse mysql;\nSET @auth_root_socket=NULL;\n"]
    for name in ("system_tables", "performance_tables", "system_tables_data"):
        parts.append((share / f"{prefix}_{name}.sql").read_bytes())
    return b"\n".join(parts)


def _build_template(bins: MysqlBinaries, work: Path, options: Sequence[str] = ()) -> None:
    datadir = work / "data"
    datadir.mkdir()
    argv = [*bins.server_argv(), *_user_flags(), "--bootstrap", f"--datadir={datadir}", "--log-warnings=0",
            "--enforce-storage-engine=", "--max_allowed_packet=8M", "--net_buffer_length=16K", "--skip-log-bin",
            "--innodb-doublewrite=0", *options]
    done = subprocess.run(argv, input=_bootstrap_sql(bins), capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()[-3:]
        raise EngineUnavailable(f"mariadbd --bootstrap failed ({' '.join(argv[:4])} ...): " + " | ".join(tail))


def start(cfg: Config, cache: Path, key: str, line: Line | None) -> Server:
    bins = binaries(cfg, line)
    options = cfg.server_options_for("mariadb")
    return start_server(cfg, cache, key, bins, template_key(f"mariadb-{bins.version}", options),
                        lambda d: _build_template(bins, d, options), (*THROWAWAY_FLAGS, *options))
