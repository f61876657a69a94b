#!/usr/bin/env bash
# Builds the frozen Linux app (PyInstaller, packaging/inbox-app.spec) from this checkout into
# dist/inbox-app/, then checks what it built: --help, a demo store read back as JSON, a schema
# made by the bundled migrations, every channel found through its entry point, and the window
# staying open on the offscreen platform. Prints the built size at the end.
#
#   git clone REPO unisono && cd unisono && bash packaging/build-linux.sh
#
# Environment: PYTHON (3.11 or newer, default python3); BUILD_VENV (the build's own virtual
# environment, default build/venv, made on first use: the app, its dependencies and PyInstaller
# from PyPI); SMOKE_SECONDS (how long the window must stay open, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV=${BUILD_VENV:-build/venv}
SMOKE_SECONDS=${SMOKE_SECONDS:-5}
CHANNELS=(fake email matrix telegram mastodon google_reviews)

"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || { echo "building Unisono needs Python 3.11 or newer" >&2; exit 1; }

step() { echo "== $*"; }
fail() { echo "build-linux: $*" >&2; exit 1; }

step "build environment in $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
VENV_PY="$(cd "$VENV" && pwd)/bin/python"
# A plain install, not an editable one: the frozen app copies the installed metadata (its
# entry points name the channels), which must be this checkout's.
"$VENV_PY" -m pip install -q --disable-pip-version-check . pyinstaller

step "freezing the app (PyInstaller)"
rm -rf dist/inbox-app
"$VENV_PY" -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/inbox-app.spec
APP="$ROOT/dist/inbox-app/inbox-app"
[ -x "$APP" ] || fail "PyInstaller made no $APP"

# The checks run in a folder of their own, with the app's settings, logs and caches there too,
# so nothing of the builder's own Unisono is read or touched.
SMOKE=$(mktemp -d)
GUI_PID=
cleanup() {
  if [ -n "$GUI_PID" ]; then kill "$GUI_PID" 2>/dev/null || true; fi
  rm -rf "$SMOKE"
}
trap cleanup EXIT
export HOME="$SMOKE/home" XDG_CONFIG_HOME="$SMOKE/config" XDG_DATA_HOME="$SMOKE/data" \
  XDG_CACHE_HOME="$SMOKE/cache" XDG_STATE_HOME="$SMOKE/state"
mkdir -p "$HOME"
for name in $(compgen -e); do
  case $name in INBOX_APP_* | QT_*) unset "$name" ;; esac
done
cd "$SMOKE"

step "smoke test: --help"
"$APP" --help >help.txt || fail "--help failed"
grep -q "COMMAND" help.txt || fail "--help printed no commands"

step "smoke test: a new store upgraded by the bundled migrations"
"$APP" --database "sqlite:///$SMOKE/new.db" db upgrade || fail "db upgrade failed"
"$APP" --json --database "sqlite:///$SMOKE/new.db" db status >status.json || fail "db status failed"
"$VENV_PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if s["current"] == s["head"] else 1)' \
  status.json || fail "db upgrade left the store short of the newest revision: $(cat status.json)"

step "smoke test: a demo store"
DEMO="sqlite:///$SMOKE/demo.db"
"$APP" --database "$DEMO" demo || fail "demo failed"
"$APP" --database "$DEMO" cases list --json >cases.json || fail "cases list failed"
"$VENV_PY" -c 'import json, sys; cases = json.load(open(sys.argv[1])); sys.exit(0 if cases else 1)' \
  cases.json || fail "cases list --json returned no cases"

step "smoke test: channels found through their entry points"
# The demo store offers the testing channel too (a store setting; not in a real store).
"$APP" --database "$DEMO" accounts kinds >kinds.txt || fail "accounts kinds failed"
for kind in "${CHANNELS[@]}"; do
  grep -q "^$kind (" kinds.txt || fail "the frozen app does not list the '$kind' channel"
done
echo "channels: ${CHANNELS[*]}"

step "smoke test: the window is shown and stays open for ${SMOKE_SECONDS} s (offscreen)"
# --verbose: the app logs "window shown" once the window is up, which proves more than a live process.
QT_QPA_PLATFORM=offscreen "$APP" --verbose --database "$DEMO" >gui.out 2>gui.err &
GUI_PID=$!
gui_failed() {
  cat gui.out gui.err >&2
  fail "$1"
}
for _ in $(seq 600); do # a busy machine may take a while: up to a minute for the first paint
  grep -q "window shown" gui.err && break
  kill -0 "$GUI_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q "window shown" gui.err || gui_failed "the window was not shown"
sleep "$SMOKE_SECONDS"
kill -0 "$GUI_PID" 2>/dev/null || gui_failed "the window closed within ${SMOKE_SECONDS} s of being shown"
kill "$GUI_PID"
wait "$GUI_PID" 2>/dev/null || true
GUI_PID=
if grep -q "Traceback" gui.err; then gui_failed "the window wrote a traceback"; fi

cd "$ROOT"
step "built dist/inbox-app: $(du -sh dist/inbox-app | cut -f1) ($(du -sb dist/inbox-app | cut -f1) bytes)"
