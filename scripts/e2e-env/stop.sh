#!/usr/bin/env bash
# Stops what start.sh started in STATE_DIR, by the PIDs it recorded (TERM, then KILL after 20 s), unmounts
# whatever dockerd left mounted below STATE_DIR and removes the folder (unless --keep).
# Usage: stop.sh STATE_DIR [--keep]
set -uo pipefail

state_dir="${1:?usage: stop.sh STATE_DIR [--keep]}"
keep="${2:-}"
[[ -d "$state_dir" ]] || exit 0
state_dir="$(cd "$state_dir" && pwd)"

# Containers first (through the daemon), so that dockerd shuts down without waiting on them.
if [[ -S "$state_dir/docker.sock" ]]; then
  ids="$(DOCKER_HOST="unix://$state_dir/docker.sock" timeout 10 docker ps -q 2>/dev/null || true)"
  # shellcheck disable=SC2086 # container IDs are words
  [[ -z "$ids" ]] || DOCKER_HOST="unix://$state_dir/docker.sock" timeout 20 docker kill $ids >/dev/null 2>&1 || true
fi

for name in buildkitd dockerd registry; do
  pid_file="$state_dir/$name.pid"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop.sh: $name ($pid) ignored SIGTERM for 20 s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$pid_file"
done

# Deepest mount points first.
awk -v dir="$state_dir/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mount_point; do
  umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null || true
done

[[ "$keep" == "--keep" ]] || rm -rf "$state_dir"
