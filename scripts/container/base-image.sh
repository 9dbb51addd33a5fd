#!/usr/bin/env bash
# Synthesizes a stand-in for the official node:<major>-trixie-slim image (the Dockerfile's
# default base), for machines that cannot pull images: a minimal Debian root of that release
# (mmdebstrap, from the machine's own Debian mirror) with the Node.js on PATH (.ci/run puts the
# .node-version major there) and npm laid out as the official image lays them out
# (/usr/local/bin/node, /usr/local/lib/node_modules/npm) and the user `node` (uid/gid 1000).
# Prints the image name. Reuses the image when it already exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

ensure_container_tools
if image_exists "$BASE_IMAGE"; then
  echo "$BASE_IMAGE"
  exit 0
fi

# The mirror is read from the machine's apt configuration, never written down.
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || { log "no Debian mirror found in /etc/apt/sources.list.d/debian.sources"; exit 1; }

work=$(mktemp -d)
container=""
cleanup() {
  if [ -n "$container" ]; then "${BUILDAH[@]}" rm "$container" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

node_bin=$(readlink -f "$(command -v node)")
[ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" = "$NODE_MAJOR" ] \
  || { log "node on PATH is $("$node_bin" --version), not $NODE_MAJOR: PATH=\"\$(scripts/tools/node.sh):\$PATH\""; exit 1; }

log "bootstrapping Debian $DEBIAN_RELEASE (minbase)"
# libatomic1: Node.js 24 and later link it (the official slim images install it too).
mmdebstrap --quiet --variant=minbase --mode=root --include=libatomic1 "$DEBIAN_RELEASE" "$work/rootfs.tar" "deb $mirror $DEBIAN_RELEASE main" >&2

container=$("${BUILDAH[@]}" from scratch)
"${BUILDAH[@]}" add "$container" "$work/rootfs.tar" / >/dev/null
root=$("${BUILDAH[@]}" mount "$container")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*
"${BUILDAH[@]}" umount "$container" >/dev/null
"${BUILDAH[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$("$node_bin" --version | tr -d v)" --cmd node "$container"
"${BUILDAH[@]}" commit --quiet "$container" "$BASE_IMAGE" >/dev/null
log "base image $BASE_IMAGE ready ($(( $(image_size_bytes "$BASE_IMAGE") / 1000000 )) MB)"
echo "$BASE_IMAGE"
