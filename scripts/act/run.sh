#!/usr/bin/env bash
# Runs a workflow of this repository locally with act, as test/e2e/act.test.ts does: on a copy of the working tree
# (the current dist/ included), steps as host processes, the fake artifact and cache services on 127.0.0.1.
#   scripts/act/run.sh -W .github/workflows/e2e-action.yml -j defaults [--tag v1.2.3]
# Run `npm run bundle` first: the workflows use the action from dist/.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v act >/dev/null || { echo "act is not installed: run scripts/act/install.sh" >&2; exit 2; }
[[ -f dist/index.js ]] || echo "warning: dist/index.js does not exist; run npm run bundle" >&2
exec node --import tsx test/support/act-cli.ts "$@"
