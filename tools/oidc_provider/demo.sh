#!/bin/sh
# `make run`: the app with the demo's local OpenID provider beside it (both ways in: password +
# TOTP, and "Logg inn med organisasjonens konto" / ID-porten at /meg against this provider).
# Usage: demo.sh CASEAPP_COMMAND PORT [more `caseapp run` options]
# (the provider listens on OIDC_PORT, default 9400)
set -eu
caseapp=$1
port=$2
shift 2
op_port=${OIDC_PORT:-9400}
config=${CASEAPP_INSTANCE:-instance}/oidc-provider.json
settings=$("$caseapp" demo-provider --out "$config" --app-url "http://127.0.0.1:$port" --port "$op_port")
node tools/oidc_provider/server.mjs "$config" &
provider=$!
trap 'kill "$provider" 2>/dev/null || true' EXIT INT TERM
CASEAPP_OIDC_PROVIDERS="$settings" "$caseapp" run "$@" --host 127.0.0.1 --port "$port"
