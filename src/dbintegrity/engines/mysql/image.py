"""MySQL's local Docker image (``dbintegrity images build mysql``): the provisioned root, busybox, an entrypoint.

The root is the one ``dbintegrity provision mysql`` fetched from Debian sid (glibc included), copied so
the local provider's original stays; the entrypoint keeps the official image's environment contract, so
Testcontainers' ``MySqlContainer`` starts it unchanged.  The shell library is shared with MariaDB's image.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.servers.images import BUSYBOX, NEVER_USED, ImageError, Recipe, fetch_packages, fresh

HERE = Path(__file__).parent
FAMILY_LIBRARY = HERE / "mysql-family-lib.sh"
"""Shell functions both MySQL-family entrypoints source (initialising the data directory, the root user)."""


def root(cfg: Config, work: Path, line: str, log: Callable[[str], None]) -> tuple[Path, str, dict[str, str]]:
    """The provisioned MySQL root (sid's closure, glibc included) plus busybox, copied: the original stays."""
    from dbintegrity.engines.mysql.local import root_of
    from dbintegrity.engines.mysql.provision import provision_mysql
    from dbintegrity.servers.debian import ProvisionError

    try:
        bins = provision_mysql(root_of(cfg).parent, log=log)
    except ProvisionError as exc:
        raise ImageError(str(exc)) from None
    if not bins.version.startswith(line):
        raise ImageError(f"the provisioned MySQL is {bins.version}, not {line}: no image of that line can be built")
    out = fresh(work / "mysql-root")
    shutil.copytree(bins.root, out, symlinks=True)
    fetch_packages(work, None, [BUSYBOX], out, log)
    return out, bins.version, {"MYSQL_VERSION": bins.version, "MYSQL_MAJOR": line}


RECIPE = Recipe(
    root, ("9.7",), HERE / "mysql-entrypoint.sh", "mysqld", 3306, None, "/var/lib/mysql",
    (*NEVER_USED, "usr/bin/mysql[a-z]*", "usr/bin/myisam*", "usr/bin/ibd2sdi", "usr/bin/innochecksum", "usr/bin/perror",
     "usr/bin/mysql_*", "usr/sbin/mysqld-debug", ".dbintegrity-provisioned.json"),
    FAMILY_LIBRARY,
    keep=("usr/bin/mysqladmin", "usr/bin/mysqldump", "usr/bin/mysql_tzinfo_to_sql"),
)
