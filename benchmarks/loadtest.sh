#!/bin/sh
# Load test on loopback: gunicorn (gunicorn.conf.py) + 50 locust users for 60 s.
#   benchmarks/loadtest.sh INSTANCE_DIR [POSTGRESQL_URL]
# INSTANCE_DIR holds a dataset made with `caseapp bench-data --cases-per-worker 20` (50
# accounts at 1,000 participants). Writes benchmarks/results/loadtest-<db>.json.
set -eu
INSTANCE=$1
URL=${2:-}
VENV=${VENV:-.venv}
PORT=${LOADTEST_PORT:-5077}
USERS=${LOADTEST_USERS:-50}
SECONDS_=${LOADTEST_SECONDS:-60}
# Users start at RATE a second (each login is a deliberately slow argon2 hash); statistics are
# reset once all have started, so the results cover SECONDS_ of 50 users working.
RATE=${LOADTEST_RATE:-2}
OUT=$(mktemp -d)
export CASEAPP_INSTANCE="$INSTANCE" CASEAPP_SESSION_COOKIE_SECURE=false
# 50 users log in from one loopback address within seconds: the per-address login limit
# (30 a minute) is raised for this run only.
export CASEAPP_LOGIN_RATE_LIMIT="1000 per minute"
if [ -n "$URL" ]; then
    export DATABASE_URL="$URL"; DB=postgresql
    "$VENV/bin/python" benchmarks/create_database.py "$URL"
else unset DATABASE_URL || true; DB=sqlite; fi
if [ ! -f "$INSTANCE/bench-logins.json" ]; then
    mkdir -p "$INSTANCE"
    nice -n 15 "$VENV/bin/caseapp" init
    nice -n 15 "$VENV/bin/caseapp" bench-data --participants 1000 --cases-per-worker 20
fi
nice -n 15 "$VENV/bin/caseapp" run --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/login" && break
    sleep 1
done
BENCH_LOGINS="$INSTANCE/bench-logins.json" nice -n 15 "$VENV/bin/locust" \
    -f benchmarks/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$((SECONDS_ + USERS / RATE))s" \
    --reset-stats \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --stop-timeout 10 \
    > "$OUT/locust.log" 2>&1 || true
tail -25 "$OUT/locust.log"
"$VENV/bin/python" - "$OUT/locust_stats.csv" "$DB" "$USERS" "$SECONDS_" <<'PY'
import csv, json, os, sys
from datetime import datetime, timezone
path, db, users, seconds = sys.argv[1:5]
rows = list(csv.DictReader(open(path)))
def row(r):
    return {"name": r["Name"], "requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
            "median_ms": float(r["Median Response Time"]), "p95_ms": float(r["95%"]),
            "rps": round(float(r["Requests/s"]), 1)}
result = {"operation": "loadtest", "database": db, "users": int(users), "seconds": int(seconds),
          "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
          "machine": f"{os.cpu_count()} cores; locust under nice 15 on the same machine as "
                     "gunicorn and PostgreSQL",
          "load_average_after": os.getloadavg(),
          "total": row(next(r for r in rows if r["Name"] == "Aggregated")),
          "by_request": [row(r) for r in rows if r["Name"] != "Aggregated"]}
os.makedirs("benchmarks/results", exist_ok=True)
out = f"benchmarks/results/loadtest-{db}.json"
open(out, "w").write(json.dumps(result, indent=2) + "\n")
t = result["total"]
print(f"{out}: {t['requests']} requests, {t['failures']} failures, {t['rps']} req/s, p95 {t['p95_ms']} ms")
PY
