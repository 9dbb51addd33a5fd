# Shared by the container scripts: buildah as CI can run it (vfs storage, chroot isolation).
# shellcheck shell=bash
BUILDAH=(buildah --storage-driver vfs)
# The official base image this stands in for: node:<major>-<Debian release>-slim.
NODE_MAJOR=$(tr -d ' \nv' < "$(dirname "${BASH_SOURCE[0]}")/../../.node-version")
DEBIAN_RELEASE=trixie
# shellcheck disable=SC2034 # read by the scripts that source this file
BASE_IMAGE=localhost/whc-node-base:$NODE_MAJOR-$DEBIAN_RELEASE-slim
# The same with the machine's CA bundle trusted by Node, for Tilt's dev builds on the cluster tier
# (scripts/cluster/images.sh makes it; kube.sh env hands it to Tilt as NODE_IMAGE).
# shellcheck disable=SC2034 # read by the scripts that source this file
DEV_BASE_IMAGE=localhost/whc-node-base-ca:dev

log() { printf '[container] %s\n' "$*" >&2; }

# Installs buildah and mmdebstrap from Debian when missing (CI machines start without them).
ensure_container_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

image_exists() { "${BUILDAH[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# Unpacked size of an image's filesystem in bytes (what `docker images` reports), measured on a
# mounted throw-away container.
image_size_bytes() {
  local c m size
  c=$("${BUILDAH[@]}" from --pull=never "$1")
  m=$("${BUILDAH[@]}" mount "$c")
  size=$(du -sbx "$m" | cut -f1)
  "${BUILDAH[@]}" rm "$c" >/dev/null
  echo "$size"
}
