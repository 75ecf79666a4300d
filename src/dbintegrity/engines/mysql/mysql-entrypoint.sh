#!/bin/sh
# Entrypoint of dbintegrity's MySQL image (built by `dbintegrity images build`, no registry needed).
# It keeps the official mysql image's contract, so Testcontainers' MySqlContainer starts it unchanged:
# MYSQL_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD), MYSQL_ROOT_HOST, MYSQL_DATABASE, MYSQL_USER and
# MYSQL_PASSWORD; /docker-entrypoint-initdb.d/*.sql and *.sh run once against a temporary server
# without networking, which logs "ready for connections" a first time; the real server logs it again.
set -eu
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
case "${1:-mysqld}" in
  mysqld|-*) ;;
  *) exec "$@" ;;
esac
[ "${1:-}" = mysqld ] && shift
FLAGS="--no-defaults --user=root --datadir=$DATADIR --basedir=/usr --lc-messages-dir=/usr/share/mysql
  --character-sets-dir=/usr/share/mysql/charsets --plugin-dir=/usr/lib/mysql/plugin --secure-file-priv=NULL
  --mysqlx=OFF --skip-name-resolve --socket=$SOCKET --pid-file=/run/mysqld/mysqld.pid
  --character-set-server=utf8mb4 --local-infile=1"
ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:-}
ROOT_HOST=${MYSQL_ROOT_HOST:-%}
DATABASE=${MYSQL_DATABASE:-}
USER_NAME=${MYSQL_USER:-}
USER_PASSWORD=${MYSQL_PASSWORD:-}
client() { mysql --no-defaults --socket="$SOCKET" -uroot "$@"; }
. /usr/local/lib/dbintegrity/mysql-family-lib.sh
mkdir -p /run/mysqld "$DATADIR"
if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "$ROOT_PASSWORD" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ]; then
    echo "error: database is uninitialized and password option is not specified" >&2
    echo "  You need to specify MYSQL_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD" >&2
    exit 1
  fi
  echo "Initializing database files"
  # shellcheck disable=SC2086
  mysqld $FLAGS --initialize-insecure --skip-log-bin
  # shellcheck disable=SC2086
  mysqld $FLAGS --skip-networking "$@" &
  temp=$!
  wait_for_temporary_server "$temp"
  { echo "SET @@SESSION.SQL_LOG_BIN=0;"; accounts_sql; } | client
  run_initdb
  kill -TERM "$temp"
  wait "$temp" || true
  echo "MySQL init process done. Ready for start up."
fi
# shellcheck disable=SC2086
exec mysqld $FLAGS --bind-address=* --port=3306 "$@"
