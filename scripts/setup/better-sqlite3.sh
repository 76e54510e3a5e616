#!/usr/bin/env bash
# better-sqlite3's native addon, built from source once per (package version, Node ABI) and
# cached, so a fresh clone restores it in a second instead of compiling SQLite for minutes.
# npm does not run the package's own install script (package.json allowScripts denies it):
# its prebuilt download needs GitHub, which these machines cannot reach.
#
# Usage: scripts/setup/better-sqlite3.sh [NODE_BINARY]
#   With NODE_BINARY (another Node, e.g. 24), the addon is built for that Node's ABI and
#   only cached; its path is printed, for BETTER_SQLITE3_BINDING.
set -euo pipefail
cd "$(dirname "$0")/../.."

node_bin=${1:-node}
pkg=node_modules/better-sqlite3
[ -f "$pkg/package.json" ] || exit 0 # not a dependency (yet): nothing to do

version=$(node -p "require('./$pkg/package.json').version")
abi=$("$node_bin" -p 'process.versions.modules')
cache=${SPEECH_CACHE_DIR:-$HOME/.cache/speech-coach}/better-sqlite3/$version/abi$abi
target=$pkg/build/Release/better_sqlite3.node

if [ ! -f "$cache/better_sqlite3.node" ]; then
  echo "[setup] building better-sqlite3 $version for Node ABI $abi (SQLite from source: 2-6 minutes, once per machine)" >&2
  node_dir=$(dirname "$(dirname "$(command -v "$node_bin" || echo "$node_bin")")")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$pkg/." "$work/"
  gyp=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
  [ -f "$gyp" ] || gyp=$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js
  # --nodedir: the headers of the Node we build for (no download from nodejs.org).
  (cd "$work" && "$node_bin" "$gyp" rebuild --release --nodedir="$node_dir" --jobs=2 >build.log 2>&1) || {
    tail -30 "$work/build.log" >&2
    echo "[setup] better-sqlite3 build failed (log above)" >&2
    exit 1
  }
  mkdir -p "$cache"
  cp "$work/build/Release/better_sqlite3.node" "$cache/better_sqlite3.node.tmp"
  mv "$cache/better_sqlite3.node.tmp" "$cache/better_sqlite3.node"
fi

if [ "$node_bin" = node ]; then
  if ! cmp -s "$cache/better_sqlite3.node" "$target" 2>/dev/null; then
    mkdir -p "$(dirname "$target")"
    cp "$cache/better_sqlite3.node" "$target"
  fi
else
  echo "$cache/better_sqlite3.node"
fi
