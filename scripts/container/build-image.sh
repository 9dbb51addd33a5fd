#!/usr/bin/env bash
# Builds one target of the Dockerfile with buildah, as `docker build --target TARGET` would, on
# the synthesized base image (base-image.sh), from the files git knows (tracked, or new and not
# ignored: what a clone has). With --archive FILE it also writes the image as an OCI archive,
# which `podman load` takes. Prints nothing on stdout but the archive path (when asked).
#   scripts/container/build-image.sh TARGET TAG [--context DIR] [--archive FILE]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/scripts/container/lib.sh"
target=$1 tag=$2; shift 2
ctx="" archive=""
while [ $# -gt 0 ]; do
  case "$1" in
    --context) ctx=$2; shift 2 ;;
    --archive) archive=$2; shift 2 ;;
    *) log "build-image.sh: unknown argument $1"; exit 2 ;;
  esac
done
own_ctx=""
if [ -z "$ctx" ]; then
  ctx=$(mktemp -d); own_ctx=$ctx
  trap '[ -n "$own_ctx" ] && rm -rf "$own_ctx"' EXIT
  git -C "$repo" ls-files -z --cached --others --exclude-standard | (cd "$repo" && xargs -0 cp --parents -t "$ctx")
fi
ensure_container_tools
base=$("$repo/scripts/container/base-image.sh")
"${BUILDAH[@]}" bud --quiet --isolation chroot --layers --pull=never \
  --build-arg NODE_IMAGE="$base" \
  --build-arg NPM_CONFIG_REGISTRY="$(npm config get registry 2>/dev/null)" \
  --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt \
  --target "$target" -t "$tag" "$ctx" >/dev/null
if [ -n "$archive" ]; then
  rm -f "$archive"
  "${BUILDAH[@]}" push --quiet "$tag" "oci-archive:$archive:$tag" >/dev/null
  echo "$archive"
fi
