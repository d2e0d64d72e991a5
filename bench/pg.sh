#!/usr/bin/env bash
# Private PostgreSQL 15 cluster for the benchmark (never touches the default
# cluster on 5432). Usage: pg.sh up | down | drop | status
# Copied from bench/peer/pg.sh: bench/run.sh starts ours as cluster "kefubench" on 127.0.0.1:5448 with
# the same configuration as the peer's "hdpeer" on 5447, so both apps run on identically tuned servers.
set -euo pipefail
PGVER=15
CLUSTER=${BENCH_PG_CLUSTER:-hdpeer}
PORT=${BENCH_PGPORT:-5447}
BENCH_ROOT=${BENCH_ROOT:-${TMPDIR:-/tmp}/bench-peer}
DATADIR=$BENCH_ROOT/pgdata

exists() { pg_lsclusters -h | awk -v c="$CLUSTER" '$1=="15" && $2==c {f=1} END {exit !f}'; }

case "${1:-}" in
  up)
    if ! exists; then
      mkdir -p "$BENCH_ROOT"
      pg_createcluster $PGVER "$CLUSTER" -p "$PORT" -d "$DATADIR" --start-conf manual -- \
        --auth-local=peer --auth-host=scram-sha-256 >/dev/null
      conf=/etc/postgresql/$PGVER/$CLUSTER/conf.d/bench.conf
      cat > "$conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 60
shared_buffers = 512MB
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 256MB
random_page_cost = 1.1
checkpoint_timeout = 15min
max_wal_size = 4GB
CONF
    fi
    if ! pg_lsclusters -h | awk -v c="$CLUSTER" '$2==c && $4=="online" {f=1} END {exit !f}'; then
      pg_ctlcluster $PGVER "$CLUSTER" start
    fi
    ;;
  down)
    if exists; then pg_ctlcluster $PGVER "$CLUSTER" stop -m fast || true; fi
    ;;
  drop)
    if exists; then pg_dropcluster $PGVER "$CLUSTER" --stop; fi
    ;;
  status)
    pg_lsclusters | awk -v c="$CLUSTER" 'NR==1 || $2==c'
    ;;
  *) echo "usage: $0 up|down|drop|status" >&2; exit 2 ;;
esac
