#!/usr/bin/env bash
# The images the cluster tier builds from: the stand-in for the official Node.js base image
# (scripts/container/base-image.sh), and for Tilt's dev builds that image with the machine's CA
# bundle trusted by Node (NODE_EXTRA_CA_CERTS): Tilt's docker_build goes through podman's Docker
# API without BuildKit, so the Dockerfile's npm_ca build secret cannot reach `npm ci` there. A
# machine that reaches the npm registry directly needs neither. Then the production image, pushed
# to the cluster's registry under two tags (the chart tests roll from one to the other).
#   scripts/cluster/images.sh REGISTRY_PORT
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../container/lib.sh
. "$repo/scripts/container/lib.sh"
base=$("$repo/scripts/container/base-image.sh")
if ! image_exists "$DEV_BASE_IMAGE"; then
  c=$("${BUILDAH[@]}" from --pull=never "$base")
  "${BUILDAH[@]}" copy "$c" /etc/ssl/certs/ca-certificates.crt /usr/local/share/machine-ca.pem >/dev/null
  "${BUILDAH[@]}" config --env NODE_EXTRA_CA_CERTS=/usr/local/share/machine-ca.pem "$c"
  "${BUILDAH[@]}" commit --quiet "$c" "$DEV_BASE_IMAGE" >/dev/null
  "${BUILDAH[@]}" rm "$c" >/dev/null
fi
port=${1:?the registry port}
prod=localhost:$port/whc-api
# WHC_CLUSTER_REUSE_IMAGES=1 (re-running tests on a kept cluster): keep what the registry has.
if [ "${WHC_CLUSTER_REUSE_IMAGES:-}" = 1 ] && curl -fs "http://localhost:$port/v2/whc-api/manifests/cluster-b" -H 'Accept: application/vnd.oci.image.manifest.v1+json' >/dev/null; then
  exit 0
fi
"$repo/scripts/container/build-image.sh" production "$prod:cluster-a"
"${BUILDAH[@]}" tag "$prod:cluster-a" "$prod:cluster-b"
for tag in cluster-a cluster-b; do "${BUILDAH[@]}" push --quiet --tls-verify=false "$prod:$tag" >/dev/null; done
