#!/usr/bin/env bash
# Installs goreleaser (https://goreleaser.com), which the goreleaser-config tests run to compare archive and binary
# names with ours. Idempotent: nothing happens when the pinned version is already there. Fetches only from the Go
# module proxy.
set -euo pipefail

GORELEASER_VERSION="${GORELEASER_VERSION:-v2.15.1}"
BIN_DIR="${BIN_DIR:-/usr/local/bin}"

log() { printf '[goreleaser install] %s\n' "$*"; }

# `goreleaser --version` prints a banner and a table; the line that matters is `GitVersion:    2.15.1`.
installed_version() {
  "$BIN_DIR/goreleaser" --version 2>/dev/null | awk '$1 == "GitVersion:" { print $2 }'
}

if [[ -x "$BIN_DIR/goreleaser" ]] && [[ "$(installed_version)" == "${GORELEASER_VERSION#v}" ]]; then
  log "goreleaser ${GORELEASER_VERSION#v} present at $BIN_DIR/goreleaser"
  exit 0
fi
command -v go >/dev/null || { echo "go is not on PATH; install Go first" >&2; exit 1; }
log "go install github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION into $BIN_DIR"
# A `go install` build carries no version stamp unless it is given one; goreleaser reads it from main.version.
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install \
  -ldflags "-s -w -X main.version=${GORELEASER_VERSION#v}" \
  "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
found="$(installed_version)"
if [[ "$found" != "${GORELEASER_VERSION#v}" ]]; then
  echo "goreleaser at $BIN_DIR/goreleaser reports version '${found}', expected ${GORELEASER_VERSION#v}" >&2
  exit 1
fi
log "installed: goreleaser $found"
