#!/usr/bin/env bash
# Build the app as a PyInstaller onedir bundle in dist/BrokerAccountManager and run its
# --self-test (README "Build it yourself"). On Windows, run `python packaging/build.py` in a
# virtual environment with `pip install -e .[build]` instead (what .github/workflows does).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
.venv/bin/python packaging/build.py "$@"
