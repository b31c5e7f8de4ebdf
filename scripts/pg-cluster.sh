#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for development and tests, from Debian's `postgresql` package.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb DIR (if new), start it, print its DATABASE_URL
#   scripts/pg-cluster.sh stop DIR           stop it (fast shutdown); DIR is kept
#   scripts/pg-cluster.sh destroy DIR        stop it and delete DIR
#
# PostgreSQL refuses to run as root, so under root the cluster belongs to the package's own
# `postgres` user (created by Debian's postgresql-common) and every command runs as that user.
# The cluster listens on 127.0.0.1:PORT and on a socket in DIR only, trusts local connections
# (it holds test data only) and keeps the settings every acknowledgement relies on:
# fsync=on, synchronous_commit=on, full_page_writes=on.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
port=${3:-55432}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|destroy DIR [PORT]" >&2
  exit 64
fi

bindir=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then bindir=$candidate; fi
done
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql (Debian's package)" >&2
  exit 69
fi

as_owner() {
  # From /: the postgres user may not be allowed into the caller's working folder.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"; chmod 700 "$dir"
      # Every folder above DIR must let the postgres user through (mktemp -d makes 0700 ones).
      if ! runuser -u postgres -- test -x "$dir"; then
        echo "The postgres user cannot reach $dir: a folder above it is closed to other users" >&2
        echo "(mktemp -d makes 0700 folders). Put the cluster under /tmp/NAME, or chmod o+x the" >&2
        echo "folders above it." >&2
        exit 1
      fi
    fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      log=$(mktemp)
      as_owner "$bindir/initdb" -D "$dir" -U jiangxing --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
      rm -f "$log"
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
         -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "postgres://jiangxing@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir" -m fast -w stop >/dev/null; fi
    ;;
  destroy)
    if [ -f "$dir/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|destroy DIR [PORT]" >&2
    exit 64
    ;;
esac
