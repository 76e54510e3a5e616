#!/usr/bin/env bash
# Stops what `npm run stack` started: the six services (by their recorded PIDs), then the servers.
set -euo pipefail
cd "$(dirname "$0")/.."
stack_dir="${STACK_DIR:-$PWD/.stack}"
pids_file="$stack_dir/pids/services.json"
if [ -f "$pids_file" ]; then
  for pid in $(node -e 'const j=require(process.argv[1]); console.log([j.launcher, ...Object.values(j.services)].join(" "))' "$pids_file"); do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 40); do
    alive=0
    for pid in $(node -e 'const j=require(process.argv[1]); console.log(Object.values(j.services).join(" "))' "$pids_file"); do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  rm -f "$pids_file"
fi
bash deploy/stack/down.sh
