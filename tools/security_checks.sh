#!/usr/bin/env bash
# Static security checks for CI (docs/security-testing.md): bandit on our code, pip-audit on the
# installed dependencies. Fails on any HIGH-severity bandit finding and on any known
# vulnerability pip-audit finds. Lower bandit findings are printed; the accepted ones are
# listed with their reasons in docs/security-testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

if [ ! -x "$BIN/bandit" ] || [ ! -x "$BIN/pip-audit" ]; then
  "$BIN/python" -m pip install --quiet -e '.[security]'
fi

echo "== bandit (fails on high severity) =="
"$BIN/bandit" -q -r caseapp audit consent roles -x caseapp/migrations --severity-level high -f txt

echo "== pip-audit (fails on a known vulnerability) =="
report=$(mktemp)
status=0
timeout 300 "$BIN/pip-audit" --progress-spinner off --skip-editable >"$report" 2>&1 || status=$?
cat "$report"
skipped=$(grep -c "could not be audited" "$report" || true)
rm -f "$report"
if [ "$status" -ne 0 ]; then
  echo "pip-audit found known vulnerabilities (or failed): see above." >&2
  exit "$status"
fi
if [ "$skipped" -gt 0 ]; then
  # The vulnerability data comes from PyPI's JSON API; a registry mirror without it leaves
  # packages unaudited. Said loudly, not hidden (docs/security-testing.md).
  echo "WARNING: pip-audit could not audit $skipped packages (no vulnerability data from the" \
       "package index here). Run it where pypi.org or OSV is reachable." >&2
fi
