#!/bin/sh
# Entrypoint of dbintegrity's MariaDB image (built by `dbintegrity images build`, no registry needed).
# It keeps the official mariadb image's contract, so Testcontainers' MySqlContainer starts it unchanged:
# MARIADB_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD), MARIADB_ROOT_HOST, MARIADB_DATABASE,
# MARIADB_USER and MARIADB_PASSWORD, each also read under its MYSQL_* name as the official image does;
# /docker-entrypoint-initdb.d/*.sql and *.sh run once against a temporary server without networking,
# which logs "ready for connections" a first time; the real server logs it again.
# The system tables are made by feeding their SQL to `mariadbd --bootstrap` (mariadb-install-db is a
# perl-free shell script on some versions, a perl one on others: not relied on).
set -eu
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
case "${1:-mariadbd}" in
  mariadbd|mysqld|-*) ;;
  *) exec "$@" ;;
esac
case "${1:-}" in mariadbd|mysqld) shift ;; esac
ROOT_PASSWORD=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
ALLOW_EMPTY=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
ROOT_HOST=${MARIADB_ROOT_HOST:-${MYSQL_ROOT_HOST:-%}}
DATABASE=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
USER_NAME=${MARIADB_USER:-${MYSQL_USER:-}}
USER_PASSWORD=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
if [ -d /usr/share/mariadb ]; then SHARE=/usr/share/mariadb; PREFIX=mariadb; else SHARE=/usr/share/mysql; PREFIX=mysql; fi
FLAGS="--no-defaults --user=root --datadir=$DATADIR --basedir=/usr --lc-messages-dir=$SHARE
  --character-sets-dir=$SHARE/charsets --plugin-dir=/usr/lib/mysql/plugin --skip-name-resolve
  --socket=$SOCKET --pid-file=/run/mysqld/mysqld.pid --character-set-server=utf8mb4
  --collation-server=utf8mb4_unicode_ci --local-infile=1 --skip-log-bin"
client() { mariadb --no-defaults --socket="$SOCKET" -uroot "$@"; }
. /usr/local/lib/dbintegrity/mysql-family-lib.sh
mkdir -p /run/mysqld "$DATADIR"
if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "$ROOT_PASSWORD" ] && [ -z "$ALLOW_EMPTY" ]; then
    echo "error: database is uninitialized and password option is not specified" >&2
    echo "  You need to specify MARIADB_ROOT_PASSWORD or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" >&2
    exit 1
  fi
  echo "Initializing database files"
  {
    printf '%s\n' "create database if not exists mysql;" "use mysql;" "SET @auth_root_socket=NULL;"
    cat "$SHARE/${PREFIX}_system_tables.sql" "$SHARE/${PREFIX}_performance_tables.sql" \
        "$SHARE/${PREFIX}_system_tables_data.sql"
  } | {
    # shellcheck disable=SC2086
    mariadbd $FLAGS --bootstrap --log-warnings=0 --enforce-storage-engine= --max_allowed_packet=8M
  }
  # shellcheck disable=SC2086
  mariadbd $FLAGS --skip-networking "$@" &
  temp=$!
  wait_for_temporary_server "$temp"
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # --bootstrap made root and anonymous accounts for every local host name: keep root@localhost only
    echo "DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host NOT IN ('localhost'));"
    echo "FLUSH PRIVILEGES;"
    accounts_sql
  } | client
  run_initdb
  kill -TERM "$temp"
  wait "$temp" || true
  echo "MariaDB init process done. Ready for start up."
fi
# shellcheck disable=SC2086
exec mariadbd $FLAGS --bind-address=0.0.0.0 --port=3306 "$@"
