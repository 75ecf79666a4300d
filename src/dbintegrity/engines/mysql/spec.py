"""Oracle MySQL, declared: see :mod:`dbintegrity.engines.spec`."""

from __future__ import annotations

from dbintegrity.engines.spec import EngineSpec, Line
from dbintegrity.sqltext.split import SplitRules

_USER_PART = r"(?:`[^`]*`|'[^']*'|\"[^\"]*\"|[\w.$%-]+)"

MYSQL_SPLIT_RULES = SplitRules(
    hash_comments=True, dash_comment_needs_space=True, backslash_escapes=True, backtick_identifiers=True,
    delimiter_directive=True, executable_comments=True, client_commands="source", at_variables=True,
    dump_only_statements=(r"(?:UN)?LOCK\s+TABLES?\b", r"SET\s+@@(?:GLOBAL\.)?GTID_PURGED\b",
                          r"SET\s+@@(?:SESSION\.)?SQL_LOG_BIN\b"),
    dropped_clauses=(rf"\bDEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|{_USER_PART}\s*@\s*{_USER_PART}|{_USER_PART})",),
    client_side_files=r"LOAD\s+(?:XML|DATA)\s+(?:LOW_PRIORITY\s+|CONCURRENT\s+)?LOCAL\s+INFILE\s+('(?:[^'\\]|\\.|'')*')",
)
"""MySQL's client lexer (shared by MariaDB): ``#`` and ``-- `` comments, backslash escapes, ``DELIMITER``,
the client's ``source``; what mysqldump writes for its own server (``LOCK TABLES``, replication state,
``DEFINER=``) is left out, and ``LOAD DATA LOCAL INFILE`` files are the client's to find."""

SPEC = EngineSpec(
    name="mysql",
    title="MySQL",
    image_recipe="dbintegrity.engines.mysql.image:RECIPE",
    engine_class="dbintegrity.engines.mysql:MySQLEngine",
    sqlglot_dialect="mysql",
    dialect_dirs=("mysql",),
    split_rules=MYSQL_SPLIT_RULES,
    url_schemes=("mysql", "mysql+pymysql"),
    url_example="mysql://root:pw@127.0.0.1:3306",
    default_port=3306,
    default_image="mysql:8.4",
    lines=(Line("9.7", "mysql:9.7", "Debian sid's Oracle MySQL in .engines/mysql (dbintegrity provision mysql)"),),
    server_options_example="--lower-case-table-names=1",
    bin_help="root of the provisioned MySQL binaries (default .engines/mysql/root)",
    regexp_follows_collation=True,
)
