#!/usr/bin/env bash
# The cluster test tier (npm run test:cluster): starts the throw-away cluster (kube.sh), podman's
# Docker API for Tilt's docker_build, and the stand-in base images; runs test/cluster/ inside the
# cluster's network namespace; then stops everything it started, whatever happened. Where it cannot
# run (not root, or the shared tools missing), the tests are reported pending with the reason.
#   scripts/cluster/tier.sh [mocha args...]     e.g. --grep 'tilt ci'
#   WHC_CLUSTER_KEEP=1 scripts/cluster/tier.sh  leave the cluster up afterwards (scripts/cluster/kube.sh down)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
shared=${WHC_SHARED_TOOLS:-$repo/../shared/tools}
specs=(test/cluster/*.test.ts)

reason=""
if [ "$(id -u)" != 0 ]; then reason="needs root (a network namespace, mounts, cgroups)"
elif [ ! -f "$shared/kubernetes/hyperkube.xz" ] || [ ! -f "$shared/tilt/tilt-v0.37.6-linux-amd64.xz" ]; then
  reason="needs the shared Kubernetes and Tilt builds at $shared (or WHC_SHARED_TOOLS)"
fi
if [ -n "$reason" ]; then
  echo "cluster tier: pending: $reason" >&2
  WHC_CLUSTER_PENDING="$reason" exec npx mocha "$@" "${specs[@]}"
fi

# What image builds leave in the machine's image storage (vfs keeps a full copy of every layer):
# the working containers of the dev builds Tilt makes through podman's Docker API, and the images
# tagged for the cluster's registry. Removed at the end; only what this run added.
BUILDAH=(buildah --storage-driver vfs)
containers_before=$(mktemp)
"${BUILDAH[@]}" containers -q 2>/dev/null | sort > "$containers_before" || true
remove_build_leftovers() {
  comm -13 "$containers_before" <("${BUILDAH[@]}" containers -q 2>/dev/null | sort) | xargs -r "${BUILDAH[@]}" rm >/dev/null 2>&1 || true
  "${BUILDAH[@]}" images --format '{{.Name}}:{{.Tag}}' 2>/dev/null | grep "^localhost:${WHC_REGISTRY_PORT:-5005}/whc-api:" \
    | xargs -r "${BUILDAH[@]}" rmi >/dev/null 2>&1 || true
  "${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true
  rm -f "$containers_before"
}
cleanup() {
  local status=$?
  if [ "${WHC_CLUSTER_KEEP:-}" != 1 ]; then
    scripts/cluster/kube.sh down || status=1
    remove_build_leftovers
  fi
  exit $status
}
trap cleanup EXIT INT TERM
t0=$SECONDS
scripts/cluster/kube.sh up
scripts/cluster/images.sh "${WHC_REGISTRY_PORT:-5005}"
echo "cluster tier: cluster and images ready in $((SECONDS - t0)) s" >&2
eval "$(scripts/cluster/kube.sh env)"
export WHC_CLUSTER_TIER=1
scripts/cluster/kube.sh ns npx mocha "$@" "${specs[@]}"
