#!/usr/bin/env bash
# Installs act (https://github.com/nektos/act), the local workflow runner the act e2e tests drive.
# Nothing happens when the pinned version is already there (see scripts/install-lib.sh). Fetches only from the Go
# module proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/install-lib.sh

timed "act $ACT_VERSION" install_act
