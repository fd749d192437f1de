#!/usr/bin/env bash
# Everything the integration and e2e tests run for real, installed from Debian's packages and the Go module proxy.
# Idempotent: each part is skipped when already present.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v qemu-aarch64-static >/dev/null || need_apt+=(qemu-user-static binfmt-support)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v sha256sum >/dev/null || need_apt+=(coreutils)
if [ "${#need_apt[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

if [ -x scripts/e2e-env/install.sh ] || [ -f scripts/e2e-env/install.sh ]; then
  bash scripts/e2e-env/install.sh
fi
if [ -f scripts/act/install.sh ]; then
  bash scripts/act/install.sh
fi

# cyclonedx-gomod, the Go SBOM generator the SBOM tests compare the action's SBOMs with.
CYCLONEDX_GOMOD_VERSION=v1.10.0
if [ "$(cyclonedx-gomod version 2>/dev/null | awk '/^Version:/ {print $2}')" != "$CYCLONEDX_GOMOD_VERSION" ]; then
  GOBIN="${BIN_DIR:-/usr/local/bin}" GOFLAGS=-buildvcs=false \
    go install "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$CYCLONEDX_GOMOD_VERSION"
fi

# Fixture modules come from the module proxy once; tests that must stay offline then read them with GOPROXY=file://.
for mod in test/fixtures/*/go.mod test/fixtures/smoke/*/go.mod; do
  [ -f "$mod" ] || continue
  (cd "$(dirname "$mod")" && go mod download)
done
