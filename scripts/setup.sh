#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, only when it is missing, so a second run
# takes well under a second. Usage: scripts/setup.sh [--test]
#   (no flag)  npm dependencies; ffmpeg, pocketsphinx and its English model (apt)
#   --test     also Chromium, for the dashboard's browser test
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[setup] %s\n' "$*" >&2; }

# Node: the code runs on Node 20.19+ and 24 (mongodb 7 needs 20.19).
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || {
  echo "Node >= 20.19 is required (found $(node --version))" >&2
  exit 1
}

# System packages through apt, only those missing.
pkgs=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || pkgs+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null || pkgs+=(pocketsphinx)
[ -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ] || pkgs+=(pocketsphinx-en-us)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || pkgs+=(chromium)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! command -v apt-get >/dev/null; then
    echo "Please install: ${pkgs[*]} (this script knows only Debian/Ubuntu's apt)" >&2
    exit 1
  fi
  log "installing ${pkgs[*]} with apt"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# npm dependencies: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.setup-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies"
  # Not `npm ci`: npm 11 writes lockfiles without other platforms' optional binaries
  # (@swc/core-darwin-*, …) and then its own `npm ci` refuses them as out of sync.
  # `npm install` follows the lockfile all the same.
  npm install --no-audit --no-fund --loglevel=error
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  echo "$want" > "$stamp"
fi
bash scripts/setup/whisper.sh
