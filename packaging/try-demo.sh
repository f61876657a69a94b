#!/usr/bin/env bash
# Installs Unisono into ./.venv and opens it on demo data (SQLite, no server, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "Unisono needs Python 3.11 or newer" >&2; exit 1; }
# Libraries Qt needs on a bare Debian/Ubuntu desktop.
PACKAGES=(libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
          libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 libfontconfig1
          libdbus-1-3)
if ! "$PYTHON" -c "import ensurepip" 2>/dev/null; then PACKAGES+=(python3-venv); fi
missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Qt needs these libraries; install them first:" >&2
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# A plain install, not an editable one: this is for trying the app, and pip says nothing on the way.
.venv/bin/python -m pip install -q --disable-pip-version-check .
exec .venv/bin/inbox-app --demo "$@"
