#!/usr/bin/env bash
# Sets up what is missing, then builds the playground and serves it at http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. .tools/env.sh
echo "==> trunk serve on http://127.0.0.1:8080"
exec trunk serve --address 127.0.0.1 --port 8080
