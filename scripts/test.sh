#!/usr/bin/env bash
# Runs every test: the Rust workspace, then the Python package (built with maturin into a local
# virtual environment, .venv) with its tests and the example notebook.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --release

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".[test]"
.venv/bin/python -m pytest
.venv/bin/python -m pytest --nbmake examples/samenoud.ipynb
