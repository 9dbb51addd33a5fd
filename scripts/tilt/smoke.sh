#!/usr/bin/env sh
# Smoke check of a deployed whc-api (Tilt runs it after each deploy): waits up to 90 s for
# /ready, then checks /health and one /query row. Usage: smoke.sh http://127.0.0.1:32638
set -eu
base=${1:-http://127.0.0.1:32638}
deadline=$(( $(date +%s) + 90 ))
until curl -fsS -o /dev/null "$base/ready"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "smoke: $base/ready did not answer 200 within 90 s" >&2
    curl -sS "$base/ready" >&2 || true
    exit 1
  fi
  sleep 2
done
curl -fsS "$base/health" >/dev/null
row=$(curl -fsS "$base/query?unique_number=230")
case "$row" in
  '[{"unique_number":230,'*) echo "smoke: ok: /ready, /health and /query?unique_number=230 answer at $base" ;;
  *) echo "smoke: unexpected /query answer: $(printf '%s' "$row" | cut -c1-200)" >&2; exit 1 ;;
esac
