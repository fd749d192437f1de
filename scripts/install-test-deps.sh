#!/usr/bin/env bash
# Everything the integration and e2e tests run for real, from Debian's packages and the Go module proxy: the apt
# packages (one apt-get for the whole list) and the tools built with go (buildkitd, buildx, act) install side by
# side, each kept when it is already there at the pinned version (scripts/install-lib.sh). Every step's time is
# printed; any failed part fails the script, named.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-lib.sh

apt_all() { apt_install "${TEST_APT_PACKAGES[@]}" "${E2E_APT_PACKAGES[@]}"; }

go_tools() {
  timed "buildkitd $BUILDKIT_VERSION" install_buildkitd
  timed "buildx $BUILDX_VERSION" install_buildx
  timed "act $ACT_VERSION" install_act
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
