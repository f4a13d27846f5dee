#!/usr/bin/env bash
# The notebook widget's test (tests/notebook/notebook.test.mjs) with the network cut: the built
# wheel is installed into .venv, then JupyterLab, its kernel and Chromium run in a network
# namespace whose only interface is loopback. Needs root (or unprivileged user namespaces).
set -euo pipefail
cd "$(dirname "$0")/../.."
wheel=$(ls release/attnscope-*-py3-none-any.whl 2>/dev/null | head -n 1 || true)
[ -n "$wheel" ] || { echo "no wheel in release/: run scripts/release.sh first" >&2; exit 1; }
.venv/bin/pip install --quiet --no-deps --force-reinstall --disable-pip-version-check "$wheel"
if [ "$(id -u)" -eq 0 ]; then
  exec unshare --net -- bash -c 'ip link set lo up && exec node --test --test-concurrency=1 tests/notebook/'
fi
exec unshare --net --map-root-user -- bash -c 'ip link set lo up && exec node --test --test-concurrency=1 tests/notebook/'
