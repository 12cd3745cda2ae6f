#!/usr/bin/env bash
# Installs the test dependencies (pip extras, Debian chromium and CJK fonts) and runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec python3 -m pytest -q "$@"
