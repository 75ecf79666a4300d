"""Debian packages fetched with a private apt: the machinery every engine's provisioning and image build shares.

Why: these machines (and many CI runners) have a Debian mirror but no Docker registry and no engine the
suite needs as a system package.  apt-get, run on private state (its own sources, lists, status and cache
under the caller's folder), downloads a package with its whole dependency closure without installing
anything; the packages are then unpacked with ``dpkg -x`` where the caller wants them.  Engines decide
what to fetch (``engines/mysql/provision.py``; the local images of every engine, ``servers/images``);
this module only knows Debian: which mirror the host uses, how apt is run privately, and errors that say
what failed and what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OTHER_PROVIDERS = "use --provider docker (Testcontainers) or --provider url (an existing server) instead"
"""The way out every provisioning error offers: a server that needs no local binaries."""
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
APT_ETC = Path("/etc/apt")
OS_RELEASE = Path("/etc/os-release")

# Host apt settings copied into the private configuration: how to reach the mirror we share with the
# host, nothing else (no hooks, pins or index targets).
HOST_SETTINGS = (
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


# Debian multiarch triplet and dynamic loader name, per platform.machine().
ARCHES: dict[str, tuple[str, str]] = {
    "x86_64": ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
    "amd64": ("x86_64-linux-gnu", "ld-linux-x86-64.so.2"),
    "aarch64": ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
    "arm64": ("aarch64-linux-gnu", "ld-linux-aarch64.so.1"),
}


# Suite names that denote Debian's own archive (plus this machine's codename, added at run time);
# used to tell the main archive apart from third-party repositories that share the host's codename.
DEBIAN_SUITES = frozenset({"stable", "testing", "unstable", "sid", "oldstable", "oldoldstable"})


class ProvisionError(Exception):
    """Provisioning failed.  ``str()`` is one line: what failed, the command, and the fix.

    One line because the CLI and the pytest plugin print it instead of a traceback: the first thing a
    user sees must be what to do.  Multi-line text (apt's stderr) is folded with `` | ``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(re.sub(r"\s*\n\s*", " | ", message.strip()))


def arch() -> tuple[str, str]:
    machine = platform.machine()
    try:
        return ARCHES[machine]
    except KeyError:
        raise ProvisionError(
            f"unsupported machine architecture {machine!r} for provisioning from Debian (supported: "
            f"{', '.join(sorted(ARCHES))}); {OTHER_PROVIDERS}"
        ) from None


@dataclass(frozen=True)
class AptSource:
    """One ``deb`` entry of the host's apt sources, reduced to what choosing a mirror needs."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]
    signed_by: str | None
    origin: Path


def choose_mirror(override: str | None) -> tuple[str, Path | None, str]:
    """Return (mirror URI, keyring to verify sid with, where the URI came from).

    The mirror comes from the host's apt configuration rather than a constant because machines sit
    behind local mirrors, caching proxies or snapshot services, and no host name may be hard-coded.
    """
    if override is not None:
        return override.rstrip("/"), keyring(None), "--mirror"
    sources = host_sources(APT_ETC)
    best = pick_main_archive(sources, codename())
    if best is None:
        raise ProvisionError(
            f"no Debian main archive found in {APT_ETC}/sources.list or {APT_ETC}/sources.list.d "
            f"(looked at {len(sources)} deb entries); pass --mirror <Debian mirror URI>, "
            f"or {OTHER_PROVIDERS}"
        )
    return follow_mirror_list(best.uri), keyring(best.signed_by), str(best.origin)


def host_sources(etc: Path) -> list[AptSource]:
    """Every enabled binary (``deb``) source, in apt's own reading order."""
    sources: list[AptSource] = []
    one_line = [etc / "sources.list", *sorted((etc / "sources.list.d").glob("*.list"))]
    for path in one_line:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources.extend(parse_one_line(path.read_text(encoding="utf-8"), path))
    for path in sorted((etc / "sources.list.d").glob("*.sources")):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources.extend(parse_deb822(path.read_text(encoding="utf-8"), path))
    return sources


def parse_deb822(text: str, origin: Path) -> list[AptSource]:
    """Parse the deb822 ``.sources`` format (stanzas of ``Field: value``, continuation lines)."""
    sources: list[AptSource] = []
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
                AptSource(
                    uri=uri,
                    suites=tuple(fields.get("suites", "").split()),
                    components=tuple(fields.get("components", "").split()),
                    signed_by=keyring,
                    origin=origin,
                )
            )
    return sources


def parse_one_line(text: str, origin: Path) -> list[AptSource]:
    """Parse the classic ``deb [options] uri suite components...`` format."""
    sources: list[AptSource] = []
    pattern = re.compile(r"^deb\s+(?:\[(?P<options>[^\]]*)\]\s+)?(?P<uri>\S+)\s+(?P<suite>\S+)(?P<rest>.*)$")
    for raw in text.splitlines():
        match = pattern.match(raw.split("#", 1)[0].strip())
        if match is None:
            continue
        options = dict(option.split("=", 1) for option in (match.group("options") or "").split() if "=" in option)
        signed_by = options.get("signed-by", "").split(",")[0] or None
        sources.append(
            AptSource(
                uri=match.group("uri"),
                suites=(match.group("suite"),),
                components=tuple(match.group("rest").split()),
                signed_by=signed_by,
                origin=origin,
            )
        )
    return sources


def codename() -> str | None:
    with contextlib.suppress(OSError):
        for line in OS_RELEASE.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key == "VERSION_CODENAME" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
    return None


def pick_main_archive(sources: Sequence[AptSource], codename: str | None) -> AptSource | None:
    """Choose the entry of Debian's main archive: not security, not a third-party repository.

    Third-party repositories (Docker, PostgreSQL, PHP...) often reuse the host's codename, so a suite
    match alone is not enough: an entry signed with Debian's archive keyring and carrying ``main``
    wins.  Ties go to the first entry, as apt reads them.
    """
    known = DEBIAN_SUITES | ({codename} if codename else set())

    def score(source: AptSource) -> int:
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


def follow_mirror_list(uri: str) -> str:
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


def keyring(signed_by: str | None) -> Path | None:
    """The keyring to verify sid against: the host entry's own, else Debian's archive keyring.

    sid is signed with the same archive keys as stable, so the keyring that verifies this machine's
    Debian entries verifies sid too; verification is never switched off.  None (no ``signed-by``)
    falls back to apt's global trusted keys.
    """
    for candidate in (signed_by, str(DEBIAN_KEYRING)):
        if candidate and candidate.startswith("/") and Path(candidate).is_file():
            return Path(candidate)
    return None


class PrivateApt:
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
        acquire = [line for line in host.stdout.splitlines() if line.startswith(HOST_SETTINGS)]
        return "\n".join(
            [
                "// Written by dbintegrity.engines.mysql.provision: apt confined to this directory.",
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
        return run_command([tool, *self.options, *args], what=what, fix=fix, env=self.env, timeout=timeout)

    def update(self) -> None:
        """Fetch sid's lists; failures here are network, mirror or signature problems."""
        cmd = ["apt-get", *self.options, "update"]
        proc = run_command(cmd, what=f"apt-get update of Debian {self.suite}", fix="", env=self.env, timeout=900,
                           check=False)
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
        raise ProvisionError(command_failure(f"apt-get update of Debian {self.suite}", cmd, self.env, proc, fix))

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
            fix=f"sid may be in the middle of a library transition: retry in a few hours, or {OTHER_PROVIDERS}",
            timeout=1800,
        )
        debs = sorted(self.archives.glob("*.deb"))
        if not debs:
            raise ProvisionError(f"apt-get downloaded nothing into {self.archives}; re-run with --force")
        return debs


def clean_downloads(apt: PrivateApt) -> None:
    """Delete what a re-run does not need.

    The .debs (about 65 MB) are gone once extracted, and the binary caches (``*.bin``, about 100 MB)
    are rebuilt in a second.  The lists (about 25 MB, compressed) are kept: a ``--force`` re-run then
    sends conditional requests and fetches only what changed, and ``apt-cache policy`` under the same
    options can still explain what was resolved.
    """
    for path in [*apt.archives.glob("*.deb"), *apt.cache.glob("*.bin")]:
        with contextlib.suppress(OSError):
            path.unlink()


def require_tools() -> None:
    missing = [tool for tool in ("apt-get", "apt-cache", "apt-config", "dpkg") if shutil.which(tool) is None]
    if missing:
        raise ProvisionError(
            f"{', '.join(missing)} not found on PATH: provisioning from Debian needs a Debian-based "
            f"machine; {OTHER_PROVIDERS}"
        )


@contextlib.contextmanager
def locked(path: Path, log: Callable[[str], None], label: str = "mysql") -> Iterator[None]:
    """Hold an exclusive lock on ``path``; tell the user if we have to wait for another run."""

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


def run_command(
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
            f"{what} failed: `{display_command(cmd, env)}` did not finish within {timeout:.0f}s; fix: {fix}"
        ) from None
    if check and proc.returncode != 0:
        raise ProvisionError(command_failure(what, cmd, env, proc, fix))
    return proc


def command_failure(
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
    return f"{what} failed (exit {proc.returncode}): `{display_command(cmd, env)}`: {detail}; fix: {fix}"


def display_command(cmd: Sequence[str], env: Mapping[str, str] | None) -> str:
    """The command as a user can paste it, including the private APT_CONFIG it depends on."""
    prefix = f"APT_CONFIG={shlex.quote(env['APT_CONFIG'])} " if env and "APT_CONFIG" in env else ""
    return prefix + shlex.join(cmd)


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write via a temporary file and rename, so a reader never sees half a stamp."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def megabytes(paths: Sequence[Path]) -> int:
    return round(sum(path.stat().st_size for path in paths) / 1_000_000)
