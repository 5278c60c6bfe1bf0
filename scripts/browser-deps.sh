#!/usr/bin/env bash
# Installs what the browser tests (tests/ui, marker "slow") need on Debian:
# the distribution's Chromium, driven headless by Playwright's Python package
# (whose Node driver ships inside the wheel, so no browser download is ever needed).
# Idempotent: installs only what is missing. Run as root, or with sudo available.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_PY="${VENV_PY:-$REPO/.venv/bin/python}"
PLAYWRIGHT_VERSION="${PLAYWRIGHT_VERSION:-1.65.2}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "browser-deps: not root and no sudo; run this script as root." >&2
        exit 1
    fi
fi

if command -v chromium >/dev/null 2>&1; then
    echo "browser-deps: chromium already installed: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
else
    echo "browser-deps: installing Debian's chromium with apt-get"
    echo "+ apt-get update"
    $SUDO apt-get update
    echo "+ apt-get install -y --no-install-recommends chromium fonts-dejavu-core"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
    echo "browser-deps: installed $(chromium --version 2>/dev/null || command -v chromium)"
fi

if [ -x "$VENV_PY" ]; then
    if "$VENV_PY" -c "import playwright" >/dev/null 2>&1; then
        echo "browser-deps: playwright already in $(dirname "$(dirname "$VENV_PY")")"
    else
        echo "+ $VENV_PY -m pip install playwright==$PLAYWRIGHT_VERSION"
        "$VENV_PY" -m pip install "playwright==$PLAYWRIGHT_VERSION"
    fi
else
    echo "browser-deps: no virtualenv at $VENV_PY; install playwright==$PLAYWRIGHT_VERSION into yours" >&2
fi
echo "browser-deps: done (tests launch /usr/bin/chromium; never run 'playwright install')."
