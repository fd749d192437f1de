#!/usr/bin/env bash
# Installs what the image e2e tests and benchmark need: a Docker engine and CLI, a registry, runc, qemu-user,
# buildkitd and the buildx CLI plugin. Idempotent: each part is skipped when it is already there.
# Needs root (apt-get) and the Go toolchain; fetches only from Debian's archive and the Go module proxy.
set -euo pipefail

BUILDKIT_VERSION="${BUILDKIT_VERSION:-v0.18.2}" # v0.19+ has `exclude` lines in go.mod, which `go install` refuses
BUILDX_VERSION="${BUILDX_VERSION:-v0.37.2}"     # newer ones need modules the proxy no longer serves
BIN_DIR="${BIN_DIR:-/usr/local/bin}"
# A system plugin folder: the docker CLI looks here whatever DOCKER_CONFIG says, so temporary configs still find it.
PLUGIN_DIR="${PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}"

log() { printf '[e2e-env install] %s\n' "$*"; }

apt_packages=(docker.io docker-registry apache2-utils runc qemu-user-static binfmt-support curl)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The packaged services would hold the default socket and port 5000; the tests start their own instances.
  for service in docker docker.socket containerd docker-registry; do
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  done
else
  log "apt packages present"
fi

command -v go >/dev/null || { echo "go is not on PATH; install Go first" >&2; exit 1; }

if [[ -x "$BIN_DIR/buildkitd" ]]; then
  log "buildkitd present at $BIN_DIR/buildkitd"
else
  log "go install github.com/moby/buildkit/cmd/buildkitd@$BUILDKIT_VERSION"
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install \
    -ldflags "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
    "github.com/moby/buildkit/cmd/buildkitd@$BUILDKIT_VERSION"
fi

if docker buildx version >/dev/null 2>&1; then
  log "buildx present: $(docker buildx version)"
else
  log "go install github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
  gobin="$(mktemp -d)"
  trap 'rm -rf "$gobin"' EXIT
  GOBIN="$gobin" GOFLAGS=-buildvcs=false go install \
    -ldflags "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" \
    "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$gobin/buildx" "$PLUGIN_DIR/docker-buildx"
  log "installed $(docker buildx version)"
fi
