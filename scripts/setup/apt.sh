#!/usr/bin/env bash
# System packages the platform runs: ffmpeg/ffprobe (decoding, chunking) and the offline
# engine, pocketsphinx with its English model. Only those missing, through apt.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

pkgs=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || pkgs+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null || pkgs+=(pocketsphinx)
[ -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ] || pkgs+=(pocketsphinx-en-us)
[ ${#pkgs[@]} = 0 ] || apt_install "${pkgs[@]}"
