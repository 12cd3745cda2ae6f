#!/usr/bin/env bash
# Installs the test dependencies (pip extras, Debian chromium and CJK fonts), runs the linters
# (ruff check, ruff format --check, mypy kb) and then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# setup.sh installs into .venv/ unless a virtual environment is already active
if [ -z "${VIRTUAL_ENV:-}" ]; then . .venv/bin/activate; fi
python -m ruff check kb tests scripts
python -m ruff format --check kb tests scripts
python -m mypy kb
exec python -m pytest -q "$@"
