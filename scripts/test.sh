#!/usr/bin/env bash
# Installs the test dependencies (pip extras, Debian chromium and CJK fonts) and runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# setup.sh installs into .venv/ unless a virtual environment is already active
if [ -z "${VIRTUAL_ENV:-}" ]; then . .venv/bin/activate; fi
exec python -m pytest -q "$@"
