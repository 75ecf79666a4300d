"""Oracle MySQL server binaries for a Debian machine that has no Docker, installed nowhere system-wide.

Why this exists: Debian 12 ships MariaDB, not Oracle MySQL, and for a schema-testing suite MariaDB is a
different engine (collations, CHECK error codes, generated-column syntax, JSON all differ).  Debian
unstable ("sid") does ship Oracle MySQL, built against a newer glibc than the host has.  So instead of
installing anything we let apt-get, running on private state, download the server, the client and their
whole dependency closure (glibc included), unpack every package with ``dpkg -x`` into one private root,
and run ``mysqld`` through the dynamic loader from that same root: the binaries then see only the
libraries they were built against, and the host stays untouched.

Sid moves every day, so nothing is pinned: package names and versions are resolved when provisioning
runs, and the version obtained is recorded in a stamp file and printed.

Layout under ``dest`` (default ``.engines/mysql``)::

    dest/.lock                 serialises concurrent runs (pytest-xdist workers all asking at once)
    dest/apt/apt.conf          private apt configuration, see _PrivateApt for why
    dest/apt/sources.list      deb [signed-by=...] <this machine's own Debian mirror> sid main
    dest/apt/status            empty dpkg status, so apt fetches the complete closure
    dest/apt/lists/            sid package lists, kept between runs (see _clean_downloads)
    dest/apt/cache/archives/   downloaded .debs, deleted once extracted
    dest/root/                 the extracted tree; complete only if it holds the stamp file

Run ``python -m dbintegrity.engines.mysql.provision --dest .engines/mysql`` to provision by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import platform
import re
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from dbintegrity.servers.debian import (
    ARCHES as _ARCHES,
)
from dbintegrity.servers.debian import (
    OTHER_PROVIDERS as _OTHER_PROVIDERS,
)
from dbintegrity.servers.debian import (
    PrivateApt as _PrivateApt,
)
from dbintegrity.servers.debian import (
    ProvisionError,
)
from dbintegrity.servers.debian import (
    arch as _arch,
)
from dbintegrity.servers.debian import (
    choose_mirror as _choose_mirror,
)
from dbintegrity.servers.debian import (
    clean_downloads as _clean_downloads,
)
from dbintegrity.servers.debian import (
    locked as _locked,
)
from dbintegrity.servers.debian import (
    megabytes as _megabytes,
)
from dbintegrity.servers.debian import (
    require_tools as _require_tools,
)
from dbintegrity.servers.debian import (
    run_command as _run,
)
from dbintegrity.servers.debian import (
    write_json as _write_json,
)

__all__ = ["MARIADB_10_11", "MARIADB_11_8", "MYSQL", "MysqlBinaries", "ProvisionError", "Recipe", "find_binaries",
           "main", "provision_debian", "provision_mysql"]

STAMP_NAME = ".dbintegrity-provisioned.json"
"""Written last, inside the root: its presence is what makes an extracted tree count as complete."""

STAMP_FORMAT = 1


@dataclass(frozen=True)
class Recipe:
    """What to fetch for one engine line: the Debian suite, the packages, and the server binary to prove.

    The same private-apt recipe serves every server of the MySQL family: Oracle MySQL and MariaDB 11.8
    from sid (newer glibc, run through their own loader), MariaDB 10.11 from Debian 12 ("bookworm").
    """

    label: str
    """How log lines name it: ``mysql``, ``mariadb@10.11``."""
    suite: str
    server_package: str
    client_package: str
    server: str = "usr/sbin/mysqld"
    """The server binary inside the root; ``--version`` of it must run for the tree to count."""


MYSQL = Recipe("mysql", "sid", "mysql-server-core", "mysql-client-core")
MARIADB_10_11 = Recipe("mariadb@10.11", "bookworm", "mariadb-server-core", "mariadb-client-core", "usr/sbin/mariadbd")
MARIADB_11_8 = Recipe("mariadb@11.8", "sid", "mariadb-server-core", "mariadb-client-core", "usr/sbin/mariadbd")
SERVER_PACKAGE = MYSQL.server_package
CLIENT_PACKAGE = MYSQL.client_package




@dataclass(frozen=True)
class MysqlBinaries:
    """A provisioned MySQL: where it lives and how to run it through its own loader.

    The binaries need the glibc they were built with, which is newer than the host's, so they cannot
    be exec'd directly: every command starts with the bundled loader and its ``--library-path``.
    """

    root: Path
    loader: Path
    library_path: str
    mysqld: Path
    mysql_client: Path | None
    version: str

    @property
    def share(self) -> Path:
        """Error messages, charsets and (MariaDB) the system tables' SQL: ``share/mariadb`` from 11.x on."""
        mariadb = self.root / "usr" / "share" / "mariadb"
        return mariadb if mariadb.is_dir() else self.root / "usr" / "share" / "mysql"

    def _via_loader(self, program: Path) -> list[str]:
        return [str(self.loader), "--library-path", self.library_path, str(program)]

    def server_argv(self) -> list[str]:
        """Return the ``mysqld`` command prefix; append datadir, port, socket and friends.

        ``--no-defaults`` must come first and keeps the host's ``/etc/mysql`` out.  The directories are
        passed explicitly because the compiled-in ones point at ``/usr``, which is the host's.
        """
        usr = self.root / "usr"
        share = self.share
        argv = [
            *self._via_loader(self.mysqld),
            "--no-defaults",
            f"--basedir={usr}",
            f"--lc-messages-dir={share}",  # holds english/errmsg.sys and the other languages
        ]
        if (share / "charsets").is_dir():
            argv.append(f"--character-sets-dir={share / 'charsets'}")
        if (usr / "lib" / "mysql" / "plugin").is_dir():
            argv.append(f"--plugin-dir={usr / 'lib' / 'mysql' / 'plugin'}")
        return argv

    def client_argv(self) -> list[str]:
        """Return the ``mysql`` client command prefix; append connection options and the query.

        Raises ProvisionError when the client package was not available at provisioning time.
        """
        if self.mysql_client is None:
            raise ProvisionError(
                f"the mysql client is not in {self.root}: sid had no {CLIENT_PACKAGE} when it was "
                "provisioned; re-run `python -m dbintegrity.engines.mysql.provision --force` or connect "
                "with PyMySQL"
            )
        argv = [*self._via_loader(self.mysql_client), "--no-defaults"]
        charsets = self.share / "charsets"
        if charsets.is_dir():
            argv.append(f"--character-sets-dir={charsets}")
        return argv


def find_binaries(root: Path, server: str = MYSQL.server) -> MysqlBinaries | None:
    """Return the binaries under ``root`` if a provisioning run completed there, else None.

    Cheap enough to call at every test session start: it reads the stamp (which caches the version)
    and checks a few paths, without spawning anything.  Only a stamp that lacks the version costs one
    ``mysqld --version`` run, after which the version is cached in it.
    """
    root = root.resolve()
    stamp_path = root / STAMP_NAME
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("format") != STAMP_FORMAT:
        return None
    located = _locate_loader(root)
    mysqld = root / server
    if located is None or not mysqld.is_file():
        return None
    loader, library_path = located
    client = root / "usr" / "bin" / "mysql"
    version = stamp.get("version")
    if not isinstance(version, str) or not version:
        version = _probe_version(loader, library_path, mysqld)
        stamp["version"] = version
        with contextlib.suppress(OSError):  # a read-only root still works, it just probes next time
            _write_json(stamp_path, stamp)
    return MysqlBinaries(
        root=root,
        loader=loader,
        library_path=library_path,
        mysqld=mysqld,
        mysql_client=client if client.is_file() else None,
        version=version,
    )


def provision_mysql(
    dest: Path,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    mirror: str | None = None,
) -> MysqlBinaries:
    """Oracle MySQL from Debian sid into ``dest``: :func:`provision_debian` with the :data:`MYSQL` recipe."""
    return provision_debian(dest, MYSQL, force=force, log=log, mirror=mirror)


def provision_debian(
    dest: Path,
    recipe: Recipe,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    mirror: str | None = None,
) -> MysqlBinaries:
    """Download and unpack ``recipe``'s server from its Debian suite into ``dest``; return how to run it.

    Idempotent: a completed root is returned as is unless ``force``.  Safe to call from several
    processes at once (a file lock serialises them; the losers find the winner's result).  The tree
    is extracted next to the final root and renamed into place only after ``mysqld --version`` ran
    from it, so an interrupted run never leaves a root that looks usable.

    ``mirror`` overrides the Debian mirror URI otherwise read from this machine's apt sources (for
    Debian derivatives whose own archive has no sid).
    """
    dest = dest.absolute()
    root = dest / "root"
    if not force and (found := find_binaries(root, recipe.server)) is not None:
        return found
    _require_tools()
    arch = _arch()
    dest.mkdir(parents=True, exist_ok=True)
    with _locked(dest / ".lock", log, recipe.label):
        if not force and (found := find_binaries(root, recipe.server)) is not None:
            return found  # another process finished while we waited for the lock
        started = time.monotonic()
        uri, signed_by, origin = _choose_mirror(mirror)
        log(f"{recipe.label}: using Debian mirror {uri} (from {origin})")
        apt = _PrivateApt(dest / "apt", uri=uri, signed_by=signed_by, suite=recipe.suite)
        log(f"{recipe.label}: fetching the {recipe.suite} package lists")
        apt.update()
        server = apt.resolve(recipe.server_package)
        if server is None:
            raise ProvisionError(
                f"Debian {recipe.suite} at {uri} has no {recipe.server_package} package today (neither `apt-cache "
                f"policy {recipe.server_package}` nor `apt-cache search ^{recipe.server_package}` under {apt.config} "
                f"found one); it may be out of {recipe.suite} for a while: retry later or {_OTHER_PROVIDERS}"
            )
        packages = [server]
        client = apt.resolve(recipe.client_package)
        if client is None:
            log(f"{recipe.label}: no {recipe.client_package} in {recipe.suite} today; continuing without the client")
        else:
            packages.append(client)
        log(f"{recipe.label}: downloading {' '.join(packages)} and their dependency closure")
        debs = apt.download(packages)
        log(f"{recipe.label}: extracting {len(debs)} packages ({_megabytes(debs)} MB)")
        versions = _extract(debs, root, arch, mirror=uri, server=recipe.server)
        _clean_downloads(apt)
        binaries = find_binaries(root, recipe.server)
        if binaries is None:  # pragma: no cover - _extract verified the same paths just before
            raise ProvisionError(f"provisioning wrote {root} but it is incomplete; re-run with --force")
        resolved = ", ".join(f"{name} {versions.get(name, '?')}" for name in packages)
        log(f"{recipe.label}: {binaries.version} ready in {time.monotonic() - started:.1f}s ({resolved}) at {root}")
        return binaries


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: provision (or find) MySQL and print the mysqld command prefix."""
    parser = argparse.ArgumentParser(
        prog="python -m dbintegrity.engines.mysql.provision",
        description="Fetch Oracle MySQL from Debian sid into a private directory (no root install).",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=Path(".engines/mysql"),
        help="directory to provision into, relative to the current directory (default: %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="provision again even if already done")
    parser.add_argument(
        "--mirror",
        default=None,
        help="Debian mirror URI to fetch sid from (default: this machine's own apt sources)",
    )
    args = parser.parse_args(argv)
    log = functools.partial(print, flush=True)
    try:
        binaries = provision_mysql(args.dest, force=args.force, log=log, mirror=args.mirror)
    except ProvisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    log(f"mysql {binaries.version}: {shlex.join(binaries.server_argv())}")
    return 0


# --------------------------------------------------------------------------------------------------
# Architecture and the bundled loader


def _locate_loader(root: Path) -> tuple[Path, str] | None:
    """Find the bundled loader and the library dirs it must search, or None if not there."""
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        return None
    triplet, loader_name = arch
    candidates = [
        root / "usr" / "lib" / triplet / loader_name,
        root / "usr" / "lib64" / loader_name,
        root / "usr" / "lib" / loader_name,
        root / "lib" / triplet / loader_name,
        root / "lib64" / loader_name,
    ]
    loader = next((path for path in candidates if path.is_file()), None)
    if loader is None:
        return None
    # Only real directories: in sid /lib is merged into /usr/lib, and listing a dir twice slows lookups.
    lib_dirs: list[str] = []
    for directory in (root / "usr" / "lib" / triplet, root / "lib" / triplet):
        if directory.is_dir() and str(directory.resolve()) not in lib_dirs:
            lib_dirs.append(str(directory.resolve()))
    return loader, ":".join(lib_dirs)


def _probe_version(loader: Path, library_path: str, mysqld: Path) -> str:
    """Run ``mysqld --version`` through the loader: proves the tree runs, and names what we got."""
    cmd = [str(loader), "--library-path", library_path, str(mysqld), "--version"]
    proc = _run(
        cmd,
        what="running the extracted mysqld",
        fix="re-run `python -m dbintegrity.engines.mysql.provision --force`; if it fails again sid may "
        f"be mid-transition, retry later or {_OTHER_PROVIDERS}",
        timeout=60,
    )
    match = re.search(r"\bVer\s+(\S+)", proc.stdout)
    if match is None:
        raise ProvisionError(
            f"cannot read a version from `{shlex.join(cmd)}` (output: {proc.stdout.strip()[:200]!r}); "
            "re-run with --force"
        )
    return match.group(1)


# --------------------------------------------------------------------------------------------------
# This machine's Debian mirror


# --------------------------------------------------------------------------------------------------
# apt-get on private state


# --------------------------------------------------------------------------------------------------
# Extraction


def _extract(debs: Sequence[Path], root: Path, arch: tuple[str, str], *, mirror: str,
             server: str = MYSQL.server) -> dict[str, str]:
    """Unpack ``debs`` next to ``root``, prove mysqld runs, stamp it, then swap it into place.

    Returns the package versions installed, keyed by package name.
    """
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        version = _unpack(debs, partial, arch, server)
    except BaseException:  # also Ctrl-C: do not leave 400 MB of half-extracted tree behind
        shutil.rmtree(partial, ignore_errors=True)
        raise
    versions = {}
    for deb in debs:
        name, _, rest = deb.stem.partition("_")
        versions[name] = unquote(rest.rpartition("_")[0])
    _write_json(
        partial / STAMP_NAME,
        {
            "format": STAMP_FORMAT,
            "version": version,
            "machine": platform.machine(),
            "mirror": mirror,
            "provisioned_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "packages": versions,
        },
    )
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)  # paths inside are all relative (no absolute symlinks), so moving is safe
    return versions


def _unpack(debs: Sequence[Path], into: Path, arch: tuple[str, str], server: str = MYSQL.server) -> str:
    """``dpkg -x`` every package into ``into``; return the version the unpacked server reports."""
    for deb in debs:
        _run(
            ["dpkg", "-x", str(deb), str(into)],
            what=f"unpacking {deb.name}",
            fix="check free disk space in the destination and re-run with --force",
            timeout=300,
        )
    located = _locate_loader(into)
    mysqld = into / server
    if located is None or not mysqld.is_file():
        raise ProvisionError(
            f"the downloaded packages lack {server} or the {arch[1]} loader; Debian may have "
            f"reorganised them: report it, and meanwhile {_OTHER_PROVIDERS}"
        )
    loader, library_path = located
    return _probe_version(loader, library_path, mysqld)


# --------------------------------------------------------------------------------------------------
# Small helpers


if __name__ == "__main__":
    raise SystemExit(main())
