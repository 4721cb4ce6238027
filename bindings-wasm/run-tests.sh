#!/usr/bin/env bash
# Builds and tests the wasm binding; the Makefile calls it. Works on a fresh Debian machine:
# the setup scripts install the wasm toolchain, Chromium and the npm packages.
#
#   1. build.sh                        wasm build, JS glue, demo files
#   2. scripts/setup-browser.sh        chromium (apt) and `npm ci` (package-lock.json)
#   3. tools/gen-types.mjs --check, tsc  types.generated.d.ts current; index.d.ts against tests/types.ts
#   4. node --test                     API, conformance, Plan.load and the packed tarball (Node)
#   5. node --test tests/browser.test.mjs   the demo page in headless Chromium at 1920, 1280 and 390 px, docs/demo.png
#      (UPDATE_SCREENSHOTS=1 also writes docs/demo-1920.png, demo-1280.png, demo-390.png)
#
# SKIP_BUILD=1 reuses an existing build; SKIP_BROWSER=1 leaves out step 5.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
log() { printf '\n[attain-wasm] == %s\n' "$*" >&2; }

# shellcheck source=tools/ensure-node.sh
source "$HERE/tools/ensure-node.sh"

cd "$HERE"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "build"
  ./build.sh
fi

log "chromium and npm packages"
"$REPO/scripts/setup-browser.sh" "$HERE" >&2

log "types: the generated declarations are current, then tsc --noEmit"
node tools/gen-types.mjs --check
npx --no-install tsc -p tsconfig.json

log "tests in Node"
node --test tests/api.test.mjs tests/conformance.test.mjs tests/hostile.test.mjs tests/node.test.mjs tests/size.test.mjs

if [[ -z "${SKIP_BROWSER:-}" ]]; then
  log "demo page in headless Chromium"
  node --test tests/browser.test.mjs
fi
log "all wasm tests passed"
