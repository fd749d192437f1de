#!/usr/bin/env bash
# Installs what the image e2e tests and benchmark need: a Docker engine and CLI, a registry, runc, qemu-user,
# buildkitd and the buildx CLI plugin. The apt packages and the Go builds run side by side; whatever is already
# there at the pinned version is kept (see scripts/install-lib.sh). Needs root (apt-get) and the Go toolchain;
# fetches only from Debian's archive and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/install-lib.sh

apt_e2e() { apt_install "${E2E_APT_PACKAGES[@]}"; }
go_tools() {
  timed "buildkitd $BUILDKIT_VERSION" install_buildkitd
  timed "buildx $BUILDX_VERSION" install_buildx
}

timed "e2e-env install" parallel apt=apt_e2e go-tools=go_tools
