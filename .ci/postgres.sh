#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the store tests and prints its URL.
# Debian's `postgresql` package provides the binaries (installed when missing);
# the cluster lives in a temporary directory owned by the `postgres` user,
# listens on loopback only, and trusts local connections (a test server, never
# a deployment: see docs/serve.md for that).
set -euo pipefail
PORT="${REDFLAG_PG_PORT:-54329}"
DIR="${REDFLAG_PG_DIR:-/tmp/redflag-pg}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"
run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  run_as_postgres "$BIN/initdb" -D "$DIR" -U redflag --auth=trust -E UTF8 >/dev/null
fi
if ! run_as_postgres "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  run_as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=on" start >/dev/null
fi
echo "postgres://redflag@127.0.0.1:$PORT/postgres"
