#!/usr/bin/env bash
# Runs podman as it works on machines like CI's (root, no systemd, hybrid cgroups, no
# CAP_SYS_RESOURCE): runc instead of crun, cgroupfs, no default rlimits, and buildah's own vfs
# storage, so the images build-image.sh makes are there without a copy. Its configuration file
# lives in the git-ignored .cache/podman. Installs podman, runc and iptables from Debian when
# missing. Usage: scripts/container/podman.sh <podman arguments...>
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
state="${WHC_PODMAN_STATE:-$repo/.cache/podman}"
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  printf '[container] installing podman, runc and iptables\n' >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc iptables >/dev/null
fi
mkdir -p "$state"
conf="$state/containers.conf"
if [ ! -f "$conf" ]; then
  cat > "$conf" <<'CONF'
[containers]
# setrlimit fails without CAP_SYS_RESOURCE; the pod's own limits still apply.
default_ulimits = []
pids_limit = 0
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi
export CONTAINERS_CONF="$conf"
exec podman --storage-driver vfs --runtime runc "$@"
