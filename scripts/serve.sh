#!/usr/bin/env bash
# Builds attnscope and serves it on http://127.0.0.1:8080 (installs missing tools first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
exec trunk serve --release
