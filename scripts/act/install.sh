#!/usr/bin/env bash
# Installs act (https://github.com/nektos/act), the local workflow runner the act e2e tests drive.
# Idempotent: nothing happens when the pinned version is already on PATH. Fetches only from the Go module proxy.
set -euo pipefail

ACT_VERSION="${ACT_VERSION:-v0.2.87}"
BIN_DIR="${BIN_DIR:-/usr/local/bin}"

log() { printf '[act install] %s\n' "$*"; }

if [[ -x "$BIN_DIR/act" ]] && [[ "$("$BIN_DIR/act" --version 2>/dev/null)" == "act version ${ACT_VERSION#v}" ]]; then
  log "act ${ACT_VERSION#v} present at $BIN_DIR/act"
  exit 0
fi
command -v go >/dev/null || { echo "go is not on PATH; install Go first" >&2; exit 1; }
log "go install github.com/nektos/act@$ACT_VERSION into $BIN_DIR"
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/nektos/act@$ACT_VERSION"
log "installed: $("$BIN_DIR/act" --version)"
