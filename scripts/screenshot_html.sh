#!/usr/bin/env bash
# Renders an HTML report with headless Chromium and saves a PNG screenshot, to check by eye
# that the charts of `--html` pages render (the test suite checks the markup; only a browser
# shows the picture). Optional: Chromium is large, so it is not among setup.sh's packages;
# this script installs the Debian `chromium` package when it is missing.
#
# usage: scripts/screenshot_html.sh REPORT.html OUT.png [WIDTH,HEIGHT]   (default 1400,1800)
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 REPORT.html OUT.png [WIDTH,HEIGHT]" >&2
  exit 1
fi
page=$(realpath "$1")
out=$(realpath -m "$2")
size=${3:-1400,1800}

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: Chromium refuses to run as root with its sandbox; the page is our own file.
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$out" --window-size="$size" "file://$page" 2>/dev/null
echo "wrote $out"
