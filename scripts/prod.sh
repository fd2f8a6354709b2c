#!/usr/bin/env bash
# `make prod`: the production stack on this machine, on one port (PORT, default 8080), everything under var/:
#   PostgreSQL (DATABASE_URL, or a cluster of its own in var/pg when unset), migrations, static files, PROD_INSTANCES
#   gunicorn instances of PROD_WORKERS processes each behind nginx, the task worker (db_worker) and the periodic loop
#   (run_periodic --every PERIODIC_SECONDS), with DEBUG=0. Keys are generated once into var/prod/secrets.env (mode 600)
#   unless the environment sets them. `make prod-stop` (scripts/prod-stop.sh) stops exactly what this started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VAR=${PROD_VAR:-$ROOT/var}
RUN=$VAR/prod
PORT=${PORT:-8080}
INSTANCES=${PROD_INSTANCES:-2}
WORKERS=${PROD_WORKERS:-2}
PG_PORT=${PROD_PG_PORT:-54330}
NGINX=${NGINX:-/usr/sbin/nginx}
PY=$ROOT/.venv/bin/python
if [ -e "$RUN/pids" ]; then
  echo "the stack is already running (var/prod/pids); run make prod-stop first" >&2
  exit 1
fi
[ -x "$PY" ] || { echo "run make install first (.venv is missing)" >&2; exit 1; }
[ -x "$NGINX" ] || { echo "nginx is missing (apt-get install nginx, or scripts/ensure-system.sh as root)" >&2; exit 1; }
mkdir -p "$RUN/log" "$RUN/html" "$RUN/nginx"
: > "$RUN/pids"
say() { echo "[prod ${SECONDS}s] $*"; }
as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Keys: generated once, kept (a restart must read what it wrote); the environment wins over the file.
if [ ! -s "$RUN/secrets.env" ]; then
  (umask 077; python3 - > "$RUN/secrets.env" <<'PY'
import secrets
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"FIELD_ENCRYPTION_KEYS=k1:{secrets.token_hex(16)}")
print(f"FIELD_HASH_KEY={secrets.token_hex(32)}")
print(f"AUDIT_KEY={secrets.token_hex(32)}")
print(f"BACKUP_KEY={secrets.token_hex(16)}")
PY
  )
fi
while IFS='=' read -r name value; do
  [ -n "$name" ] && [ -z "${!name:-}" ] && export "$name=$value"
done < "$RUN/secrets.env"

# The production settings (README: "Production").
export DEBUG=0 TASK_BACKEND=database CACHE_BACKEND=database BEHIND_TLS_PROXY=1
# Secure cookies need HTTPS: this stack answers plain HTTP on loopback; behind the TLS front set SECURE_COOKIES=1.
export SECURE_COOKIES=${SECURE_COOKIES:-0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-http://127.0.0.1:$PORT,http://localhost:$PORT}
export DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-600}
export STATIC_ROOT=${STATIC_ROOT:-$VAR/static} BACKUP_DIR=${BACKUP_DIR:-$VAR/backups}
# PROD_UPLOADS_MB: the uploads on a volume of their own of that size (an ext4 image in var/prod/uploads.img,
# loop-mounted; root only), as a county server keeps them apart from the system disk; the disk-full drill needs it.
if [ -n "${PROD_UPLOADS_MB:-}" ]; then
  [ "$(id -u)" = "0" ] || { echo "PROD_UPLOADS_MB needs root (mount -o loop)" >&2; exit 1; }
  export MEDIA_ROOT=${MEDIA_ROOT:-$RUN/uploads}
  mkdir -p "$MEDIA_ROOT"
  if [ ! -f "$RUN/uploads.img" ]; then
    truncate -s "${PROD_UPLOADS_MB}M" "$RUN/uploads.img"
    mkfs.ext4 -q -m 0 "$RUN/uploads.img"
  fi
  mountpoint -q "$MEDIA_ROOT" || mount -o loop "$RUN/uploads.img" "$MEDIA_ROOT"
  echo "uploads $MEDIA_ROOT" >> "$RUN/pids"
  say "uploads on their own ${PROD_UPLOADS_MB} MB volume at $MEDIA_ROOT"
fi
export MEDIA_ROOT=${MEDIA_ROOT:-$VAR/media}
export BACKUP_NIGHTLY=${BACKUP_NIGHTLY:-1}

if [ -z "${DATABASE_URL:-}" ]; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -x "$bindir/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql), or set DATABASE_URL" >&2; exit 1; }
  PG=$VAR/pg
  if [ "$(id -u)" = "0" ]; then id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres; fi
  if [ ! -d "$PG/data" ]; then
    mkdir -p "$PG"
    [ "$(id -u)" = "0" ] && chown postgres "$PG"
    as_pg "$bindir/initdb" -D "$PG/data" -U shangliang --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  mkdir -p "$PG/run" && chmod 700 "$PG/run"
  [ "$(id -u)" = "0" ] && chown postgres "$PG/run"
  as_pg "$bindir/pg_ctl" -D "$PG/data" -l "$PG/postgresql.log" -w \
    -o "-p $PG_PORT -k $PG/run -c listen_addresses='' -c max_connections=100 ${PROD_PG_OPTIONS:-}" start >/dev/null
  say "PostgreSQL in $PG (socket only)"
  echo "postgres $bindir/pg_ctl $PG/data" >> "$RUN/pids"
  export DATABASE_URL="postgres://shangliang@/shangliang?host=$PG/run&port=$PG_PORT"
  as_pg "$bindir/psql" -h "$PG/run" -p "$PG_PORT" -U shangliang -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'shangliang'" | grep -q 1 \
    || as_pg "$bindir/createdb" -h "$PG/run" -p "$PG_PORT" -U shangliang shangliang
fi
# What the processes started below see (make prod-stop and the operator's shell: `set -a; . var/prod/app.env`).
(umask 077; env | grep -E '^(DEBUG|SECURE_COOKIES|TASK_BACKEND|CACHE_BACKEND|BEHIND_TLS_PROXY|ALLOWED_HOSTS|SITE_URL|CSRF_TRUSTED_ORIGINS|DB_CONN_MAX_AGE|STATIC_ROOT|MEDIA_ROOT|BACKUP_DIR|BACKUP_NIGHTLY|DATABASE_URL|RATE_[A-Z_]+|OUTBOX_[A-Z_]+|HEALTH_[A-Z_]+)=' | sed -E "s/^([^=]+)=(.*)$/\1='\2'/" > "$RUN/app.env")

say "migrating"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py createcachetable
say "collecting static files"
"$PY" manage.py collectstatic --noinput -v 0
say "starting $INSTANCES x $WORKERS gunicorn processes, the worker, the periodic loop and nginx"

upstreams=""
for i in $(seq 1 "$INSTANCES"); do
  app_port=$((PORT + i))
  "$ROOT/.venv/bin/gunicorn" shangliang.wsgi --bind "127.0.0.1:$app_port" --workers "$WORKERS" --preload --timeout 30 \
    --graceful-timeout 5 --no-control-socket --max-requests 5000 --max-requests-jitter 500 --daemon --pid "$RUN/gunicorn$i.pid" \
    --error-logfile "$RUN/log/gunicorn$i.log" --capture-output
  echo "gunicorn$i $RUN/gunicorn$i.pid" >> "$RUN/pids"
  upstreams+="    server 127.0.0.1:$app_port max_fails=1 fail_timeout=5s;"$'\n'
done

# The worker and the loop run under a small supervisor that starts them again when they stop (db_worker ends when
# PostgreSQL restarts under it; a killed worker comes back in 2 s); TERM to the supervisor stops both.
supervise() {
  local name=$1; shift
  nohup setsid bash -c 'trap "kill -TERM \$child 2>/dev/null; wait \$child; exit 0" TERM
    while true; do "$@" & child=$!; wait $child; echo "[$(date +%T)] $1 ended ($?); starting it again in 2 s"; sleep 2; done' \
    _ "$@" >> "$RUN/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"; echo "$name $RUN/$name.pid" >> "$RUN/pids"
}
supervise worker "$PY" manage.py db_worker
supervise periodic "$PY" manage.py run_periodic --every "${PERIODIC_SECONDS:-60}"

cp deploy/503.html "$RUN/html/503.html"
mime=/etc/nginx/mime.types; [ -f "$mime" ] || mime="$RUN/nginx/mime.types"; [ -f "$mime" ] || printf 'types { text/html html; text/css css; application/javascript js; image/png png; image/svg+xml svg; font/woff2 woff2; }\n' > "$mime"
sed -e "s|@RUN@|$RUN|g" -e "s|@PORT@|$PORT|g" -e "s|@STATIC_ROOT@|$STATIC_ROOT|g" -e "s|@MIME@|$mime|g" \
  -e "s|@USER@|$( [ "$(id -u)" = "0" ] && echo "user www-data;" )|" deploy/nginx.conf.in \
  | awk -v ups="$upstreams" '{ if ($0 ~ /@UPSTREAMS@/) printf "%s", ups; else print }' > "$RUN/nginx/nginx.conf"
"$NGINX" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/log/nginx-error.log"
echo "nginx $RUN/nginx/nginx.pid" >> "$RUN/pids"

for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    say "ready"
    echo "Shangliang (production settings): http://127.0.0.1:$PORT/   health: /healthz   logs: var/prod/log/   stop: make prod-stop"
    exit 0
  fi
  sleep 1
done
echo "the stack started but /healthz is not green yet: curl http://127.0.0.1:$PORT/healthz; logs in var/prod/log/" >&2
exit 0
