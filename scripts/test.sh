#!/usr/bin/env bash
# Sets up what is missing, then runs every test: native unit and conformance tests, the
# engine on sql.js in headless Chromium, the release build, and the end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
. .tools/env.sh
say() { echo "==> $*"; }
start=$(date +%s)

say "native tests (cargo test)"
cargo test -- --nocapture

say "native runner over the public corpus (playground run-all + compare.py)"
cargo build --release --bin playground
mkdir -p target/release
# (unless the target dir is ./target itself)
[ "$CARGO_TARGET_DIR/release/playground" -ef target/release/playground ] \
  || ln -sf "$CARGO_TARGET_DIR/release/playground" target/release/playground
if [ -d ../shared/oracle/cases ]; then
  out=$(mktemp -d)
  t0=$(date +%s%N)
  target/release/playground run-all ../shared/oracle/cases "$out"
  t1=$(date +%s%N)
  echo "run-all: $(( (t1 - t0) / 1000000 )) ms for $(ls "$out" | wc -l) cases"
  summary=$(python3 ../shared/oracle/compare.py --cases ../shared/oracle/cases --actual "$out" --quiet | tail -n 1 || true)
  read -r ok _ bad _ <<< "$summary"
  echo "public corpus, native runner: $ok of $((ok + bad)) cases match the oracle (the rest: tests/expected-failures.txt)"
  rm -rf "$out"
fi

say "browser tests: the engine on sql.js in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver)} WASM_BINDGEN_TEST_TIMEOUT=600 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test browser

say "release build (scripts/build-release.sh: trunk build --release)"
./scripts/build-release.sh

say "end-to-end test in headless Chromium"
node tests/e2e/run.mjs dist test-artifacts

say "what the page loads (gzip -9)"
total=0
for f in dist/*; do
  [ -f "$f" ] || continue
  size=$(gzip -9 -c "$f" | wc -c)
  total=$((total + size))
  printf '  %8d  %s\n' "$size" "${f#dist/}"
done
printf '  %8d  total\n' "$total"
say "all tests passed in $(( $(date +%s) - start )) s"
