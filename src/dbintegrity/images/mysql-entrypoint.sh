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
sql_string() { printf "'%s'" "$(printf %s "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
sql_name() { printf '`%s`' "$(printf %s "$1" | sed -e 's/`/``/g')"; }
mkdir -p /run/mysqld "$DATADIR"
if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "${MYSQL_ROOT_PASSWORD:-}" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ]; then
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
  i=0
  until mysqladmin --no-defaults --socket="$SOCKET" -uroot ping >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "error: temporary server did not start" >&2; exit 1; }
    kill -0 "$temp" || { echo "error: temporary server died" >&2; exit 1; }
    sleep 0.1
  done
  pw=$(sql_string "${MYSQL_ROOT_PASSWORD:-}")
  roothost=$(sql_string "${MYSQL_ROOT_HOST:-%}")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $pw;"
    if [ "${MYSQL_ROOT_HOST:-%}" != localhost ]; then
      echo "CREATE USER 'root'@$roothost IDENTIFIED BY $pw;"
      echo "GRANT ALL ON *.* TO 'root'@$roothost WITH GRANT OPTION;"
    fi
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$MYSQL_DATABASE");"
    fi
    if [ -n "${MYSQL_USER:-}" ] && [ "${MYSQL_USER}" != root ]; then
      echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "${MYSQL_PASSWORD:-}");"
      if [ -n "${MYSQL_DATABASE:-}" ]; then
        echo "GRANT ALL ON $(sql_name "$MYSQL_DATABASE").* TO $(sql_string "$MYSQL_USER")@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mysql --no-defaults --socket="$SOCKET" -uroot
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; mysql --no-defaults --socket="$SOCKET" -uroot --password="${MYSQL_ROOT_PASSWORD:-}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | mysql --no-defaults --socket="$SOCKET" -uroot --password="${MYSQL_ROOT_PASSWORD:-}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} ;;
    esac
  done
  kill -TERM "$temp"
  wait "$temp" || true
  echo "MySQL init process done. Ready for start up."
fi
# shellcheck disable=SC2086
exec mysqld $FLAGS --bind-address=* --port=3306 "$@"
