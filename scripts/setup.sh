#!/usr/bin/env bash
# Installs what the playground needs, skipping what is already there:
#   the wasm32 Rust target (rustup; the Debian compiler route when rustup cannot),
#   wasm-bindgen-cli 0.2.130 and trunk 0.21.14 (cargo), sql.js / binaryen / playwright-core
#   (npm), and with --test Chromium and ChromeDriver (apt).
# Writes .tools/env.sh, which the other scripts source.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
with_test=0
[ "${1:-}" = "--test" ] && with_test=1
say() { echo "==> $*"; }
apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install $* (no apt-get here)" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ $apt_updated = 0 ]; then
    say "apt-get update"
    $sudo apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

mkdir -p .tools
export PATH="$HOME/.cargo/bin:$PATH"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/flask-sqlalchemy-playground
env_lines=()

# --- Node.js and npm -------------------------------------------------------------------
if command -v npm >/dev/null 2>&1; then
  say "node $(node --version) and npm present"
else
  apt_install nodejs npm
fi

# --- Rust and the wasm32 target --------------------------------------------------------
route=rustup
if command -v rustup >/dev/null 2>&1 && command -v cargo >/dev/null 2>&1; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "rustup target wasm32-unknown-unknown present"
  else
    say "rustup target add wasm32-unknown-unknown"
    if ! timeout 180 rustup target add wasm32-unknown-unknown; then
      say "rustup could not add the target: using the Debian compiler route"
      route=debian
    fi
  fi
else
  route=debian
fi
if [ $route = debian ]; then
  if [ ! -x /usr/bin/rustc ] || ! /usr/bin/rustc --version 2>/dev/null | grep -q "1\.9[6-9]\|1\.[1-9][0-9][0-9]"; then
    apt_install rustc-web cargo-web rust-web-src lld-22
  else
    say "Debian rustc present: $(/usr/bin/rustc --version)"
  fi
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain list | grep -q '^debian-web' || { say "rustup toolchain link debian-web /usr"; rustup toolchain link debian-web /usr; }
    env_lines+=("export RUSTUP_TOOLCHAIN=debian-web")
  fi
  env_lines+=("export RUSTC_BOOTSTRAP=1")
  env_lines+=("export CARGO_UNSTABLE_BUILD_STD=std,panic_abort")
  env_lines+=("export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-22/bin/wasm-ld")
  export PATH="/usr/bin:$PATH"
fi

# --- the standard library's source, for a smaller release wasm --------------------------
# scripts/build-release.sh rebuilds std for size when its source is here (about 52 kB gzip less
# to load); without it the release build is the plain one.
std_src="$(rustc --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library/std/Cargo.toml"
if [ ! -f "$std_src" ] && [ $route = rustup ]; then
  say "rustup component add rust-src"
  timeout 180 rustup component add rust-src >/dev/null 2>&1 \
    || say "rustup could not add rust-src: the release wasm is built with the prebuilt std (larger)"
fi
if [ -f "$std_src" ]; then
  say "std's source present: the release wasm is built with std rebuilt for size"
  env_lines+=("export FSP_SIZE_STD=1")
fi

# --- wasm-bindgen-cli and trunk --------------------------------------------------------
if wasm-bindgen --version 2>/dev/null | grep -q "0.2.130"; then
  say "wasm-bindgen 0.2.130 present"
else
  say "cargo install wasm-bindgen-cli 0.2.130 (a few minutes)"
  cargo install wasm-bindgen-cli --version 0.2.130 --force
fi
if trunk --version 2>/dev/null | grep -q "0.21.14"; then
  say "trunk 0.21.14 present"
else
  say "cargo install trunk 0.21.14 (several minutes)"
  cargo install trunk --version 0.21.14 --locked --force
fi

# --- npm packages ----------------------------------------------------------------------
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] \
   && [ -f node_modules/sql.js/dist/sql-wasm.wasm ] && [ -x node_modules/.bin/wasm-opt ]; then
  say "npm packages present"
else
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# --- Chromium for the browser tests ----------------------------------------------------
if [ $with_test = 1 ]; then
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    say "chromium and chromedriver present"
  else
    apt_install chromium chromium-driver
  fi
fi

# --- real Python for the test that runs an exported project (keep & share) ---------------
# The oracle's pinned requirements (Flask-SQLAlchemy 3.1.1, SQLAlchemy 2.1.9) in a venv of
# our own; tests/e2e/keep.mjs runs ../shared/oracle/oracle.py with it on the downloaded zip.
if [ $with_test = 1 ] && [ -f ../shared/oracle/requirements.txt ]; then
  venv=$cache/oracle-venv
  if "$venv/bin/python" -c 'import flask_sqlalchemy' >/dev/null 2>&1; then
    say "oracle venv present"
  else
    say "oracle venv: pip install -r ../shared/oracle/requirements.txt"
    python3 -m venv "$venv" >/dev/null 2>&1 || { apt_install python3-venv; rm -rf "$venv"; python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q --disable-pip-version-check -r ../shared/oracle/requirements.txt
  fi
  env_lines+=("export ORACLE_PYTHON=\"$venv/bin/python\"")
fi

# --- the environment the other scripts use ---------------------------------------------
{
  echo "# Written by scripts/setup.sh ($route route)."
  echo "export PATH=\"$root/node_modules/.bin:$HOME/.cargo/bin:\$PATH\""
  echo "export CARGO_TARGET_DIR=\"${CARGO_TARGET_DIR:-$cache/target-$route}\""
  for l in "${env_lines[@]+"${env_lines[@]}"}"; do echo "$l"; done
} > .tools/env.sh
say "setup done ($route route); environment in .tools/env.sh"
