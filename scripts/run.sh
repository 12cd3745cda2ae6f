#!/usr/bin/env bash
# The main job on the bundled corpus: install, build the knowledge base and the site, search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# setup.sh installs into .venv/ unless a virtual environment is already active
if [ -z "${VIRTUAL_ENV:-}" ]; then . .venv/bin/activate; fi
kb build
kb search 农民工 -n 5
echo
echo "site: $(pwd)/build/site/index.html"
