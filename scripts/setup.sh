#!/usr/bin/env bash
# Installs what plankb needs on a fresh Debian machine: the package (editable) and, with
# --test, the test tools plus Debian's chromium and CJK fonts for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
  $PY -m pip install -q -e ".[test]"
else
  $PY -m pip install -q -e .
fi
