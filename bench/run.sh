#!/usr/bin/env bash
# The company-scale benchmark, from scratch (what `make bench` runs):
#   bash bench/run.sh [SCALE]      SCALE = clients (default 100000: 300k complaints, 1M events, 1M calls …)
# Steps: small-scale DB (query counts at SMALL) → company-scale DB (migrate, seed_scale --scale, ANALYZE) →
# wait for a quieter machine → in-process pages (+ EXPLAIN) → gunicorn + wrk → the peer (django-helpdesk,
# bench/peer, seeded with as many tickets / follow-ups as we have complaints / timeline events) → jobs →
# report in bench/results/<date>.md + .json.
# Env knobs: N=30 WORKERS="2 4" DURATION=15 SMALL=1000 PEER=1 PEER_ROUNDS=1 PEER_N=$N QUIET_MAX=180 SKIP_SEED=1
#            PEER_SKIP_SEED=1 (reuse the peer's last data set) KEEP_PG=1 (leave our cluster running)
#            KEFU_PG=postgres://user@host:port (use that server instead of our private cluster)
#            KEFU_DB=kefu_bench_run KEFU_DB_SMALL=kefu_bench_small KEFU_RUN_DIR=<raw output dir>
#            (default $TMPDIR/kefu-bench/runs/<stamp>)
#            KEFU_REDIS_URL=redis://host:port/db (use that Redis instead of our private one)
# Our databases live on a private PostgreSQL 15 cluster "kefubench" on 127.0.0.1:5448 (bench/pg.sh, data in
# $TMPDIR/kefu-bench/pgdata, same configuration as the peer's), dropped and recreated each run and stopped at
# the end; the peer uses its own cluster "hdpeer" on 127.0.0.1:5447 (bench/peer/pg.sh). The cache (and so the
# sessions, cached_db) is a private Redis on 127.0.0.1:6398, as production runs with Redis: without it each
# gunicorn worker would have its own local-memory cache. Everything listens on 127.0.0.1 only.
# Needs root: the private clusters are created with pg_createcluster and administered as the postgres user
# (su postgres), the peer's too; only KEFU_PG=… with PEER=0 runs without.
set -euo pipefail
SCALE=${1:-100000}
SMALL=${SMALL:-1000}
N=${N:-30}
WORKERS=${WORKERS:-"2 4"}
DURATION=${DURATION:-15}
PEER=${PEER:-1}
PEER_ROUNDS=${PEER_ROUNDS:-1}
QUIET_MAX=${QUIET_MAX:-180}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PY=${PY:-$ROOT/.venv/bin/python}
# Our PostgreSQL: a private cluster configured like the peer's (bench/pg.sh), unless KEFU_PG names a server.
export BENCH_PG_CLUSTER=kefubench BENCH_PGPORT=${KEFU_PGPORT:-5448} BENCH_ROOT=${KEFU_ROOT:-${TMPDIR:-/tmp}/kefu-bench}
PG=${KEFU_PG:-postgres://kefubench:kefubench@127.0.0.1:$BENCH_PGPORT}
DB=${KEFU_DB:-kefu_bench_run}
DB_SMALL=${KEFU_DB_SMALL:-kefu_bench_small}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=${KEFU_RUN_DIR:-${TMPDIR:-/tmp}/kefu-bench/runs/$STAMP-s$SCALE}
RESULTS=$HERE/results
export DJANGO_SETTINGS_MODULE=bench.settings
mkdir -p "$RUN" "$RESULTS"
cd "$ROOT"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
secs() { python3 -c "import time; print(round(time.time() - $1, 1))"; }
T_ALL=$(date +%s)

if [ "$(id -u)" != 0 ] && { [ -z "${KEFU_PG:-}" ] || [ "$PEER" = 1 ]; }; then
  echo "bench/run.sh needs root (private PostgreSQL clusters: pg_createcluster, su postgres)." >&2
  echo "Without root: KEFU_PG=postgres://user:pass@host:port PEER=0 bash bench/run.sh …" >&2
  exit 1
fi
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
CLEANUP=()
cleanup() { for step in "${CLEANUP[@]}"; do eval "$step" || true; done; }
trap cleanup EXIT

# Redis, as in production (cache, cached_db sessions, the unread counts): a private instance unless given.
if [ -n "${KEFU_REDIS_URL:-}" ]; then
  export REDIS_URL=$KEFU_REDIS_URL
else
  command -v redis-server >/dev/null || { apt-get update -q && apt-get install -y -q redis-server; }
  REDIS_PORT=${BENCH_REDIS_PORT:-6398}
  mkdir -p "$BENCH_ROOT/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$BENCH_ROOT/redis" --pidfile "$BENCH_ROOT/redis/redis.pid" --logfile "$BENCH_ROOT/redis/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  CLEANUP+=("kill \$(cat '$BENCH_ROOT/redis/redis.pid')")
  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
fi
log "cache: $REDIS_URL"
"$PY" manage.py collectstatic --noinput -v0  # into var/bench-static (bench.settings), as in production

if [ -z "${KEFU_PG:-}" ]; then
  "$HERE/pg.sh" up
  if [ "${KEEP_PG:-0}" != 1 ]; then CLEANUP+=('"$HERE/pg.sh" down'); fi
  (cd /tmp && su postgres -c "psql -p $BENCH_PGPORT -v ON_ERROR_STOP=1 -q") <<'SQL'
DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='kefubench')
  THEN CREATE ROLE kefubench LOGIN SUPERUSER PASSWORD 'kefubench'; END IF; END$$;
SQL
fi

recreate_db() {  # $1 = database name
  "$PY" - "$PG" "$1" <<'PYEOF'
import sys, psycopg2
conn = psycopg2.connect(sys.argv[1] + "/postgres")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    cur.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PYEOF
}

# 1. small scale: the query counts that must not grow ------------------------------------------------------
if [ "$SMALL" != 0 ]; then
  log "small scale ($SMALL clients) in $DB_SMALL"
  export DATABASE_URL=$PG/$DB_SMALL
  recreate_db "$DB_SMALL"
  "$PY" manage.py migrate -v0
  "$PY" manage.py seed_scale --scale "$SMALL" --json "$RUN/seed_small.json" > "$RUN/seed_small.log"
  "$PY" manage.py recount_rollups --rebuild > "$RUN/rollups_small.log"  # the dashboards read the rollups
  "$PY" -m bench.measure "$RUN/inprocess_small.json" --n 3 --warmup 1 --capture 2
fi

# 2. company scale ----------------------------------------------------------------------------------------
export DATABASE_URL=$PG/$DB
if [ "${SKIP_SEED:-0}" != 1 ]; then
  log "company scale ($SCALE clients) in $DB: migrate + seed"
  recreate_db "$DB"
  t0=$(date +%s.%N)
  "$PY" manage.py migrate -v0
  echo "{\"migrate_s\": $(secs "$t0")}" > "$RUN/migrate.json"
  "$PY" manage.py seed_scale --scale "$SCALE" --json "$RUN/seed.json" | tee "$RUN/seed.log" | grep -E "rows|ANALYZE|total|--scale" >&2
  log "performance rollups (recount_rollups --rebuild)"
  t0=$(date +%s.%N)
  "$PY" manage.py recount_rollups --rebuild > "$RUN/rollups.log"
  echo "{\"rollups_rebuild_s\": $(secs "$t0")}" > "$RUN/rollups.json"
else
  log "company scale: reusing the data set in $DB; applying any new migrations (indexes)"
  "$PY" manage.py migrate -v0
fi

# Between two load runs the harness waits until no query is active on our database nor the peer's
# (benchlib.drain), as well as for the workers' CPU.
export BENCH_DRAIN_DSNS="$PG/$DB postgresql://hdbench:hdbench@127.0.0.1:${PEER_PGPORT:-5447}/hdbench"
redis-cli -u "$REDIS_URL" flushdb >/dev/null 2>&1 || true  # no cached page or session of an earlier run

# 3. in-process, after waiting for a quieter machine -------------------------------------------------------
log "waiting for other processes to quiet down (<= ${QUIET_MAX}s)"
"$PY" "$HERE/benchlib.py" wait-quiet 0.25 "$QUIET_MAX" > "$RUN/quiet.json"
cat "$RUN/quiet.json" >&2
log "in-process (N=$N, EXPLAIN)"
"$PY" -m bench.measure "$RUN/inprocess.json" --n "$N" --explain

# 4. gunicorn + wrk ------------------------------------------------------------------------------------------
log "gunicorn + wrk (workers: $WORKERS)"
# shellcheck disable=SC2086
"$PY" -m bench.load "$RUN/load.json" --inprocess "$RUN/inprocess.json" --workers $WORKERS --duration "$DURATION"

# 5. the peer, same machine, same run, same number of rows ---------------------------------------------------
if [ "$PEER" = 1 ]; then
  read -r COMPLAINTS EVENTS < <("$PY" - <<'PYEOF'
import django; django.setup()
from complaints.models import Complaint, ComplaintEvent
print(Complaint.objects.count(), ComplaintEvent.objects.count())
PYEOF
)
  log "peer: django-helpdesk with $COMPLAINTS tickets and $EVENTS follow-ups"
  env -u DJANGO_SETTINGS_MODULE -u DATABASE_URL -u REDIS_URL -u BENCH_DB -u BENCH_PG_CLUSTER -u BENCH_PGPORT -u BENCH_ROOT \
    SKIP_SEED="${PEER_SKIP_SEED:-0}" \
    ROUNDS=$PEER_ROUNDS N=${PEER_N:-$N} WORKERS="$WORKERS" DURATION=$DURATION QUIET_MAX=$QUIET_MAX \
    RESULTS="$RUN/peer" BENCH_RUN_DIR="$RUN/peer/raw" bash "$HERE/peer/run.sh" "$COMPLAINTS" "$EVENTS"
fi

# 6. jobs (last: their first run claims whatever is due) -----------------------------------------------------
log "jobs"
"$PY" -m bench.jobs "$RUN/jobs.json"

# 7. report --------------------------------------------------------------------------------------------------
"$PY" - "$RUN/meta.json" "$SCALE" "$(secs "$T_ALL")" <<'PYEOF'
import datetime, json, subprocess, sys
wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
ver = (wrk.stdout + wrk.stderr).split("\n")[0].split(" [")[0]
json.dump({"scale": int(sys.argv[2]), "total_s": float(sys.argv[3]), "wrk_version": ver,
           "finished_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")},
          open(sys.argv[1], "w"))
PYEOF
DAY=$(date -u +%Y-%m-%d)
"$PY" -m bench.report "$RUN" "$RESULTS/$DAY"
if [ -f "$RUN/peer/peer-helpdesk-baseline.md" ]; then cp "$RUN/peer/peer-helpdesk-baseline.md" "$RESULTS/$DAY-peer.md"; fi
log "report: $RESULTS/$DAY.md   raw: $RUN   total $(secs "$T_ALL") s"
cat "$RESULTS/$DAY.md"
