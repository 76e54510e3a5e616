#!/usr/bin/env bash
# better-sqlite3's native addon, built once per (package version, Node ABI) on this machine and
# kept in ~/.cache/speech-coach/better-sqlite3/<version>/abi<N>/better_sqlite3.node. Building it
# takes 2-6 min (node-gyp compiles SQLite), and its prebuilt download needs GitHub, which these
# machines cannot reach; so a fresh clone copies the cached file instead of compiling again.
#
#   better-sqlite3.sh              the addon for the Node on PATH, into node_modules (restored
#                                  from the cache, or built in place and then cached)
#   better-sqlite3.sh NODE_BINARY  the addon for another Node (Node 24 for `npm run test:node24`),
#                                  into the cache only, and prints its path: that Node's ABI
#                                  differs, and node_modules keeps the one for the Node on PATH
#
# Tests on another Node pass that path to better-sqlite3's `nativeBinding` option through
# BETTER_SQLITE3_BINDING (scripts/with-node24.sh sets it). Nothing to do while the package is
# not a dependency.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

pkg=node_modules/better-sqlite3
[ -f "$pkg/package.json" ] || exit 0

target="${1:-}"
[ $# -le 1 ] || die "usage: better-sqlite3.sh [NODE_BINARY]"

version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n1)
if [ -z "$target" ]; then
  abi="${NODE_ABI:-$(node -p process.versions.modules)}"
  node_version="${NODE_VERSION:-$(node -p process.versions.node)}"
  nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
else
  [ -x "$target" ] || die "no Node at $target"
  read -r abi node_version < <("$target" -p 'process.versions.modules + " " + process.versions.node')
  nodedir="$(dirname "$(dirname "$(readlink -f "$target")")")"
fi
key="$version/abi$abi"
cached="$SPEECH_CACHE/better-sqlite3/$key/better_sqlite3.node"
in_clone="$pkg/build/Release/better_sqlite3.node"
stamp="$pkg/build/Release/.speech-coach-key"

# loads NODE ADDON: opens an in-memory database through the addon with that Node.
loads() {
  "$1" -e '
    const Database = require(process.argv[1]);
    const db = new Database(":memory:", { nativeBinding: process.argv[2] });
    db.prepare("select sqlite_version() as v").get();
    db.close();' "$PWD/$pkg" "$2" 2>/dev/null
}

save_to_cache() {
  mkdir -p "$(dirname "$cached")"
  cp "$1" "$cached.tmp.$$"
  mv -f "$cached.tmp.$$" "$cached"
}

node_gyp() {
  local gyp
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || gyp="$PWD/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || die "node-gyp not found (it comes with npm)"
  [ -f "$nodedir/include/node/node.h" ] ||
    die "no Node headers under $nodedir/include/node: node-gyp would download them, which fails offline"
  local tools=()
  command -v make >/dev/null || tools+=(make)
  command -v g++ >/dev/null || tools+=(g++)
  command -v python3 >/dev/null || tools+=(python3)
  [ ${#tools[@]} = 0 ] || apt_install "${tools[@]}"
  # Under `npm run`, npm exports its own config as npm_config_* (Debian's npm: nodedir=/usr, the
  # machine's Node 20 headers), and node-gyp lets that win over --nodedir: set both.
  npm_config_nodedir="$nodedir" node "$gyp" rebuild --release --jobs=2 --nodedir="$nodedir" >&2
}

# build DIR: compiles the package copy in DIR for the Node whose headers are under $nodedir.
build() {
  note "building better-sqlite3 $version for Node $node_version (ABI $abi) from source: once per machine, about 2-6 min; then cached in $SPEECH_CACHE/better-sqlite3"
  (cd "$1" && timed "building better-sqlite3 for Node $node_version" node_gyp)
}

if [ -z "$target" ]; then
  [ -f "$in_clone" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && exit 0
  clone_addon() {
    if [ -f "$in_clone" ] && loads node "$PWD/$in_clone"; then
      # Built by npm's own install script, or by an earlier run: keep it, and cache it.
      [ -f "$cached" ] || save_to_cache "$in_clone"
    elif [ -f "$cached" ] && loads node "$cached"; then
      note "better-sqlite3 $version for Node $node_version: copied from $cached"
      mkdir -p "$(dirname "$in_clone")"
      cp "$cached" "$in_clone"
    else
      build "$pkg"
      loads node "$PWD/$in_clone" || die "the better-sqlite3 build in $pkg does not load on Node $node_version"
      save_to_cache "$in_clone"
    fi
    echo "$key" >"$stamp"
  }
  with_cache_lock "better-sqlite3-$version-abi$abi" clone_addon
else
  other_addon() {
    [ -f "$cached" ] && return 0
    local tmp
    tmp=$(mktemp -d)
    # A copy of the package, so node_modules keeps the addon of the Node on PATH.
    cp -r "$pkg" "$tmp/better-sqlite3"
    rm -rf "$tmp/better-sqlite3/build"
    build "$tmp/better-sqlite3"
    loads "$target" "$tmp/better-sqlite3/build/Release/better_sqlite3.node" ||
      die "the better-sqlite3 build for Node $node_version does not load on $target"
    save_to_cache "$tmp/better-sqlite3/build/Release/better_sqlite3.node"
    rm -rf "$tmp"
  }
  with_cache_lock "better-sqlite3-$version-abi$abi" other_addon
  echo "$cached"
fi
