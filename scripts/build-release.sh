#!/usr/bin/env bash
# The release build (what dist/ serves): `trunk build --release`, with the standard library
# rebuilt for size when its source is installed (scripts/setup.sh says so in .tools/env.sh with
# FSP_SIZE_STD=1: rustup's rust-src component, or the Debian route's rust-web-src). Then std is
# compiled with the app (-Z build-std, feature optimize_for_size) and panics carry no file, line
# and column (-Z location-detail=none: no Location record per panic site, 2,500 of them, nor the
# source paths). Measured on the app's wasm after wasm-opt, gzip -9: 950,853 -> 898,593 bytes.
# A panic (a bug: the engine turns bad input into Python exceptions) still prints its message
# through the panic hook, without the place, then traps the wasm, which index.html says in a
# notice. (-C panic=immediate-abort, which drops the message too, would save 6.8 kB more: not
# worth the message.) Without std's source the build is the plain one. Only the release build:
# tests and `trunk serve` build as before.
# Usage: scripts/build-release.sh [trunk build options]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${FSP_SIZE_STD:-}" = 1 ]; then
  export RUSTC_BOOTSTRAP=1
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zlocation-detail=none"
fi
exec trunk build --release "$@"
