#!/usr/bin/env bash
# Data the benchmarks score against: the LibriVox utterances with reference transcriptions in
# Debian's pocketsphinx-testdata (real read speech, for the stt-engines WER figures).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ] || apt_install pocketsphinx-testdata
