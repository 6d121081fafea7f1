#!/bin/sh
# Make (once) and measure one benchmark dataset.  Usage:
#   benchmarks/bench.sh N [POSTGRESQL_URL]
# The dataset and its instance folder (keys, key store) live in $BENCH_DIR/<db>-<N>, outside the
# repository; results go to benchmarks/results/<db>-<N>.json. A PostgreSQL database that does
# not exist yet is created (it must be empty or hold this dataset). With BENCH_COPY_FROM set to
# the PostgreSQL URL of the same size's dataset ($BENCH_DIR/pg-<N>), a missing SQLite dataset
# is copied from it (benchmarks/copy_dataset.py: same rows and keys, minutes instead of an
# hour) instead of generated. Runs under nice: it is long and CPU-heavy, and the machine may be
# shared.
set -eu
N=$1
URL=${2:-}
BENCH_DIR=${BENCH_DIR:-/work/benchdata}
VENV=${VENV:-.venv}
if [ -n "$URL" ]; then NAME=pg-$N; else NAME=sqlite-$N; fi
export CASEAPP_INSTANCE="$BENCH_DIR/$NAME"
if [ -n "$URL" ]; then
    export DATABASE_URL="$URL"
    "$VENV/bin/python" benchmarks/create_database.py "$URL"
else
    unset DATABASE_URL || true
fi
if [ -z "$URL" ] && [ -n "${BENCH_COPY_FROM:-}" ] && [ ! -e "$CASEAPP_INSTANCE" ] \
        && [ -f "$BENCH_DIR/pg-$N/bench-logins.json" ]; then
    nice -n 15 "$VENV/bin/python" benchmarks/copy_dataset.py "$BENCH_DIR/pg-$N" "$BENCH_COPY_FROM" \
        "$CASEAPP_INSTANCE"
fi
if [ ! -f "$CASEAPP_INSTANCE/bench-logins.json" ]; then
    mkdir -p "$CASEAPP_INSTANCE"
    nice -n 15 "$VENV/bin/caseapp" init
    nice -n 15 "$VENV/bin/caseapp" bench-data --participants "$N"
fi
nice -n 15 "$VENV/bin/python" benchmarks/run.py --instance "$CASEAPP_INSTANCE" ${URL:+--db "$URL"} \
    --repeat "${BENCH_REPEAT:-30}"
