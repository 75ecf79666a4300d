# Shared by the MySQL and MariaDB entrypoints (sourced): quoting, the accounts the official images make,
# the wait for the temporary server, and /docker-entrypoint-initdb.d.  The entrypoint defines client()
# (its command-line client on the socket, as root) and sets ROOT_PASSWORD, ROOT_HOST, DATABASE, USER_NAME
# and USER_PASSWORD from its own environment names.
sql_string() { printf "'%s'" "$(printf %s "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
sql_name() { printf '`%s`' "$(printf %s "$1" | sed -e 's/`/``/g')"; }

wait_for_temporary_server() {
  i=0
  until client -e "SELECT 1" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "error: temporary server did not start" >&2; exit 1; }
    kill -0 "$1" || { echo "error: temporary server died" >&2; exit 1; }
    sleep 0.1
  done
}

accounts_sql() {
  pw=$(sql_string "$ROOT_PASSWORD")
  echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $pw;"
  if [ "$ROOT_HOST" != localhost ]; then
    echo "CREATE USER 'root'@$(sql_string "$ROOT_HOST") IDENTIFIED BY $pw;"
    echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$ROOT_HOST") WITH GRANT OPTION;"
  fi
  if [ -n "$DATABASE" ]; then
    echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$DATABASE");"
  fi
  if [ -n "$USER_NAME" ] && [ "$USER_NAME" != root ]; then
    echo "CREATE USER $(sql_string "$USER_NAME")@'%' IDENTIFIED BY $(sql_string "$USER_PASSWORD");"
    if [ -n "$DATABASE" ]; then
      echo "GRANT ALL ON $(sql_name "$DATABASE").* TO $(sql_string "$USER_NAME")@'%';"
    fi
  fi
  echo "FLUSH PRIVILEGES;"
}

run_initdb() {
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; client --password="$ROOT_PASSWORD" ${DATABASE:+"$DATABASE"} <"$f" ;;
      *.sql.gz) echo "running $f"; gunzip -c "$f" | client --password="$ROOT_PASSWORD" ${DATABASE:+"$DATABASE"} ;;
    esac
  done
}
