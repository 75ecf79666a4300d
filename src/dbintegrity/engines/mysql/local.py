"""A disposable MySQL server from the binaries that ``dbintegrity provision mysql`` fetched.

The server runs as our direct child (see :mod:`dbintegrity.servers.processes`) from a copy of a template datadir,
with durability switched off: it is thrown away after the run, and these settings roughly halve the time
of DDL-heavy work such as loading a pack.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.engines.mysql.provision import MysqlBinaries, find_binaries
from dbintegrity.errors import EngineUnavailable
from dbintegrity.servers import processes as procs
from dbintegrity.servers.templates import copy_template, ensure_template

# Safe only because the instance is disposable: no binary log, no doublewrite, lazy redo flushing.
THROWAWAY_FLAGS = (
    "--mysqlx=OFF",
    "--skip-log-bin",
    "--innodb-doublewrite=0",
    "--innodb-flush-log-at-trx-commit=0",
    "--innodb-flush-method=nosync",
    "--performance-schema=OFF",
    "--innodb-buffer-pool-dump-at-shutdown=OFF",
    "--innodb-buffer-pool-load-at-startup=OFF",
    "--character-set-server=utf8mb4",
    "--local-infile=1",
)


def root_of(cfg: Config) -> Path:
    """``--mysql-bin``, else ``.engines/mysql/root``."""
    return cfg.bin_for("mysql") or cfg.engines_dir / "mysql" / "root"


def binaries(cfg: Config) -> MysqlBinaries:
    """The provisioned binaries, or an error that says how to get them."""
    root = root_of(cfg)
    found = find_binaries(root)
    if found is None:
        raise EngineUnavailable(
            f"local MySQL binaries not found under {root}: run `dbintegrity provision mysql` "
            "(the README's set-up command does), or point --mysql-bin / DBINTEGRITY_MYSQL_BIN at them, "
            "or use --provider docker or --provider url"
        )
    return found


def _user_flags() -> list[str]:
    return ["--user=root"] if os.geteuid() == 0 else []


def _build_template(bins: MysqlBinaries, dest: Path, options: Sequence[str] = ()) -> None:
    datadir = dest / "data"
    argv = [*bins.server_argv(), *_user_flags(), "--initialize-insecure", f"--datadir={datadir}",
            "--skip-log-bin", "--innodb-doublewrite=0", "--innodb-flush-method=nosync", *options]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise EngineUnavailable(f"mysqld --initialize-insecure failed ({' '.join(argv[:4])} ...): "
                                + " | ".join(tail))


def start(cfg: Config, cache: Path, key: str) -> Server:
    """Copy the template datadir, start mysqld on a free port (the server's engine key is ``key``)."""
    bins = binaries(cfg)
    options = cfg.server_options_for("mysql")
    return start_server(cfg, cache, key, bins, template_key(f"mysql-{bins.version}", options),
                        lambda d: _build_template(bins, d, options), (*THROWAWAY_FLAGS, *options))


def template_key(base: str, options: Sequence[str]) -> str:
    """Server options can be fixed when the data dir is made (``--lower-case-table-names``): a template
    made with other options is another template."""
    if not options:
        return base
    return f"{base}-{hashlib.sha256(' '.join(options).encode()).hexdigest()[:12]}"


def start_server(cfg: Config, cache: Path, key: str, bins: MysqlBinaries, template_key: str,
                 build: Callable[[Path], None], flags: Sequence[str]) -> Server:
    """Start a server of the MySQL family from ``bins`` on a copy of the template ``build`` makes once.

    Shared with MariaDB, whose server takes the same flags for everything here but the template's making.
    """
    template = ensure_template(cache, template_key, build)
    work = procs.scratch_dir(cfg.workdir, key.replace("@", "-"))
    try:
        datadir = work / "data"
        datadir.mkdir()
        copy_template(template / "data", datadir)
        files = work / "files"
        files.mkdir()
        log = work / "mysqld.log"
        port = procs.free_port()
        # The socket path is relative (mysqld makes it in its datadir): an absolute one under a long
        # --workdir passes the 107-byte limit of a Unix socket path and mysqld aborts.  We use TCP anyway.
        argv = [*bins.server_argv(), *_user_flags(), f"--datadir={datadir}", f"--port={port}",
                "--bind-address=127.0.0.1", "--socket=mysqld.sock",
                f"--pid-file={work / 'mysqld.pid'}", f"--secure-file-priv={files}", f"--tmpdir={work}",
                f"--log-error={log}", *flags]
        proc = procs.spawn(argv, work / "stdout.log")
    except BaseException:
        procs.remove_dir(work)
        raise

    def stopper() -> None:
        # SIGKILL: the datadir is thrown away, and a clean shutdown costs 1.2-1.5 s of fixed waits.
        procs.stop(proc, sig=signal.SIGKILL)
        procs.remove_dir(work)

    server = Server(
        engine=key, provider="local", host="127.0.0.1", port=port, user="root", password="",
        description=f"{bins.mysqld.name} pid {proc.pid} from {bins.root}",
        liveness=procs.liveness_of(proc, bins.mysqld.name), stopper=stopper, log_path=str(log), pid=proc.pid,
        encrypt=False,
    )
    return server
