#!/usr/bin/env bash
# `make prod-stop`: stops what scripts/prod.sh started (the processes named in var/prod/pids), nothing else.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN=${PROD_VAR:-$PWD/var}/prod
NGINX=${NGINX:-/usr/sbin/nginx}
[ -f "$RUN/pids" ] || { echo "nothing to stop (no var/prod/pids)"; exit 0; }
as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pid() {  # TERM, up to 20 s for a graceful end, then KILL
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "pid $pid did not stop in 20 s: killed" >&2
  kill -KILL "$pid" 2>/dev/null || true
}
# The front first (no new requests), then the app, the worker and the loop, the database last.
if grep -q '^nginx ' "$RUN/pids"; then
  "$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/log/nginx-error.log" -s quit 2>/dev/null
  pid=$(cat "$RUN/nginx/nginx.pid" 2>/dev/null || true); [ -n "$pid" ] && stop_pid "$pid"
fi
while read -r name pidfile; do
  case $name in
    gunicorn*|worker|periodic)
      pid=$(cat "$pidfile" 2>/dev/null || true)
      t=$SECONDS; [ -n "$pid" ] && stop_pid "$pid"; rm -f "$pidfile"
      echo "$name stopped ($((SECONDS - t)) s)" ;;
  esac
done < "$RUN/pids"
read -r _ pg_ctl pgdata < <(grep '^postgres ' "$RUN/pids" || true)
if [ -n "${pg_ctl:-}" ]; then t=$SECONDS; as_pg "$pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null || true; echo "postgres stopped ($((SECONDS - t)) s)"; fi
read -r _ uploads < <(grep '^uploads ' "$RUN/pids" || true)
if [ -n "${uploads:-}" ] && mountpoint -q "$uploads"; then umount "$uploads" && echo "uploads volume unmounted ($uploads)"; fi
rm -f "$RUN/pids"
echo "stopped"
