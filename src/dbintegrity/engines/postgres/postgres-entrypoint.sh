#!/bin/sh
# Entrypoint of dbintegrity's PostgreSQL image (built by `dbintegrity images build`, no registry needed).
# It keeps the official postgres image's contract, so Testcontainers' PostgresContainer starts it
# unchanged (it waits with `psql --host 127.0.0.1` inside the container): POSTGRES_PASSWORD (or
# POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER, POSTGRES_DB, POSTGRES_INITDB_ARGS, PGDATA;
# /docker-entrypoint-initdb.d/*.sql and *.sh run once against a temporary server listening on no TCP
# address, so nothing reaches the server before it is set up.  The image runs as the postgres user.
set -eu
case "${1:-postgres}" in
  postgres|-*) ;;
  *) exec "$@" ;;
esac
[ "${1:-}" = postgres ] && shift
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
mkdir -p "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "Error: Database is uninitialized and superuser password is not specified." >&2
    echo "  You must specify POSTGRES_PASSWORD to a non-empty value for the superuser." >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # --no-sync: the cluster is a disposable one (1.6 s of fsync otherwise); pass settings in POSTGRES_INITDB_ARGS
  # shellcheck disable=SC2086
  initdb --no-sync --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$auth" \
    --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w start
  if [ "$db" != postgres ]; then
    echo 'CREATE DATABASE :"db";' | psql -v ON_ERROR_STOP=1 -v db="$db" --username "$user" --dbname postgres -h /var/run/postgresql
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 --username "$user" --dbname "$db" -h /var/run/postgresql -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
exec postgres -c listen_addresses='*' "$@"
