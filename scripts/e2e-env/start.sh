#!/usr/bin/env bash
# Starts a private image toolchain for the e2e tests and the benchmark, every part bound to a socket or to
# 127.0.0.1 inside STATE_DIR, nothing shared with a system daemon:
#   dockerd (own socket, data and exec roots), buildkitd (own socket and root), a buildx `remote` builder
#   registered in a private DOCKER_CONFIG, and a registry with htpasswd (bcrypt) auth on a free port.
# Writes STATE_DIR/env (KEY=VALUE lines to source or parse) and one STATE_DIR/<name>.pid per daemon.
# Stop with stop.sh STATE_DIR. Usage: start.sh STATE_DIR
set -euo pipefail

state_dir="${1:?usage: start.sh STATE_DIR}"
mkdir -p "$state_dir"
state_dir="$(cd "$state_dir" && pwd)"
[[ -z "$(ls -A "$state_dir")" ]] || { echo "start.sh: $state_dir is not empty" >&2; exit 1; }
chmod 0700 "$state_dir"
# Unix socket paths are limited to 107 bytes.
((${#state_dir} < 70)) || { echo "start.sh: $state_dir is too long for socket paths" >&2; exit 1; }

log() { printf '[e2e-env start] %s\n' "$*"; }
fail() {
  echo "start.sh: $*" >&2
  for f in "$state_dir"/*.log; do [[ -f "$f" ]] && { echo "--- last lines of $f" >&2; tail -n 20 "$f" >&2; }; done
  "$(dirname "$0")/stop.sh" "$state_dir" --keep >&2 || true
  exit 1
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.3
  done
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

for tool in dockerd docker buildkitd runc docker-registry htpasswd curl node; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; run scripts/e2e-env/install.sh"
done
docker buildx version >/dev/null 2>&1 || fail "the docker buildx plugin is not installed; run scripts/e2e-env/install.sh"

# --- registry ----------------------------------------------------------------------------------------------
registry_port="${REGISTRY_PORT:-$(free_port)}"
registry="127.0.0.1:$registry_port"
registry_user="e2e"
registry_password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
mkdir -p "$state_dir/registry-data"
(umask 077 && htpasswd -Bbn "$registry_user" "$registry_password" >"$state_dir/htpasswd")
cat >"$state_dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $state_dir/registry-data
  delete:
    enabled: true
http:
  addr: $registry
  secret: $(head -c 18 /dev/urandom | base64 | tr -d '/+=')
auth:
  htpasswd:
    realm: gin-release-e2e
    path: $state_dir/htpasswd
YAML
docker-registry serve "$state_dir/registry.yml" >"$state_dir/registry.log" 2>&1 &
echo $! >"$state_dir/registry.pid"
log "registry pid $(cat "$state_dir/registry.pid") on $registry"

# --- dockerd -----------------------------------------------------------------------------------------------
docker_sock="$state_dir/docker.sock"
mkdir -p "$state_dir/docker-data" "$state_dir/docker-exec"
dockerd \
  --host "unix://$docker_sock" \
  --data-root "$state_dir/docker-data" \
  --exec-root "$state_dir/docker-exec" \
  --pidfile "$state_dir/dockerd.pidfile" \
  --iptables=false --ip6tables=false --bridge=none --ip-forward=false --ip-masq=false \
  --insecure-registry "$registry" \
  --containerd-namespace gin-release-e2e --containerd-plugins-namespace gin-release-e2e-plugins \
  >"$state_dir/dockerd.log" 2>&1 &
echo $! >"$state_dir/dockerd.pid"
log "dockerd pid $(cat "$state_dir/dockerd.pid") on $docker_sock"

# --- buildkitd ---------------------------------------------------------------------------------------------
buildkit_sock="$state_dir/buildkitd.sock"
cat >"$state_dir/buildkitd.toml" <<TOML
# Plain HTTP to the test registry; nothing else is trusted without TLS.
[registry."$registry"]
  http = true
  insecure = true
TOML
buildkitd \
  --addr "unix://$buildkit_sock" \
  --root "$state_dir/buildkit" \
  --config "$state_dir/buildkitd.toml" \
  --oci-worker=true --containerd-worker=false \
  --oci-worker-binary runc --oci-worker-net host \
  >"$state_dir/buildkitd.log" 2>&1 &
echo $! >"$state_dir/buildkitd.pid"
log "buildkitd pid $(cat "$state_dir/buildkitd.pid") on $buildkit_sock"

export DOCKER_HOST="unix://$docker_sock"
export DOCKER_CONFIG="$state_dir/docker-config"
mkdir -p "$DOCKER_CONFIG"
chmod 0700 "$DOCKER_CONFIG"

wait_for 30 curl -fsS -o /dev/null -u "$registry_user:$registry_password" "http://$registry/v2/" ||
  fail "the registry did not answer on $registry within 30 s"
wait_for 60 docker version || fail "dockerd did not answer on $docker_sock within 60 s"
wait_for 30 test -S "$buildkit_sock" || fail "buildkitd did not open $buildkit_sock within 30 s"

builder="gin-release-e2e"
docker buildx create --name "$builder" --driver remote "unix://$buildkit_sock" >/dev/null ||
  fail "docker buildx create failed"
wait_for 30 docker buildx inspect --bootstrap "$builder" || fail "builder $builder did not become ready within 30 s"
docker buildx use "$builder" >/dev/null

umask 077
cat >"$state_dir/env" <<ENV
DOCKER_HOST=$DOCKER_HOST
DOCKER_CONFIG=$DOCKER_CONFIG
BUILDX_BUILDER=$builder
E2E_BUILDKIT_ADDR=unix://$buildkit_sock
E2E_REGISTRY=$registry
E2E_REGISTRY_USER=$registry_user
E2E_REGISTRY_PASSWORD=$registry_password
ENV
log "ready; environment in $state_dir/env"
