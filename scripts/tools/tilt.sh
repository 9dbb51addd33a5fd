#!/usr/bin/env bash
# Prints the bin/ folder of Tilt v0.37.6, unpacked from the shared tools (../shared/tools/tilt, or
# WHC_SHARED_TOOLS/tilt) into the git-ignored .tools/ folder, checked against the sha256 its README
# states; also unpacks the offline clone of tilt-extensions under .tools/tilt-data, the
# XDG_DATA_HOME that Tilt must then be run with for `load('ext://...')` to work offline
# (scripts/cluster/env.sh exports it). Exits 3 with a message when the shared tools are missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${WHC_SHARED_TOOLS:-$repo/../shared/tools}
VERSION=0.37.6
SHA256=e4f4c3b397aa422550a4498e04efa4b825e749785a98b8fad75c0a2a25353544
archive="$shared/tilt/tilt-v$VERSION-linux-amd64.xz"
bin="$repo/.tools/tilt-$VERSION"
data="$repo/.tools/tilt-data"
if [ ! -x "$bin/tilt" ]; then
  [ -f "$archive" ] || { echo "tilt.sh: $archive is missing (the shared tools: Tilt v$VERSION built from source)" >&2; exit 3; }
  mkdir -p "$bin"
  xz -dc "$archive" > "$bin/tilt.part"
  echo "$SHA256  $bin/tilt.part" | sha256sum -c --quiet - >&2
  chmod +x "$bin/tilt.part" && mv "$bin/tilt.part" "$bin/tilt"
fi
extensions="$data/tilt-dev/tilt_modules/github.com/tilt-dev"
if [ ! -d "$extensions/tilt-extensions" ] && [ -f "$shared/tilt/tilt-extensions.tar.xz" ]; then
  mkdir -p "$extensions"
  xz -dc "$shared/tilt/tilt-extensions.tar.xz" | tar -x -C "$extensions"
fi
echo "$bin"
