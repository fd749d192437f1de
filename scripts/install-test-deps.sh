#!/usr/bin/env bash
# Everything the integration and e2e tests run for real, from Debian's packages and the Go module proxy: the apt
# packages (one apt-get for the whole list) and the tools built with go (buildkitd, buildx, act) install side by
# side, each kept when it is already there at the pinned version (scripts/install-lib.sh). Every step's time is
# printed; any failed part fails the script, named.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-lib.sh

apt_all() { apt_install "${TEST_APT_PACKAGES[@]}" "${E2E_APT_PACKAGES[@]}"; }

# cyclonedx-gomod, the Go SBOM generator the SBOM tests compare the action's SBOMs with.
CYCLONEDX_GOMOD_VERSION="${CYCLONEDX_GOMOD_VERSION:-v1.10.0}"
install_cyclonedx_gomod() {
  if [[ "$(cyclonedx-gomod version 2>/dev/null | awk '/^Version:/ {print $2}')" == "$CYCLONEDX_GOMOD_VERSION" ]]; then
    log "cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION present"
    return 0
  fi
  need_go
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false \
    go install "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$CYCLONEDX_GOMOD_VERSION"
}

# One after another: each go install already keeps both cores busy.
go_tools() {
  timed "buildkitd $BUILDKIT_VERSION" install_buildkitd
  timed "buildx $BUILDX_VERSION" install_buildx
  timed "act $ACT_VERSION" install_act
  timed "goreleaser" bash scripts/goreleaser/install.sh
  timed "actionlint" bash scripts/actionlint/install.sh
  timed "cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION" install_cyclonedx_gomod
}

# Fixture modules come from the module proxy once; tests that must stay offline then read them with GOPROXY=file://.
fixture_modules() {
  need_go
  local mod
  for mod in test/fixtures/*/go.mod test/fixtures/smoke/*/go.mod; do
    [[ -f "$mod" ]] || continue
    (cd "$(dirname "$mod")" && go mod download)
  done
}

timed "test dependencies" parallel apt=apt_all go-tools=go_tools fixture-modules=fixture_modules
