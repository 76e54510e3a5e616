#!/usr/bin/env bash
# Runs a command with Node 24 LTS as `node`, beside the machine's Node: CI runs the unit tier on
# both (`npm run test:node24` = this with `jest --selectProjects unit`). Installs Node 24 into
# ~/.cache/speech-coach/node24 first (scripts/setup/node24.sh), and native addons for its ABI.
#   BETTER_SQLITE3_BINDING  the better-sqlite3 addon built for Node 24 (set once the package is a
#                           dependency): pass it to better-sqlite3's `nativeBinding` option, since
#                           node_modules holds the build for the machine's Node.
# Usage: scripts/with-node24.sh CMD [ARG...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || {
  echo "usage: scripts/with-node24.sh CMD [ARG...]" >&2
  exit 2
}
bash scripts/setup.sh --node24
# shellcheck source=setup/lib.sh
source scripts/setup/lib.sh
export PATH="$(dirname "$NODE24_BIN"):$PWD/node_modules/.bin:$PATH"
binding=$(bash scripts/setup/better-sqlite3.sh "$NODE24_BIN")
if [ -n "$binding" ]; then export BETTER_SQLITE3_BINDING="$binding"; fi
note "running on Node $(node --version) ($NODE24_BIN): $*"
exec "$@"
