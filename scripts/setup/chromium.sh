#!/usr/bin/env bash
# Debian's Chromium, which playwright-core drives for the dashboard's browser test (never
# `playwright install`: it downloads a browser build, which fails offline).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

[ -x /usr/bin/chromium ] || apt_install chromium
