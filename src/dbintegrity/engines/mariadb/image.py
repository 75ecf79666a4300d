"""MariaDB's local Docker image (``dbintegrity images build mariadb@10.11``): the provisioned root of a line.

10.11 comes from Debian 12's packages and 11.8 from sid's (glibc included either way), as the local
provider provisions them; the entrypoint keeps the official ``mariadb`` image's environment contract and
shares MySQL's shell library.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from dbintegrity.config import Config
from dbintegrity.engines.mysql.image import FAMILY_LIBRARY
from dbintegrity.servers.images import BUSYBOX, NEVER_USED, ImageError, Recipe, fetch_packages, fresh

HERE = Path(__file__).parent


def root(cfg: Config, work: Path, line: str, log: Callable[[str], None]) -> tuple[Path, str, dict[str, str]]:
    """The provisioned MariaDB root of ``line`` plus busybox, copied: the original stays."""
    from dbintegrity.engines import spec
    from dbintegrity.engines.mariadb import local
    from dbintegrity.servers.debian import ProvisionError

    chosen = spec("mariadb").line(line)
    if chosen is None:
        raise ImageError(f"no MariaDB line {line} (known: {', '.join(ln.version for ln in spec('mariadb').lines)})")
    try:
        bins = local.provision(cfg, chosen, force=False, log=log)
    except ProvisionError as exc:
        raise ImageError(str(exc)) from None
    out = fresh(work / f"mariadb-{line}-root")
    shutil.copytree(bins.root, out, symlinks=True)
    fetch_packages(work, None, [BUSYBOX], out, log)
    return out, bins.version, {"MARIADB_VERSION": bins.version, "MARIADB_MAJOR": line}


RECIPE = Recipe(root, ("11.8", "10.11"), HERE / "mariadb-entrypoint.sh", "mariadbd", 3306, None, "/var/lib/mysql",
                (*NEVER_USED, ".dbintegrity-provisioned.json"), FAMILY_LIBRARY)
