#!/usr/bin/env bash
# Stops exactly the processes recorded in $STACK_DIR/pids/*.pid (SIGTERM to all, wait,
# then SIGKILL what is left) and removes the pid files. Data and logs are kept.
# Idempotent.
#
# Usage: deploy/stack/down.sh [kafka|registry|ferretdb|s3 ...]   (default: all recorded)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STOP_TIMEOUT="${STACK_STOP_TIMEOUT:-30}"
PIDS="$STACK_DIR/pids"

main() {
  [[ -d "$PIDS" ]] || { log "nothing to stop ($PIDS does not exist)"; return 0; }
  local names=("$@") f n pid
  if [[ ${#names[@]} -eq 0 ]]; then
    for f in "$PIDS"/*.pid; do [[ -e "$f" ]] && names+=("$(basename "$f" .pid)"); done
  fi
  local running=() pids=()
  for n in "${names[@]}"; do
    [[ -f "$PIDS/$n.pid" ]] || continue
    if pid_alive "$n"; then
      pid="$(head -n1 "$PIDS/$n.pid")"
      log "$n: stopping pid $pid"
      kill -TERM "$pid" 2>/dev/null || true
      running+=("$n"); pids+=("$pid")
    else
      log "$n: not running"
      rm -f "$PIDS/$n.pid"
    fi
  done
  (( ${#running[@]} )) || { log "nothing running"; return 0; }

  local t0=$SECONDS i alive
  while :; do
    alive=0
    for i in "${!pids[@]}"; do kill -0 "${pids[$i]}" 2>/dev/null && alive=1; done
    (( alive && SECONDS - t0 < STOP_TIMEOUT )) || break
    sleep 0.2
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "${running[$i]}: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  t0=$SECONDS
  for i in "${!pids[@]}"; do
    while kill -0 "${pids[$i]}" 2>/dev/null && (( SECONDS - t0 < 10 )); do sleep 0.1; done
    rm -f "$PIDS/${running[$i]}.pid"
  done
  log "stopped: ${running[*]}"
}

main "$@"
