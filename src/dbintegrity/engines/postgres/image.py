"""PostgreSQL's local Docker image (``dbintegrity images build postgres@18``): Debian's packages of a line.

Built from the closure of ``postgresql-<line>`` (15 from this machine's Debian 12, 18 from sid), not from
the local provider's binaries, so the image does not depend on what the host has installed; the
entrypoint keeps the official ``postgres`` image's environment contract.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.servers.images import BUSYBOX, NEVER_USED, SYSTEM_PATH, ImageError, Recipe, fetch_packages, fresh

HERE = Path(__file__).parent
SUITES = {"15": None, "18": "sid"}
"""Where each PostgreSQL line's packages come from: Debian 12 (this machine's release) has 15, sid has 18."""


def root(cfg: Config, work: Path, line: str, log: Callable[[str], None]) -> tuple[Path, str, dict[str, str]]:
    """The unpacked closure of ``postgresql-<line>`` plus busybox, and the image environment it needs."""
    if line not in SUITES:
        raise ImageError(f"no Debian source known for PostgreSQL {line} (known: {', '.join(SUITES)})")
    package = f"postgresql-{line}"
    out = fresh(work / f"postgres-{line}-root")
    versions = fetch_packages(work, SUITES[line], [package, BUSYBOX], out, log)
    version = versions.get(package, line)
    bindir = f"/usr/lib/postgresql/{line}/bin"
    if not (out / bindir.lstrip("/") / "postgres").is_file():
        raise ImageError(f"the {package} packages have no {bindir}/postgres; Debian may have reorganised them")
    return out, version, {"PG_MAJOR": line, "PG_VERSION": version, "PATH": f"{bindir}:{SYSTEM_PATH}",
                          "PGDATA": "/var/lib/postgresql/data"}


RECIPE = Recipe(root, ("15", "18"), HERE / "postgres-entrypoint.sh", "postgres", 5432, "postgres",
                "/var/lib/postgresql/data",
                (*NEVER_USED, "usr/lib/x86_64-linux-gnu/libLLVM*", "usr/lib/x86_64-linux-gnu/libz3*",
                 "usr/lib/postgresql/*/lib/llvmjit*", "usr/lib/postgresql/*/lib/bitcode"))
