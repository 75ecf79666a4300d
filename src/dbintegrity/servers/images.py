"""Local Docker images of the engines, built from Debian packages with no registry (``dbintegrity images build``).

Why: a Docker engine without registry access (a laptop on a train, a CI runner behind a proxy, these
machines) cannot pull ``mysql:8.4`` or ``postgres:17``, so the docker provider had nothing to start.  Each
image here is a root file system made of Debian packages unpacked with ``dpkg -x`` (MySQL: the private
root ``dbintegrity provision mysql`` already fetched from sid, glibc included; PostgreSQL: the closure of
``postgresql-15`` from this machine's own Debian release), plus busybox for a shell and an entrypoint
that keeps the official images' environment contract, imported with ``docker import``.  So
Testcontainers' own ``MySqlContainer`` and ``PostgresContainer`` start them unchanged, with their standard
wait strategies (two "ready for connections" log lines; ``psql --host 127.0.0.1`` inside the container).

The images are tagged ``dbintegrity/<engine>:<major>`` (:data:`REPOSITORY`); the docker provider looks for
them when the configured official image is neither present nor pullable (see providers/docker.py).  What goes
into each engine's image is its own folder's business (``engines/<name>/image.py``, named by the spec's
``image_recipe``); this module lays any root out as a system and imports it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dbintegrity.config import Config
from dbintegrity.errors import DbIntegrityError

REPOSITORY = "dbintegrity/{engine}"
"""Repository of the locally built image of an engine; the tag is the engine's major version."""
LABEL_PREFIX = "dbintegrity/"
BUSYBOX = "busybox-static"
# Applets the entrypoints and Testcontainers' exec wait use, linked to busybox under /bin.
_APPLETS = ("sh", "sed", "mkdir", "chmod", "rm", "cat", "sleep", "kill", "mktemp", "printf", "echo", "ls",
            "gunzip", "env", "id", "true", "false", "test", "[", "ps", "tail")
_LIBRARY_PATH = "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu"
"""No ld.so.cache in an imported root: the loader is told where the multiarch libraries are."""
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class ImageError(DbIntegrityError):
    """An image could not be built; the message says what failed and what to do."""


@dataclass(frozen=True)
class Built:
    engine: str
    image: str
    version: str
    seconds: float
    megabytes: int


def local_image(name: str, client: Any, version: str | None = None) -> str | None:
    """The locally built image of engine ``name`` for version line ``version`` (``dbintegrity/mysql:9.7``),
    or the newest one when no line is asked for; None if there is none."""
    repo = REPOSITORY.format(engine=name)
    tags = [t for image in client.images.list(name=repo) for t in image.tags if t.startswith(f"{repo}:")]
    if version is not None:
        tags = [t for t in tags if t == f"{repo}:{version}"]
    if not tags:
        return None
    newest: str = max(tags, key=lambda t: [int(p) if p.isdigit() else 0 for p in re.split(r"[.:]", t.rsplit(":", 1)[1])])
    return newest


def buildable(name: str, version: str | None) -> bool:
    """Whether ``images build`` has a recipe for engine ``name`` (and version line ``version``)."""
    recipe = _recipes().get(name)
    return recipe is not None and (version is None or version in recipe.lines)


def build(cfg: Config, engines: Sequence[str], *, force: bool = False,
          log: Callable[[str], None] = print) -> list[Built]:
    """Build the local image of each engine key in ``engines`` (``mysql``, ``postgres@18``); images already
    there are kept unless ``force``."""
    from dbintegrity.engines import get_engine

    client = _client()
    out = []
    work = cfg.engines_dir.absolute() / "images"
    for key in engines:
        eng = get_engine(key)
        name, line = eng.spec.name, eng.line.version if eng.line is not None else None
        recipe = _recipes().get(name)
        if recipe is None or not buildable(name, line):
            known = ", ".join(f"{n}@{v}" for n, r in _recipes().items() for v in r.lines)
            raise ImageError(f"no local image recipe for {key} (there are: {known}); use --provider local, or an "
                             f"official image where a registry is reachable")
        started = time.perf_counter()
        existing = local_image(name, client, line or recipe.default_line)
        if existing and not force:
            log(f"{key}: {existing} is present (rebuild with --force)")
            continue
        old_id = client.images.get(existing).id if existing else None
        root, version, extra_env = recipe.root(cfg, work, line or recipe.default_line, log)
        image = f"{REPOSITORY.format(engine=name)}:{line or recipe.default_line}"
        log(f"{key}: importing {root} as {image}")
        megabytes = _import(client, recipe, root, image, extra_env)
        if old_id is not None and client.images.get(image).id != old_id:
            with contextlib.suppress(Exception):  # the replaced image, now untagged (kept while a container uses it)
                client.images.remove(old_id)
        out.append(Built(key, image, version, time.perf_counter() - started, megabytes))
        log(f"{key}: {image} ({version}, {megabytes} MB) built in {out[-1].seconds:.1f} s")
    return out


def _client() -> Any:
    from dbintegrity.servers.providers.docker import client_or_reason

    client, reason = client_or_reason()
    if client is None:
        raise ImageError(f"cannot build images: {reason}; start a Docker engine (or set DOCKER_HOST) and retry")
    return client


# -- root file systems -----------------------------------------------------------------------------------

def _apt(work: Path, suite: str | None) -> Any:
    """Private apt on this machine's Debian mirror, for ``suite`` (None: this machine's own release)."""
    from dbintegrity.servers import debian as deb

    suite = suite or deb.codename()
    if suite is None:
        raise ImageError(f"cannot tell this machine's Debian release ({deb.OS_RELEASE} has no VERSION_CODENAME)")
    try:
        uri, signed_by, _ = deb.choose_mirror(None)
        apt = deb.PrivateApt(work / f"apt-{suite}", uri=uri, signed_by=signed_by, suite=suite)
        apt.update()
    except deb.ProvisionError as exc:
        raise ImageError(str(exc)) from None
    return apt


def fetch_packages(work: Path, suite: str | None, packages: Sequence[str], into: Path,
           log: Callable[[str], None]) -> dict[str, str]:
    """Download ``packages`` with their whole closure and ``dpkg -x`` them into ``into``; return versions."""
    from dbintegrity.servers import debian as deb

    apt = _apt(work, suite)
    log(f"downloading {' '.join(packages)} and their dependency closure from Debian {apt.suite}")
    try:
        debs = apt.download(packages)
        for path in debs:
            deb.run_command(["dpkg", "-x", str(path), str(into)], what=f"unpacking {path.name}",
                     fix="check free disk space and retry", timeout=300)
    except deb.ProvisionError as exc:
        raise ImageError(str(exc)) from None
    versions = {p.stem.partition("_")[0]: unquote(p.stem.partition("_")[2].rpartition("_")[0]) for p in debs}
    deb.clean_downloads(apt)
    return versions


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _recipes() -> dict[str, Recipe]:
    """Each engine's recipe, named by its spec (``image_recipe``): the image of an engine is its own folder's business."""
    import importlib

    from dbintegrity.engines import specs

    out: dict[str, Recipe] = {}
    for s in specs():
        if s.image_recipe:
            module, _, attr = s.image_recipe.partition(":")
            out[s.name] = getattr(importlib.import_module(module), attr)
    return out


# -- the image ------------------------------------------------------------------------------------------

RootBuilder = Callable[[Config, Path, str, Callable[[str], None]], tuple[Path, str, dict[str, str]]]


@dataclass(frozen=True)
class Recipe:
    root: RootBuilder
    """Builds the root file system of a version line: (root, version it holds, image environment)."""
    lines: tuple[str, ...]
    """Version lines it can build, the default (what a key without ``@version`` builds) first."""
    entrypoint: Path
    """The image's ``docker-entrypoint.sh``: a file in the engine's folder, keeping the official image's contract."""

    @property
    def default_line(self) -> str:
        return self.lines[0]
    cmd: str
    port: int
    user: str | None
    """The unprivileged account the server runs as (PostgreSQL refuses root), created with uid/gid 999."""
    data_dir: str
    prune: tuple[str, ...] = ()
    """Parts of the packages' closure a server never uses, left out: with the vfs storage driver every
    container starts with a full copy of its image, so size is start time (measured: 392 MB, 18 s)."""
    library: Path | None = None
    """A file of shell functions the entrypoint sources (the MySQL family shares one)."""
    keep: tuple[str, ...] = ()
    """Paths a pruning pattern matches that the image still uses (the entrypoint pings with mysqladmin)."""


NEVER_USED = ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/lintian",
               "usr/share/perl*", "usr/lib/x86_64-linux-gnu/perl*", "usr/lib/x86_64-linux-gnu/libperl*",
               "usr/bin/perl*", "usr/lib/x86_64-linux-gnu/gconv", "var/cache", "var/lib/dpkg")
def _import(client: Any, recipe: Recipe, root: Path, image: str, extra_env: dict[str, str]) -> int:
    """Lay the root out as a system (merged /usr, busybox, accounts, entrypoint) and ``docker import`` it."""
    _lay_out(root, recipe)
    env = {"PATH": SYSTEM_PATH, "LD_LIBRARY_PATH": _LIBRARY_PATH, "LANG": "C.UTF-8", **extra_env}
    changes = [f"ENV {k}={v}" for k, v in env.items()]
    changes += ['ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]', f'CMD ["{recipe.cmd}"]',
                f"EXPOSE {recipe.port}", f"VOLUME {recipe.data_dir}"]
    if recipe.user:
        changes.append(f"USER {recipe.user}")
    with _tarball(root, recipe) as (tar_path, megabytes):
        repository, tag = image.rsplit(":", 1)
        try:
            client.api.import_image_from_file(str(tar_path), repository=repository, tag=tag, changes=changes)
        except Exception as exc:
            raise ImageError(f"docker import of {image} failed: {' '.join(str(exc).split())[:300]}") from None
    try:
        client.images.get(image)
    except Exception as exc:
        raise ImageError(f"docker import reported success but {image} is not there ({exc})") from None
    shutil.rmtree(root, ignore_errors=True)
    return megabytes


def _lay_out(root: Path, recipe: Recipe) -> None:
    for pattern in recipe.prune:
        for path in root.glob(pattern):
            if str(path.relative_to(root)) in recipe.keep:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    for link, target in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")):
        if not (root / link).exists() and not (root / link).is_symlink() and (root / target).is_dir():
            (root / link).symlink_to(target)
    busybox = next((p for p in (root / "usr/bin/busybox", root / "bin/busybox") if p.is_file()), None)
    if busybox is None:
        raise ImageError(f"{BUSYBOX} did not unpack a busybox binary into {root}")
    inside = "/" + str(busybox.relative_to(root))
    for bindir in (root / "bin", root / "usr/bin"):  # bookworm's packages are not /usr-merged, sid's are
        if bindir.is_dir() and not bindir.is_symlink():
            for applet in _APPLETS:
                if not (bindir / applet).exists() and not (bindir / applet).is_symlink():
                    (bindir / applet).symlink_to(inside)
    local_bin = root / "usr/local/bin"
    local_bin.mkdir(parents=True, exist_ok=True)
    shutil.copy(recipe.entrypoint, local_bin / "docker-entrypoint.sh")
    (local_bin / "docker-entrypoint.sh").chmod(0o755)
    if recipe.library:  # shell functions the entrypoint sources
        (root / "usr/local/lib/dbintegrity").mkdir(parents=True, exist_ok=True)
        shutil.copy(recipe.library, root / "usr/local/lib/dbintegrity" / recipe.library.name)
    etc = root / "etc"
    etc.mkdir(exist_ok=True)
    passwd = "root:x:0:0:root:/root:/bin/sh\n"
    group = "root:x:0:\n"
    if recipe.user:
        passwd += f"{recipe.user}:x:999:999:{recipe.user}:/var/lib/{recipe.user}:/bin/sh\n"
        group += f"{recipe.user}:x:999:\n"
    (etc / "passwd").write_text(passwd, encoding="utf-8")
    (etc / "group").write_text(group, encoding="utf-8")
    for d in ("tmp", "root", "run", "var/run", "docker-entrypoint-initdb.d", recipe.data_dir.lstrip("/")):
        (root / d).mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def _tarball(root: Path, recipe: Recipe) -> Iterator[tuple[Path, int]]:
    """The root as a tar file; the data dir, run dir and /tmp belong to the server's account."""
    owned = {"tmp", "run", "var/run", "var/run/postgresql", "docker-entrypoint-initdb.d"}
    data = recipe.data_dir.lstrip("/")
    parts = data.split("/")
    owned |= {"/".join(parts[:i]) for i in range(2, len(parts) + 1)}

    def owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
        name = info.name.removeprefix("./")
        info.uid = info.gid = 999 if recipe.user and name in owned else 0
        info.uname = info.gname = ""
        if name in ("tmp",):
            info.mode = 0o1777
        return info

    if recipe.user:
        (root / "var/run/postgresql").mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"dbintegrity-{os.getpid()}-image-", suffix=".tar", dir=root.parent)
    os.close(fd)
    path = Path(name)
    try:
        with tarfile.open(path, "w") as tar:
            for entry in sorted(root.iterdir()):
                tar.add(entry, arcname=entry.name, filter=owner)
        yield path, path.stat().st_size // 1_000_000
    finally:
        path.unlink(missing_ok=True)
