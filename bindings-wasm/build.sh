#!/usr/bin/env bash
# Builds attain-wasm: the module with its JS glue for the browser (pkg/web) and Node
# (pkg/node), and what the demo page needs (demo/pkg/, demo/plan-files.json).
#
# Usage: bindings-wasm/build.sh      (from anywhere; `make wasm` calls it)
#
# Uses the repository's scripts/setup-wasm-toolchain.sh (wasm32 target or Debian's toolchain,
# wasm-bindgen-cli at the version in Cargo.lock) and scripts/build-wasm.sh. Needs node.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
PLAN="${ATTAIN_DEMO_PLAN:-$REPO/rules/ostersund-2023}"
log() { printf '[attain-wasm] %s\n' "$*" >&2; }

# shellcheck source=tools/ensure-node.sh
source "$HERE/tools/ensure-node.sh"
cd "$REPO"
START=$SECONDS

# The profile of this crate, for this build only (the workspace's release profile stays as it is
# for the native crates): opt-level 2, one fat-LTO codegen unit, abort on panic. Opt-level 2 is
# about 1.35x faster than "s" at building and evaluating a plan in Node, for +6 % bytes and +16 %
# gzipped (docs/benchmarks.md, "WebAssembly speed"); WASM_OPT_LEVEL=s builds the smaller module.
export WASM_OPT_LEVEL="${WASM_OPT_LEVEL:-2}"
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort

scripts/setup-wasm-toolchain.sh >&2
CARGO_ARGS=(--)
if [[ -n "${CI:-}" ]]; then CARGO_ARGS+=(--locked); fi
# WASM_CARGO_CONFIG: more cargo --config values, one a line, e.g.
# 'profile.release.package.rhai.opt-level=2' (per-crate opt-levels, measured and not taken)
while IFS= read -r c; do [[ -n "$c" ]] && CARGO_ARGS+=(--config "$c"); done <<<"${WASM_CARGO_CONFIG:-}"
scripts/build-wasm.sh bindings-wasm bindings-wasm/pkg "${CARGO_ARGS[@]}" >&2

cd "$HERE"
# pkg/node is wasm-bindgen's CommonJS; this package is "type": "module".
printf '{ "type": "commonjs" }\n' > pkg/node/package.json
node tools/strip-wasm.mjs pkg/web/attain_wasm_bg.wasm pkg/node/attain_wasm_bg.wasm
# The browser entry: wasm-bindgen's glue made restartable, behind the same wrapper as Node's.
node tools/add-restart.mjs pkg/web/attain_wasm.js
cp js/wrap.mjs pkg/web/wrap.mjs
cp js/browser.mjs pkg/web/attain.mjs

# The demo is static files: the web build next to it, and the plan folder as one JSON file.
rm -rf demo/pkg
mkdir -p demo/pkg
cp pkg/web/attain.mjs pkg/web/wrap.mjs pkg/web/attain_wasm.js pkg/web/attain_wasm_bg.wasm demo/pkg/
node tools/plan-files.mjs "$PLAN" demo/plan-files.json

WASM=pkg/web/attain_wasm_bg.wasm
log "built in $((SECONDS - START)) s: $WASM $(stat -c %s "$WASM") bytes, gzip -9 $(gzip -9c "$WASM" | wc -c) bytes"
echo "WASM_SIZE=$(stat -c %s "$WASM")"
