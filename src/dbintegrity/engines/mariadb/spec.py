"""MariaDB, declared: an engine of its own that reads a pack's ``mysql/`` folder when it has no ``mariadb/``."""

from __future__ import annotations

from dbintegrity.engines.mysql.spec import MYSQL_SPLIT_RULES
from dbintegrity.engines.spec import EngineSpec, Line

SPEC = EngineSpec(
    name="mariadb",
    title="MariaDB",
    image_recipe="dbintegrity.engines.mariadb.image:RECIPE",
    engine_class="dbintegrity.engines.mariadb:MariaDBEngine",
    sqlglot_dialect="mysql",  # sqlglot has no MariaDB dialect; its MySQL one reads what packs use
    dialect_dirs=("mariadb", "mysql"),
    split_rules=MYSQL_SPLIT_RULES,
    url_schemes=("mariadb", "mysql", "mariadb+pymysql", "mysql+pymysql"),
    url_example="mariadb://root:pw@127.0.0.1:3306",
    default_port=3306,
    default_image="mariadb:11.8",
    lines=(
        Line("10.11", "mariadb:10.11", "Debian 12's MariaDB in .engines/mariadb-10.11 (dbintegrity provision mariadb)"),
        Line("11.8", "mariadb:11.8", "Debian sid's MariaDB in .engines/mariadb-11.8 (dbintegrity provision mariadb)"),
    ),
    server_options_example="--lower-case-table-names=1",
    bin_help="root of provisioned MariaDB binaries (default: the newest .engines/mariadb-*/root)",
    regexp_follows_collation=True,
)
