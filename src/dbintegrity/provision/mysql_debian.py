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

Run ``python -m dbintegrity.provision.mysql_debian --dest .engines/mysql`` to provision by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

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
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
APT_ETC = Path("/etc/apt")
OS_RELEASE = Path("/etc/os-release")

# Host apt settings copied into the private configuration: how to reach the mirror we share with the
# host, nothing else (no hooks, pins or index targets).
_HOST_SETTINGS = (
    "Acquire::http",  # proxies and TLS, also Acquire::https
    "Acquire::ftp",
    "Acquire::socks",
    "Acquire::Retries",
    "Acquire::ForceIPv4",
    "Acquire::ForceIPv6",
    # Freshness (not signature) checks.  A host that turns these off does so because its mirror is a
    # snapshot or a frozen caching proxy whose Release files have outlived Valid-Until; we fetch sid
    # from that same mirror, so the same applies to us (measured: this machine's mirror serves a sid
    # InRelease expired for 15 days).  Signatures are still verified.
    "Acquire::Check-Valid-Until",
    "Acquire::Check-Date",
    "Acquire::Max-FutureTime",
)

_OTHER_PROVIDERS = "use --provider docker (Testcontainers) or --provider url (an existing server) instead"

# Debian multiarch triplet and dynamic loader name, per platform.machine().
_ARCHES: dict[str, tuple[str, str]] = {
    "x86_64": ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
    "amd64": ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
    "aarch64": ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
    "arm64": ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
}

# Suite names that denote Debian's own archive (plus this machine's codename, added at run time);
# used to tell the main archive apart from third-party repositories that share the host's codename.
_DEBIAN_SUITES = frozenset({"stable", "testing", "unstable", "sid", "oldstable", "oldoldstable"})


class ProvisionError(Exception):
    """Provisioning failed.  ``str()`` is one line: what failed, the command, and the fix.

    One line because the CLI and the pytest plugin print it instead of a traceback: the first thing a
    user sees must be what to do.  Multi-line text (apt's stderr) is folded with `` | ``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(re.sub(r"\s*\n\s*", " | ", message.strip()))


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
                "provisioned; re-run `python -m dbintegrity.provision.mysql_debian --force` or connect "
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
        prog="python -m dbintegrity.provision.mysql_debian",
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


def _arch() -> tuple[str, str]:
    machine = platform.machine()
    try:
        return _ARCHES[machine]
    except KeyError:
        raise ProvisionError(
            f"unsupported machine architecture {machine!r} for the Debian MySQL provider (supported: "
            f"{', '.join(sorted(_ARCHES))}); {_OTHER_PROVIDERS}"
        ) from None


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
        fix="re-run `python -m dbintegrity.provision.mysql_debian --force`; if it fails again sid may "
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


@dataclass(frozen=True)
class _Source:
    """One ``deb`` entry of the host's apt sources, reduced to what choosing a mirror needs."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]
    signed_by: str | None
    origin: Path


def _choose_mirror(override: str | None) -> tuple[str, Path | None, str]:
    """Return (mirror URI, keyring to verify sid with, where the URI came from).

    The mirror comes from the host's apt configuration rather than a constant because machines sit
    behind local mirrors, caching proxies or snapshot services, and no host name may be hard-coded.
    """
    if override is not None:
        return override.rstrip("/"), _keyring(None), "--mirror"
    sources = _host_sources(APT_ETC)
    best = _pick_main_archive(sources, _codename())
    if best is None:
        raise ProvisionError(
            f"no Debian main archive found in {APT_ETC}/sources.list or {APT_ETC}/sources.list.d "
            f"(looked at {len(sources)} deb entries); pass --mirror <Debian mirror URI>, "
            f"or {_OTHER_PROVIDERS}"
        )
    return _follow_mirror_list(best.uri), _keyring(best.signed_by), str(best.origin)


def _host_sources(etc: Path) -> list[_Source]:
    """Every enabled binary (``deb``) source, in apt's own reading order."""
    sources: list[_Source] = []
    one_line = [etc / "sources.list", *sorted((etc / "sources.list.d").glob("*.list"))]
    for path in one_line:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources.extend(_parse_one_line(path.read_text(encoding="utf-8"), path))
    for path in sorted((etc / "sources.list.d").glob("*.sources")):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources.extend(_parse_deb822(path.read_text(encoding="utf-8"), path))
    return sources


def _parse_deb822(text: str, origin: Path) -> list[_Source]:
    """Parse the deb822 ``.sources`` format (stanzas of ``Field: value``, continuation lines)."""
    sources: list[_Source] = []
    for block in re.split(r"\n[ \t]*\n", text):
        fields: dict[str, str] = {}
        key: str | None = None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0] in " \t" and key is not None:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        signed_by = fields.get("signed-by", "").strip()
        keyring = signed_by if signed_by and "\n" not in signed_by else None  # not an inline key block
        for uri in fields.get("uris", "").split():
            sources.append(
                _Source(
                    uri=uri,
                    suites=tuple(fields.get("suites", "").split()),
                    components=tuple(fields.get("components", "").split()),
                    signed_by=keyring,
                    origin=origin,
                )
            )
    return sources


def _parse_one_line(text: str, origin: Path) -> list[_Source]:
    """Parse the classic ``deb [options] uri suite components...`` format."""
    sources: list[_Source] = []
    pattern = re.compile(r"^deb\s+(?:\[(?P<options>[^\]]*)\]\s+)?(?P<uri>\S+)\s+(?P<suite>\S+)(?P<rest>.*)$")
    for raw in text.splitlines():
        match = pattern.match(raw.split("#", 1)[0].strip())
        if match is None:
            continue
        options = dict(option.split("=", 1) for option in (match.group("options") or "").split() if "=" in option)
        signed_by = options.get("signed-by", "").split(",")[0] or None
        sources.append(
            _Source(
                uri=match.group("uri"),
                suites=(match.group("suite"),),
                components=tuple(match.group("rest").split()),
                signed_by=signed_by,
                origin=origin,
            )
        )
    return sources


def _codename() -> str | None:
    with contextlib.suppress(OSError):
        for line in OS_RELEASE.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key == "VERSION_CODENAME" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
    return None


def _pick_main_archive(sources: Sequence[_Source], codename: str | None) -> _Source | None:
    """Choose the entry of Debian's main archive: not security, not a third-party repository.

    Third-party repositories (Docker, PostgreSQL, PHP...) often reuse the host's codename, so a suite
    match alone is not enough: an entry signed with Debian's archive keyring and carrying ``main``
    wins.  Ties go to the first entry, as apt reads them.
    """
    known = _DEBIAN_SUITES | ({codename} if codename else set())

    def score(source: _Source) -> int:
        main_suites = [
            suite
            for suite in source.suites
            if not suite.endswith("-security") and "/updates" not in suite and suite.split("-")[0] in known
        ]
        if not main_suites or source.uri.startswith("cdrom:"):
            return 0
        points = 1
        if source.signed_by is not None and "debian-archive" in source.signed_by:
            points += 4
        if "main" in source.components:
            points += 2
        if any(suite in known for suite in main_suites):  # "bookworm" beats "bookworm-updates"
            points += 1
        return points

    ranked = [(score(source), -index, source) for index, source in enumerate(sources)]
    best = max(ranked, key=lambda item: (item[0], item[1]), default=None)
    return best[2] if best is not None and best[0] > 0 else None


def _follow_mirror_list(uri: str) -> str:
    """Resolve apt's ``mirror+file:`` indirection (used by cloud images) to its first mirror."""
    if uri.startswith("mirror+file:"):
        listing = Path(uri.removeprefix("mirror+file:"))
        with contextlib.suppress(OSError):
            for line in listing.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    return line.split()[0].rstrip("/")
        raise ProvisionError(f"cannot read the mirror list {listing} named in apt sources; pass --mirror")
    if uri.startswith("mirror+"):
        raise ProvisionError(f"apt source {uri} uses a remote mirror list; pass --mirror <Debian mirror URI>")
    return uri.rstrip("/")


def _keyring(signed_by: str | None) -> Path | None:
    """The keyring to verify sid against: the host entry's own, else Debian's archive keyring.

    sid is signed with the same archive keys as stable, so the keyring that verifies this machine's
    Debian entries verifies sid too; verification is never switched off.  None (no ``signed-by``)
    falls back to apt's global trusted keys.
    """
    for candidate in (signed_by, str(DEBIAN_KEYRING)):
        if candidate and candidate.startswith("/") and Path(candidate).is_file():
            return Path(candidate)
    return None


# --------------------------------------------------------------------------------------------------
# apt-get on private state


class _PrivateApt:
    """apt-get and apt-cache confined to ``base``: own sources, lists, cache and an empty status.

    The ``-o`` options are the ENGINES.md recipe.  ``APT_CONFIG`` points at a private file that also
    stops the host's ``apt.conf.d`` from being read: otherwise the host's hooks (PackageKit, AppStream
    refresh, docker-clean's cache wiping) would run after our private ``update``, and host pinning in
    ``preferences.d`` could hide sid versions.  The host's transport settings (``Acquire::http*``
    proxies and TLS, retries, freshness checks) are copied in, because they describe the network and
    the mirror we share with the host.
    """

    def __init__(self, base: Path, *, uri: str, signed_by: Path | None, suite: str = "sid") -> None:
        self.base = base
        self.uri = uri
        self.suite = suite
        self.lists = base / "lists"
        self.cache = base / "cache"
        self.archives = self.cache / "archives"
        for directory in (self.lists / "partial", self.archives / "partial", base / "state"):
            directory.mkdir(parents=True, exist_ok=True)
        self.sources = base / "sources.list"
        option = f"[signed-by={signed_by}] " if signed_by is not None else ""
        self.sources.write_text(f"deb {option}{uri} {suite} main\n", encoding="utf-8")
        self.status = base / "status"
        self.status.write_text("", encoding="utf-8")  # empty: apt fetches the full closure, glibc included
        self.config = base / "apt.conf"
        self.config.write_text(self._config_text(), encoding="utf-8")
        self.env = {**os.environ, "APT_CONFIG": str(self.config), "LC_ALL": "C"}
        settings = [
            f"Dir::Etc::sourcelist={self.sources}",
            "Dir::Etc::sourceparts=/nonexistent",
            f"Dir::State::Lists={self.lists}",
            f"Dir::Cache={self.cache}",
            f"Dir::State::status={self.status}",
            "Debug::NoLocking=1",
            "APT::Install-Recommends=false",
        ]
        self.options = [token for setting in settings for token in ("-o", setting)]

    def _config_text(self) -> str:
        host = subprocess.run(
            ["apt-config", "dump"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
        acquire = [line for line in host.stdout.splitlines() if line.startswith(_HOST_SETTINGS)]
        return "\n".join(
            [
                "// Written by dbintegrity.provision.mysql_debian: apt confined to this directory.",
                'Dir::Etc::main "/nonexistent";',
                'Dir::Etc::parts "/nonexistent";',
                'Dir::Etc::preferences "/nonexistent";',
                'Dir::Etc::preferencesparts "/nonexistent";',
                f'Dir::State "{self.base / "state"}";',
                "// the host's network and mirror-freshness settings:",
                *acquire,
                "// no translations, and lists kept compressed on disk:",
                'Acquire::Languages "none";',
                'Acquire::GzipIndexes "true";',
                "",
            ]
        )

    def _apt(self, tool: str, *args: str, what: str, fix: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return _run([tool, *self.options, *args], what=what, fix=fix, env=self.env, timeout=timeout)

    def update(self) -> None:
        """Fetch sid's lists; failures here are network, mirror or signature problems."""
        cmd = ["apt-get", *self.options, "update"]
        proc = _run(cmd, what=f"apt-get update of Debian {self.suite}", fix="", env=self.env, timeout=900, check=False)
        text = proc.stderr + proc.stdout
        failed = proc.returncode != 0 or re.search(r"^(E:|W: Failed to fetch|W: Some index files)", text, re.M)
        if not failed:
            return
        # Order matters: an unreachable InRelease is also reported as "not signed".
        if re.search(r"is expired|is not valid yet", text):
            fix = (
                f"{self.uri} serves a sid Release file outside its validity window (a snapshot or frozen "
                "mirror, or a wrong clock): fix the clock, pass a live --mirror, or if the mirror is "
                'frozen on purpose set Acquire::Check-Valid-Until "false" in /etc/apt/apt.conf.d '
                "(this provider honours it)"
            )
        elif re.search(r"Failed to fetch|does not have a Release file|Could not resolve|Unable to connect", text):
            fix = (
                f"{self.uri} is unreachable or has no Debian sid: check the URI and network access (apt "
                "proxy settings are honoured), or pass --mirror <Debian mirror URI>"
            )
        elif re.search(r"NO_PUBKEY|EXPKEYSIG|KEYEXPIRED|BADSIG|not signed|signature", text, re.I):
            fix = (
                "sid is signed with a key this machine does not trust yet: upgrade the keyring "
                "(apt-get update && apt-get install debian-archive-keyring) and re-run"
            )
        else:
            fix = f"check network access to {self.uri} (apt proxy settings are honoured) or pass --mirror"
        raise ProvisionError(_failure(f"apt-get update of Debian {self.suite}", cmd, self.env, proc, fix))

    def resolve(self, name: str) -> str | None:
        """Return the sid package to install for ``name`` today, or None if sid has none.

        Prefer the unversioned name; if sid has only versioned ones (``mysql-server-core-9.7``, or the
        unversioned name became virtual) take the highest version.
        """
        fix = "delete the apt/lists directory and re-run with --force"
        policy = self._apt("apt-cache", "policy", name, what="apt-cache policy", fix=fix, timeout=300)
        candidate = re.search(r"^\s*Candidate:\s*(\S+)", policy.stdout, re.M)
        if candidate is not None and candidate.group(1) != "(none)":
            return name
        search = self._apt(
            "apt-cache", "search", "--names-only", f"^{name}", what="apt-cache search", fix=fix, timeout=300
        )
        versioned: list[tuple[tuple[int, ...], str]] = []
        for line in search.stdout.splitlines():
            package = line.split(" - ", 1)[0].strip()
            match = re.fullmatch(re.escape(name) + r"-(\d+(?:\.\d+)*)", package)
            if match is not None:
                versioned.append((tuple(int(part) for part in match.group(1).split(".")), package))
        return max(versioned)[1] if versioned else None

    def download(self, packages: Sequence[str]) -> list[Path]:
        """Download ``packages`` and their closure; return exactly the .debs of this run."""
        for stale in self.archives.glob("*.deb"):  # an older run's versions must not be extracted too
            stale.unlink()
        self._apt(
            "apt-get",
            "install",
            "--download-only",
            "-y",
            *packages,
            what=f"downloading {' '.join(packages)} from Debian {self.suite}",
            fix=f"sid may be in the middle of a library transition: retry in a few hours, or {_OTHER_PROVIDERS}",
            timeout=1800,
        )
        debs = sorted(self.archives.glob("*.deb"))
        if not debs:
            raise ProvisionError(f"apt-get downloaded nothing into {self.archives}; re-run with --force")
        return debs


def _clean_downloads(apt: _PrivateApt) -> None:
    """Delete what a re-run does not need.

    The .debs (about 65 MB) are gone once extracted, and the binary caches (``*.bin``, about 100 MB)
    are rebuilt in a second.  The lists (about 25 MB, compressed) are kept: a ``--force`` re-run then
    sends conditional requests and fetches only what changed, and ``apt-cache policy`` under the same
    options can still explain what was resolved.
    """
    for path in [*apt.archives.glob("*.deb"), *apt.cache.glob("*.bin")]:
        with contextlib.suppress(OSError):
            path.unlink()


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


def _require_tools() -> None:
    missing = [tool for tool in ("apt-get", "apt-cache", "apt-config", "dpkg") if shutil.which(tool) is None]
    if missing:
        raise ProvisionError(
            f"{', '.join(missing)} not found on PATH: the Debian MySQL provider needs a Debian-based "
            f"machine; {_OTHER_PROVIDERS}"
        )


@contextlib.contextmanager
def _locked(path: Path, log: Callable[[str], None], label: str = "mysql") -> Iterator[None]:
    """Hold an exclusive lock on ``path``; tell the user if we have to wait for another run."""
    import fcntl  # POSIX only: imported here so merely importing this module works everywhere

    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"{label}: another process is provisioning into {path.parent}; waiting for it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(
    cmd: Sequence[str],
    *,
    what: str,
    fix: str,
    timeout: float,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` capturing output; with ``check``, turn any failure into a one-line ProvisionError."""
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except FileNotFoundError:
        raise ProvisionError(f"{what} failed: {cmd[0]} not found; fix: {fix}") from None
    except subprocess.TimeoutExpired:
        raise ProvisionError(
            f"{what} failed: `{_display(cmd, env)}` did not finish within {timeout:.0f}s; fix: {fix}"
        ) from None
    if check and proc.returncode != 0:
        raise ProvisionError(_failure(what, cmd, env, proc, fix))
    return proc


def _failure(
    what: str,
    cmd: Sequence[str],
    env: Mapping[str, str] | None,
    proc: subprocess.CompletedProcess[str],
    fix: str,
) -> str:
    """Format a failed command as one line: what, exit status, the command, its first errors, the fix."""
    lines = [line.strip() for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E:")] or lines
    detail = " | ".join(errors[:3])[:500] or "no output"
    return f"{what} failed (exit {proc.returncode}): `{_display(cmd, env)}`: {detail}; fix: {fix}"


def _display(cmd: Sequence[str], env: Mapping[str, str] | None) -> str:
    """The command as a user can paste it, including the private APT_CONFIG it depends on."""
    prefix = f"APT_CONFIG={shlex.quote(env['APT_CONFIG'])} " if env and "APT_CONFIG" in env else ""
    return prefix + shlex.join(cmd)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write via a temporary file and rename, so a reader never sees half a stamp."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _megabytes(paths: Sequence[Path]) -> int:
    return round(sum(path.stat().st_size for path in paths) / 1_000_000)


if __name__ == "__main__":
    raise SystemExit(main())
