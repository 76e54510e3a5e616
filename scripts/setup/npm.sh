#!/usr/bin/env bash
# npm dependencies: installed when node_modules is missing or package-lock.json changed since
# the last install (its hash is kept in node_modules/.setup-lock-hash).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

stamp=node_modules/.setup-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/tsx ]; then
  exit 0
fi

if [ -x node_modules/.bin/tsx ]; then
  note "updating npm dependencies: package-lock.json changed (usually under a minute)"
else
  note "installing npm dependencies into node_modules: first run only, about 2 min (up to 6 on a busy machine)"
fi
# Not `npm ci`: npm 11 writes lockfiles without other platforms' optional binaries
# (@swc/core-darwin-*, …) and then its own `npm ci` refuses them as out of sync.
# `npm install` follows the lockfile all the same. Its summary goes to stderr with the rest.
timed "installing npm dependencies" npm install --no-audit --no-fund --loglevel=error >&2
sha256sum package-lock.json | cut -d' ' -f1 >"$stamp"
