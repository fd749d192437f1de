# Sourced by the install scripts (scripts/install-test-deps.sh, scripts/e2e-env/install.sh, scripts/act/install.sh):
# pinned versions, timed steps, parallel jobs that fail loudly, and installs that keep what is already there at the
# pinned version. Needs bash 5.1+ (wait -p), root for apt-get, and Go for the tools built from source.

BUILDKIT_VERSION="${BUILDKIT_VERSION:-v0.18.2}" # v0.19+ has `exclude` lines in go.mod, which `go install` refuses
BUILDX_VERSION="${BUILDX_VERSION:-v0.37.2}"     # newer ones need modules the proxy no longer serves
ACT_VERSION="${ACT_VERSION:-v0.2.87}"
BIN_DIR="${BIN_DIR:-/usr/local/bin}"
# A system plugin folder: the docker CLI looks here whatever DOCKER_CONFIG says, so temporary configs still find it.
PLUGIN_DIR="${PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}"

# Debian packages, by who needs them.
TEST_APT_PACKAGES=(qemu-user-static binfmt-support unzip coreutils)
E2E_APT_PACKAGES=(docker.io docker-registry apache2-utils runc qemu-user-static binfmt-support curl)

log() { printf '[install] %s\n' "$*"; }

# Seconds since $1 (an $EPOCHREALTIME value), to a tenth.
seconds_since() {
  local now="${EPOCHREALTIME/./}" then="${1/./}"
  local tenths=$(((now - then) / 100000))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}

# timed NAME COMMAND...: runs the command and logs how long it took, or that it failed. The command runs as a job
# of its own so that `set -e` holds inside it (bash ignores -e in anything run as part of `cmd || ...`); for the
# same reason, call timed as a plain command, never inside if, && or ||.
timed() {
  local name="$1" start="$EPOCHREALTIME" status=0
  shift
  "$@" &
  wait "$!" || status=$?
  if ((status == 0)); then log "$name: done in $(seconds_since "$start") s"; else log "$name: FAILED (exit $status) after $(seconds_since "$start") s"; fi
  return "$status"
}

# parallel NAME=FUNCTION...: runs the functions side by side, each timed, its output in a log printed whole when it
# ends (so parallel output never interleaves). Waits for every one; returns non-zero if any failed, naming it.
parallel() {
  local dir spec name pid status failed=()
  local -A names=()
  dir="$(mktemp -d)"
  for spec in "$@"; do
    name="${spec%%=*}"
    timed "$name" "${spec#*=}" >"$dir/$name.log" 2>&1 &
    names[$!]="$name"
  done
  while ((${#names[@]} > 0)); do
    status=0
    wait -n -p pid "${!names[@]}" || status=$?
    name="${names[$pid]}"
    unset "names[$pid]"
    cat "$dir/$name.log"
    ((status == 0)) || failed+=("$name")
  done
  rm -rf "$dir"
  if ((${#failed[@]} > 0)); then
    log "FAILED: ${failed[*]}"
    return 1
  fi
}

# apt_install PACKAGE...: installs those not installed yet, in one apt-get run.
apt_install() {
  local pkg missing=()
  local -A seen=()
  for pkg in "$@"; do
    [[ -z "${seen[$pkg]:-}" ]] || continue
    seen[$pkg]=1
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    log "apt packages present: ${!seen[*]}"
    return 0
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The packaged services would hold the default socket and port 5000; the tests start their own instances.
  for service in docker docker.socket containerd docker-registry; do
    systemctl disable --now "$service" >/dev/null 2>&1 || true
  done
}

need_go() {
  command -v go >/dev/null || {
    echo "go is not on PATH; install Go first" >&2
    return 1
  }
}

# present_at_version BINARY VERSION ARGS...: whether BINARY runs and its `ARGS` output names VERSION as a word.
present_at_version() {
  local binary="$1" version="$2" output
  shift 2
  [[ -x "$binary" ]] || return 1
  output="$("$binary" "$@" 2>/dev/null)" || return 1
  [[ " $output " == *" $version "* ]]
}

install_buildkitd() {
  if present_at_version "$BIN_DIR/buildkitd" "$BUILDKIT_VERSION" --version; then
    log "buildkitd $BUILDKIT_VERSION present at $BIN_DIR/buildkitd"
    return 0
  fi
  need_go
  log "go install github.com/moby/buildkit/cmd/buildkitd@$BUILDKIT_VERSION"
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install \
    -ldflags "-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION" \
    "github.com/moby/buildkit/cmd/buildkitd@$BUILDKIT_VERSION"
  present_at_version "$BIN_DIR/buildkitd" "$BUILDKIT_VERSION" --version
}

install_buildx() {
  # The plugin runs on its own too, so its version is checked without the docker CLI (installed in parallel).
  if present_at_version "$PLUGIN_DIR/docker-buildx" "$BUILDX_VERSION" version; then
    log "buildx $BUILDX_VERSION present at $PLUGIN_DIR/docker-buildx"
    return 0
  fi
  need_go
  log "go install github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
  local gobin
  gobin="$(mktemp -d)"
  GOBIN="$gobin" GOFLAGS=-buildvcs=false go install \
    -ldflags "-X github.com/docker/buildx/version.Version=$BUILDX_VERSION" \
    "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
  mkdir -p "$PLUGIN_DIR"
  install -m 0755 "$gobin/buildx" "$PLUGIN_DIR/docker-buildx"
  rm -rf "$gobin"
  present_at_version "$PLUGIN_DIR/docker-buildx" "$BUILDX_VERSION" version
}

install_act() {
  if present_at_version "$BIN_DIR/act" "${ACT_VERSION#v}" --version; then
    log "act ${ACT_VERSION#v} present at $BIN_DIR/act"
    return 0
  fi
  need_go
  log "go install github.com/nektos/act@$ACT_VERSION into $BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/nektos/act@$ACT_VERSION"
  present_at_version "$BIN_DIR/act" "${ACT_VERSION#v}" --version
}
