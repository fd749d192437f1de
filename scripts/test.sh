#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, type-checks, lints, then runs the vitest
# projects one after another (unit, integration, e2e; see vitest.config.ts), each with its own JSON report.
# Its last lines give the time of every step and project, and the merged closing line CI reads:
# "tests: N passed, N failed, N skipped" (scripts/test-report.mjs). Arguments go to every vitest run, so
# `bash scripts/test.sh test/integration/build.test.ts` runs that file (the other projects then match nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT

# Seconds since $1 (an $EPOCHREALTIME value), to a tenth.
since() {
  local now="${EPOCHREALTIME/./}" then="${1/./}"
  local tenths=$(((now - then) / 100000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

steps=()
step() {
  local name="$1" start="$EPOCHREALTIME"
  shift
  "$@"
  steps+=(--step "$name=$(since "$start")")
}

step setup bash scripts/install-test-deps.sh
step npm-ci npm ci --no-audit --no-fund
step typecheck npm run typecheck
step lint npm run lint

projects=()
for project in unit integration e2e; do
  start="$EPOCHREALTIME"
  code=0
  npx vitest run --project "$project" --passWithNoTests \
    --reporter=default --reporter=json --outputFile.json="$reports/$project.json" "$@" || code=$?
  projects+=(--project "$project" --report "$reports/$project.json" --exit "$code" --seconds "$(since "$start")")
done

node scripts/test-report.mjs "${steps[@]}" "${projects[@]}"
