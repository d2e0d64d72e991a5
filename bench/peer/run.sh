#!/usr/bin/env bash
# Peer benchmark for django-helpdesk, from scratch.
#   bash run.sh [SCALE] [FOLLOWUPS]   SCALE = tickets to seed (default 100000),
#                                     FOLLOWUPS = total follow-ups (default 3 per ticket)
# Env knobs: ROUNDS=2 WORKERS="2 4" DURATION=15 N=30 QUIET_MAX=180
#            KEEP_PG=1 (leave the private cluster running) SKIP_SEED=1 (reuse DB)
#            BENCH_ROOT=$TMPDIR/bench-peer BENCH_PGPORT=5447 RESULTS=<here>/../results
set -euo pipefail
SCALE=${1:-100000}
FOLLOWUPS=${2:-$((3 * SCALE))}
ROUNDS=${ROUNDS:-2}
WORKERS=${WORKERS:-"2 4"}
DURATION=${DURATION:-15}
N=${N:-30}
QUIET_MAX=${QUIET_MAX:-180}
HERE=$(cd "$(dirname "$0")" && pwd)
export BENCH_ROOT=${BENCH_ROOT:-${TMPDIR:-/tmp}/bench-peer}
export BENCH_PGPORT=${BENCH_PGPORT:-5447}
export BENCH_VENV=$BENCH_ROOT/venv
RESULTS=${RESULTS:-$HERE/../results}
PY=$BENCH_VENV/bin/python
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN=${BENCH_RUN_DIR:-$BENCH_ROOT/runs/$STAMP-s$SCALE}
export BENCH_OUT=$RUN
mkdir -p "$RUN" "$RESULTS"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# 1. venv + tools ------------------------------------------------------------
if ! [ -x "$PY" ] || ! "$PY" -c "import helpdesk, django, psycopg2, gunicorn" 2>/dev/null; then
  log "creating venv $BENCH_VENV"
  python3 -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/pip" install -q -r "$HERE/requirements.txt"
fi
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }

# 2. private PostgreSQL 15 cluster (port $BENCH_PGPORT, never the default 5432)
"$HERE/pg.sh" up
if [ "${KEEP_PG:-0}" != 1 ]; then trap '"$HERE/pg.sh" down' EXIT; fi
psql_admin() { (cd /tmp && su postgres -c "psql -p $BENCH_PGPORT -v ON_ERROR_STOP=1 -q" ); }

cd "$HERE/project"
if [ "${SKIP_SEED:-0}" != 1 ]; then
  # 3. fresh database, migrate, e-mail templates (install docs step 8), seed
  log "recreating database hdbench"
  psql_admin <<'SQL'
DROP DATABASE IF EXISTS hdbench;
DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='hdbench')
  THEN CREATE ROLE hdbench LOGIN PASSWORD 'hdbench'; END IF; END$$;
CREATE DATABASE hdbench OWNER hdbench;
SQL
  t0=$(date +%s.%N)
  "$PY" manage.py migrate -v0
  t1=$(date +%s.%N)
  "$PY" manage.py loaddata -v0 emailtemplate.json
  log "seeding $SCALE tickets"
  "$PY" "$HERE/seed.py" "$SCALE" "$FOLLOWUPS" > "$RUN/seed.json"
  MIGRATE_S=$(python3 -c "print(round($t1-$t0,1))")
  cp "$RUN/seed.json" "$BENCH_ROOT/last-seed.json"
else
  cp "$BENCH_ROOT/last-seed.json" "$RUN/seed.json"
  MIGRATE_S=n/a
fi
cat "$RUN/seed.json" >&2

# 4. rounds: wait for a quieter machine, in-process, then gunicorn + wrk ------
for r in $(seq 1 "$ROUNDS"); do
  mkdir -p "$RUN/round$r"
  log "round $r: waiting for other processes to quiet down (<=${QUIET_MAX}s)"
  python3 "$HERE/benchlib.py" wait-quiet 0.25 "$QUIET_MAX" > "$RUN/round$r/quiet.json"
  cat "$RUN/round$r/quiet.json" >&2
  log "round $r: in-process (N=$N)"
  "$PY" "$HERE/measure_inprocess.py" "$RUN/round$r/inprocess.json" --n "$N"
  log "round $r: gunicorn + wrk (workers: $WORKERS)"
  BENCH_INPROC_JSON="$RUN/round$r/inprocess.json" BENCH_OUT="$RUN/round$r" \
    "$PY" "$HERE/load_wrk.py" "$RUN/round$r/load.json" --workers $WORKERS --duration "$DURATION"
done

# 5. report --------------------------------------------------------------------
python3 - "$RUN/meta.json" "$MIGRATE_S" <<'PYEOF'
import json, subprocess, sys, datetime
wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
ver = (wrk.stdout + wrk.stderr).split("\n")[0].split(" [")[0]
json.dump({"migrate_s": sys.argv[2], "wrk_version": ver,
           "finished_utc": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")},
          open(sys.argv[1], "w"))
PYEOF
"$PY" "$HERE/report.py" "$RUN" "$RESULTS/peer-helpdesk-baseline.md"
mkdir -p "$RESULTS/peer-helpdesk-raw"
rm -rf "$RESULTS/peer-helpdesk-raw/$(basename "$RUN")"
cp -r "$RUN" "$RESULTS/peer-helpdesk-raw/"
log "report: $RESULTS/peer-helpdesk-baseline.md   raw: $RUN"
