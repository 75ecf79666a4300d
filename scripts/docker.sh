#!/usr/bin/env bash
# A Docker engine for the docker-provider tests, and the engine images they start, on a machine that has
# neither: `./scripts/docker.sh start` then, when done, `./scripts/docker.sh stop`.
#   start: if no Docker engine answers, installs one from the system's packages (root with apt-get),
#          starts `dockerd` with the vfs storage driver (works inside containers and VMs without overlayfs),
#          waits until it answers, then builds the local image of every engine line from Debian packages
#          (`dbintegrity images build`: no registry needed; official images are used where one answers).
#   stop:  stops only the daemon that `start` started (by its pid), never one that was already running.
# CI runs both (.ci/run); a developer with Docker Desktop or a running dockerd needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."
state=.engines/dockerd
pidfile=$state/dockerd.pid

answers() { docker info >/dev/null 2>&1; }

start() {
  mkdir -p "$state"
  if answers; then
    echo "docker: an engine already answers; using it"
  else
    if ! command -v dockerd >/dev/null 2>&1; then
      if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "docker: no Docker engine answers and dockerd is not installed; install Docker (root: apt-get install docker.io)" >&2
        exit 1
      fi
      echo "docker: installing docker.io from the system's packages"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    fi
    echo "docker: starting dockerd (vfs storage driver; log in $state/dockerd.log)"
    dockerd --storage-driver=vfs --pidfile "$state/dockerd.daemon.pid" >"$state/dockerd.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 120); do
      answers && break
      kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "docker: dockerd exited:" >&2; tail -n 20 "$state/dockerd.log" >&2; exit 1; }
      sleep 0.5
    done
    answers || { echo "docker: dockerd did not answer within 60 s:" >&2; tail -n 20 "$state/dockerd.log" >&2; exit 1; }
    echo "docker: $(docker version --format 'engine {{.Server.Version}}') ready"
  fi
  .venv/bin/dbintegrity images build --engines all
}

stop() {
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  rm -f "$pidfile"
  kill -0 "$pid" 2>/dev/null || return 0
  echo "docker: stopping the dockerd this script started (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
