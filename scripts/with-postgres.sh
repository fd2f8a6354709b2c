#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster (its own data folder, socket and port), then removes it.
# Usage: scripts/with-postgres.sh COMMAND...   (the command sees DATABASE_URL)
# Exit 3 when no PostgreSQL server binaries are installed.
set -euo pipefail
bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bindir=$(pg_config --bindir); fi
if [ -z "$bindir" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "no PostgreSQL server binaries found" >&2
  exit 3
fi
port=${PG_TEST_PORT:-54329}
dir=$(mktemp -d /tmp/shangliang-pg.XXXXXX)
chmod 755 "$dir"
as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
  chown postgres "$dir"
fi
cleanup() {
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$dir/data" -U shangliang --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export DATABASE_URL="postgres://shangliang@/shangliang?host=$dir&port=$port"
"$bindir/createdb" -h "$dir" -p "$port" -U shangliang shangliang
"$@"
