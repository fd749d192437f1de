#!/usr/bin/env bash
# Installs actionlint (https://github.com/rhysd/actionlint), which checks the example and e2e workflows.
# Idempotent: nothing happens when the pinned version is already in BIN_DIR. Fetches only from the Go module proxy.
set -euo pipefail

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
BIN_DIR="${BIN_DIR:-/usr/local/bin}"

log() { printf '[actionlint install] %s\n' "$*"; }

if [[ -x "$BIN_DIR/actionlint" ]] && [[ "$("$BIN_DIR/actionlint" -version 2>/dev/null | head -n 1)" == "$ACTIONLINT_VERSION" ]]; then
  log "actionlint $ACTIONLINT_VERSION present at $BIN_DIR/actionlint"
  exit 0
fi
command -v go >/dev/null || { echo "go is not on PATH; install Go first" >&2; exit 1; }
log "go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION into $BIN_DIR"
mkdir -p "$BIN_DIR"
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
log "installed: $("$BIN_DIR/actionlint" -version | head -n 1)"
