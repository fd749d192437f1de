#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then type-checks, lints and runs
# every vitest test (unit, integration, e2e). Prints a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund
npm run typecheck
npm run lint

report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/test-report.mjs "$report" || status=$?
exit "$status"
