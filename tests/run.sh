#!/usr/bin/env bash
# Installs what the test suite needs, then runs all of it.
#   bash tests/run.sh            # everything
#   bash tests/run.sh -k search  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${INBOX_APP_TEST_VENV:-.venv}

"$PYTHON" - <<'PY' || { echo "Unisono needs Python 3.11 or newer (found: $($PYTHON --version 2>&1))" >&2; exit 1; }
import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# Debian/Ubuntu packages the tests use: real servers (Dovecot, PostgreSQL), a
# virtual display and the libraries Qt needs on a bare system.
PACKAGES=(dovecot-imapd postgresql xvfb xauth libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0
          libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
          libxcb-image0 libxcb-xkb1 libfontconfig1 libdbus-1-3 fonts-dejavu-core)
if ! "$PYTHON" -c "import ensurepip" 2>/dev/null; then PACKAGES+=(python3-venv); fi
missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d keeps the packages from starting system-wide servers: the tests start their own.
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  else
    echo "The tests need these packages; install them first:" >&2
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
echo "== installing Unisono and its test tools into $VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
echo "== running the tests"
set +e
"$VENV/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure of the test command" >&2
  exit 1
fi
exit "$status"
