#!/usr/bin/env bash
# Container smoke test of the production image, run by .ci/run (the dev image is run as a pod, with
# Tilt's live update, by test/pods/): builds the production target with buildah (on a
# synthesized base, since no image can be pulled here; build-image.sh), runs each image's own CMD as its own
# USER, and checks that it serves, runs as uid 1000, writes nothing to its filesystem and stops
# on SIGTERM. Prints image sizes and build/start timings. Cleans up containers, mounts and
# processes it started, by id.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/scripts/container/lib.sh"

PROD_TAG=localhost/whc-api:smoke
PROD_PORT=${SMOKE_PROD_PORT:-18080}
STOP_WITHIN_S=5

containers=()
pids=()
ctx=$(mktemp -d)
cleanup() {
  local pid c
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for c in "${containers[@]}"; do "${BUILDAH[@]}" umount "$c" >/dev/null 2>&1 || true; "${BUILDAH[@]}" rm "$c" >/dev/null 2>&1 || true; done
  "${BUILDAH[@]}" rmi "$PROD_TAG" >/dev/null 2>&1 || true
  "${BUILDAH[@]}" rmi --prune >/dev/null 2>&1 || true
  rm -rf "$ctx"
}
trap cleanup EXIT

fail() { log "FAIL: $*"; exit 1; }
now_ms() { date +%s%3N; }

# The build context: the files git knows (tracked, or new and not ignored), as a clone would have.
git -C "$repo" ls-files -z --cached --others --exclude-standard | (cd "$repo" && xargs -0 cp --parents -t "$ctx")

ensure_container_tools
base=$("$repo/scripts/container/base-image.sh")

build() { # target tag
  "$repo/scripts/container/build-image.sh" "$1" "$2" --context "$ctx"
}

t0=$(now_ms); build production "$PROD_TAG"; build_prod_ms=$(( $(now_ms) - t0 ))
# A change to src/ only must reuse the dependency layers.
echo "// smoke: a source-only change" >> "$ctx/src/main.ts"
t0=$(now_ms); build production "$PROD_TAG"; rebuild_src_ms=$(( $(now_ms) - t0 ))
log "built production in ${build_prod_ms} ms; rebuilt production after a src/ change in ${rebuild_src_ms} ms"

image_config() { "${BUILDAH[@]}" inspect --type image "$1" | jq -c ".OCIv1.config.$2"; }

# Depth-first search for the first descendant of $1 whose command name is $2.
descendant_named() {
  local child found
  for child in $(pgrep -P "$1" || true); do
    # Node 24 and later name their main thread, and so the process, "node-MainThread".
    case "$(cat "/proc/$child/comm" 2>/dev/null)" in "$2" | "$2-MainThread") echo "$child"; return 0 ;; esac
    if found=$(descendant_named "$child" "$2"); then echo "$found"; return 0; fi
  done
  return 1
}

wait_for_url() { # url seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Starts the image's own CMD as its own USER; sets $run_pid, $server_pid, $container, $root.
start_image() { # image port logfile
  local user cmd
  if curl -s -o /dev/null "http://127.0.0.1:$2/" 2>/dev/null; then fail "port $2 already answers: stop what listens there, or set SMOKE_PROD_PORT"; fi
  user=$(image_config "$1" User | jq -r .)
  mapfile -t cmd < <(image_config "$1" Cmd | jq -r '.[]')
  container=$("${BUILDAH[@]}" from --pull=never "$1"); containers+=("$container")
  "${BUILDAH[@]}" config --env PORT="$2" "$container"
  root=$("${BUILDAH[@]}" mount "$container")
  touch "$ctx/.started"
  "${BUILDAH[@]}" run --isolation chroot --user "$user" "$container" -- "${cmd[@]}" >"$3" 2>&1 &
  run_pid=$!; pids+=("$run_pid")
  for _ in $(seq 1 100); do
    server_pid=$(descendant_named "$run_pid" node) && break
    sleep 0.1
  done
  [ -n "${server_pid:-}" ] || fail "no node process started from $1"
  pids+=("$server_pid")
}

uid_of() { awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status"; }

stop_and_wait() { # pid name
  local start
  start=$(now_ms)
  kill -TERM "$1"
  for _ in $(seq 1 $(( STOP_WITHIN_S * 10 ))); do
    kill -0 "$1" 2>/dev/null || { log "$2 stopped $(( $(now_ms) - start )) ms after SIGTERM"; return 0; }
    sleep 0.1
  done
  fail "$2 still running ${STOP_WITHIN_S} s after SIGTERM"
}

# ---- production image
log "production: running $(image_config "$PROD_TAG" Cmd) as $(image_config "$PROD_TAG" User)"
t0=$(now_ms)
start_image "$PROD_TAG" "$PROD_PORT" "$ctx/prod.log"
wait_for_url "http://127.0.0.1:$PROD_PORT/ready" 30 || { cat "$ctx/prod.log" >&2; fail "production image never became ready"; }
start_to_ready_ms=$(( $(now_ms) - t0 ))
curl -fsS "http://127.0.0.1:$PROD_PORT/health" | jq -e '.status == "ok"' >/dev/null || fail "/health"
curl -fsS "http://127.0.0.1:$PROD_PORT/ready" | jq -e '.dataset.rows == 1121' >/dev/null || fail "/ready"
curl -fsS "http://127.0.0.1:$PROD_PORT/query?unique_number=230" \
  | jq -e 'length == 1 and .[0].id_no == 208 and (.[0].name_en | startswith("Cultural Landscape and Archaeological Remains of the Bamiyan Valley"))' >/dev/null \
  || fail "/query?unique_number=230"
[ "$(uid_of "$server_pid")" = "1000 1000 1000 1000" ] || fail "production server runs as uid $(uid_of "$server_pid"), not 1000"
stop_and_wait "$server_pid" "production server"
wait "$run_pid" || fail "production container exited with status $?, not 0"
grep -q '"shutdown complete"' "$ctx/prod.log" || fail "no graceful shutdown in the production log"
# Its CMD starts from the startup snapshot the build stage made, and the bundled CSV is served from it
# (a blob the image's Node refused would exit 14 before any log; a mismatch would load the file).
# Read once the process has exited: log lines are written in batches.
grep -q '"fromSnapshot":true' "$ctx/prod.log" || { cat "$ctx/prod.log" >&2; fail "the production image did not start from its startup snapshot"; }
# Read-only root filesystem: nothing but what buildah itself writes for a run may have changed.
written=$(cd "$root" && find . -xdev -newer "$ctx/.started" ! -path . ! -path ./etc ! -path ./etc/hosts ! -path ./etc/resolv.conf ! -path ./etc/hostname ! -path ./run ! -path ./run/.containerenv ! -path './proc*' ! -path './sys*' ! -path './dev*')
[ -z "$written" ] || fail "the production server wrote to its filesystem: $written"
log "production: ready ${start_to_ready_ms} ms after start, from its startup snapshot; /health, /ready, /query OK; uid 1000; SIGTERM -> exit 0; no filesystem writes"

# ---- sizes
base_bytes=$(image_size_bytes "$base")
prod_bytes=$(image_size_bytes "$PROD_TAG")
mb() { echo "$(( $1 / 1000000 )) MB"; }
# The startup snapshot is counted apart: it holds the bundled CSV's dataset and grows with it
# (docs/performance.md, "A V8 startup snapshot"); everything else keeps its 60 MB bound.
blob_bytes=$(stat -c %s "$root/app/dist/snapshot/whc-api.blob")
log "sizes: base $(mb "$base_bytes"), production $(mb "$prod_bytes") (+$(mb $(( prod_bytes - base_bytes ))) over the base, of which the startup snapshot $(mb "$blob_bytes"))"
[ $(( prod_bytes - base_bytes - blob_bytes )) -le 60000000 ] || fail "production image is more than 60 MB over its base, its startup snapshot aside"
# 21 MB for the bundled CSV's 2 MB (7 of Node's own heap, 8 of modules, 5 of dataset): more than
# 35 would mean something else was snapshotted (a larger file, objects the build left reachable).
[ "$blob_bytes" -le 35000000 ] || fail "the startup snapshot is $(mb "$blob_bytes"), over 35 MB"
log "all container checks passed"
