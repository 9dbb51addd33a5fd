#!/usr/bin/env bash
# The images the cluster tier builds from: the stand-in for the official Node.js base image
# (scripts/container/base-image.sh), and for Tilt's dev builds that image with the machine's CA
# bundle trusted by Node (NODE_EXTRA_CA_CERTS): Tilt's docker_build goes through podman's Docker
# API without BuildKit, so the Dockerfile's npm_ca build secret cannot reach `npm ci` there. A
# machine that reaches the npm registry directly needs neither.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../container/lib.sh
. "$repo/scripts/container/lib.sh"
dev_base=localhost/whc-node-base-ca:dev
base=$("$repo/scripts/container/base-image.sh")
if ! image_exists "$dev_base"; then
  c=$("${BUILDAH[@]}" from --pull=never "$base")
  "${BUILDAH[@]}" copy "$c" /etc/ssl/certs/ca-certificates.crt /usr/local/share/machine-ca.pem >/dev/null
  "${BUILDAH[@]}" config --env NODE_EXTRA_CA_CERTS=/usr/local/share/machine-ca.pem "$c"
  "${BUILDAH[@]}" commit --quiet "$c" "$dev_base" >/dev/null
  "${BUILDAH[@]}" rm "$c" >/dev/null
fi
echo "$dev_base"
