#!/usr/bin/env bash
# Benchmark (not a timed test): runs the public corpus through the native runner (release
# build) and through the oracle (real CPython + Flask-SQLAlchemy + SQLAlchemy), and prints
# both wall times and their ratio. Each case runs in a fresh process on both sides, as the
# oracle does it.
#   scripts/bench-corpus.sh [CASES_DIR]      (default ../shared/oracle/cases)
# The oracle's interpreter: $ORACLE_VENV (as run_all.sh uses it), else /work/oracle-venv or
# /root/oracle-venv, else the venv run_all.sh makes beside the oracle.
# PLAYGROUND_BIN=path times that runner binary instead of building the release one (to compare
# two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=$(cd "${1:-../shared/oracle/cases}" && pwd)
oracle_dir=$(cd "$cases/.." && pwd)
[ -f "$oracle_dir/oracle.py" ] || oracle_dir=$(cd ../shared/oracle && pwd)
venv=${ORACLE_VENV:-}
if [ -z "$venv" ]; then
  for v in /work/oracle-venv /root/oracle-venv "$oracle_dir/.venv"; do
    if [ -x "$v/bin/python" ]; then venv=$v; break; fi
  done
fi
if [ -z "$venv" ] || [ ! -x "$venv/bin/python" ]; then
  echo "bench-corpus: no oracle venv (set ORACLE_VENV, or run $oracle_dir/run_all.sh once)" >&2
  exit 1
fi
[ ! -f .tools/env.sh ] || . .tools/env.sh
if [ -n "${PLAYGROUND_BIN:-}" ]; then
  bin=$PLAYGROUND_BIN
else
  cargo build --release --bin playground >&2
  bin=${CARGO_TARGET_DIR:-target}/release/playground
fi

n=$(find "$cases" -mindepth 1 -maxdepth 1 -type d | wc -l)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
now() { date +%s%N; }

# Native: one process per case, like the oracle (run-all in one process is faster still).
t0=$(now)
for c in "$cases"/*/; do
  "$bin" run "$c" -o "$out/native-$(basename "$c").json" || true
done
t1=$(now)
"$bin" run-all "$cases" "$out/all" >/dev/null || true
t2=$(now)
# The oracle, from a scratch folder so nothing is written beside the cases.
(cd "$out" && for c in "$cases"/*/; do
  "$venv/bin/python" "$oracle_dir/oracle.py" "$c" -o "$out/oracle-$(basename "$c").json" || true
done)
t3=$(now)

native_ms=$(( (t1 - t0) / 1000000 ))
runall_ms=$(( (t2 - t1) / 1000000 ))
oracle_ms=$(( (t3 - t2) / 1000000 ))
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) b = 1; printf "%.1f", a / b }'; }
echo "cases:                          $n ($cases)"
echo "native runner (release), per-case processes: ${native_ms} ms"
echo "native runner, run-all in one process:       ${runall_ms} ms"
echo "oracle (CPython + SQLAlchemy 2.1.9):         ${oracle_ms} ms"
echo "ratio oracle / native (per-case):  $(ratio "$oracle_ms" "$native_ms")x"
echo "ratio oracle / native (run-all):   $(ratio "$oracle_ms" "$runall_ms")x"
