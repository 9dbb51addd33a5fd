#!/usr/bin/env bash
# Builds the Tiltfile evaluator (scripts/tilt/shim) into .tools/tiltfile-shim and prints its path.
# Needs Go and go.starlark.net from Debian (golang-go, golang-starlark-dev); installs them when
# running as root (CI), otherwise says what to install. Rebuilds only when the source changed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
out="$repo/.tools/tiltfile-shim"
src="$repo/scripts/tilt/shim/main.go"
GOPATH_STARLARK=/usr/share/gocode
if ! command -v go >/dev/null || [ ! -d "$GOPATH_STARLARK/src/go.starlark.net" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-starlark-dev >/dev/null
  else
    echo "build-shim: needs Go and go.starlark.net: apt-get install golang-go golang-starlark-dev" >&2
    exit 3
  fi
fi
if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
  mkdir -p "$repo/.tools"
  (cd "$repo/scripts/tilt/shim" && GO111MODULE=off GOPATH="$GOPATH_STARLARK" GOFLAGS='' go build -o "$out" .) >&2
fi
echo "$out"
