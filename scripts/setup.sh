#!/usr/bin/env bash
# Installs what plankb needs on a fresh Debian machine: the package (editable) and, with
# --test, the test tools plus Debian's chromium and CJK fonts for the browser tests.
#
# Debian's own python3 refuses `pip install` (PEP 668, "externally-managed-environment"), so
# the package goes into a project virtual environment, .venv/, created here with
# `python3 -m venv` (installing Debian's python3-venv first if the venv module or ensurepip is
# missing). If a virtual environment is already active ($VIRTUAL_ENV set), it is used instead.
# Afterwards `. .venv/bin/activate` puts `kb` on the PATH; scripts/run.sh and scripts/test.sh
# do that themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
apt_install() {
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if [ -n "${VIRTUAL_ENV:-}" ]; then
  PY="$VIRTUAL_ENV/bin/python"
  [ -x "$PY" ] || PY=python
else
  BASE=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    if ! "$BASE" -c "import venv, ensurepip" >/dev/null 2>&1; then
      echo "setup: the Python venv module is missing; installing python3-venv" >&2
      apt_install python3-venv
    fi
    rm -rf .venv   # a half-made one (e.g. from a run before python3-venv was installed)
    "$BASE" -m venv .venv
  fi
  PY=.venv/bin/python
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
    apt_install chromium fonts-noto-cjk
  fi
  "$PY" -m pip install -q -e ".[test]"
else
  "$PY" -m pip install -q -e .
fi
