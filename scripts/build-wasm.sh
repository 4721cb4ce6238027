#!/usr/bin/env bash
# Build a wasm-bindgen cdylib crate for wasm32-unknown-unknown and generate JS glue.
#
# Usage: scripts/build-wasm.sh CRATE_DIR OUT_DIR [-- EXTRA_CARGO_ARGS...]
#
#   CRATE_DIR  directory holding the crate's Cargo.toml (may be a workspace member)
#   OUT_DIR    gets OUT_DIR/web (wasm-bindgen --target web) and
#              OUT_DIR/node (wasm-bindgen --target nodejs)
#   EXTRA_CARGO_ARGS are passed to `cargo build` (e.g. -- --locked --features x).
#
# Mode (run scripts/setup-wasm-toolchain.sh first):
#   WASM_MODE=rustup|debian in the environment wins; otherwise the file written by
#   setup-wasm-toolchain.sh ($WASM_TOOLCHAIN_ENV, default target/wasm-toolchain.env);
#   otherwise auto-detect (rustup's wasm32 target installed -> rustup, Debian
#   rustc-web + rust-web-src present -> debian).
#   rustup: cargo build --release --target wasm32-unknown-unknown
#   debian: PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 cargo build ... -Zbuild-std=std,panic_abort
#           into <target-dir>/wasm-debian (kept apart from the rustup build).
# Release opt-level is WASM_OPT_LEVEL (default "s") in both modes.
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
log() { printf '[build-wasm] %s\n' "$*" >&2; }
die() { printf '[build-wasm] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage; exit 0; fi
if [[ $# -lt 2 ]]; then usage >&2; die "need CRATE_DIR and OUT_DIR"; fi
CRATE_DIR="$(cd "$1" 2>/dev/null && pwd)" || die "crate dir '$1' does not exist"
OUT_DIR="$2"
shift 2
if [[ "${1:-}" == -- ]]; then shift; fi
EXTRA_ARGS=("$@")
MANIFEST="$CRATE_DIR/Cargo.toml"
[[ -f "$MANIFEST" ]] || die "no Cargo.toml in $CRATE_DIR"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${WASM_TOOLCHAIN_ENV:-$REPO_ROOT/target/wasm-toolchain.env}"
TARGET=wasm32-unknown-unknown
OPT_LEVEL="${WASM_OPT_LEVEL:-s}"

# ---------------------------------------------------------------- pick the mode
MODE="${WASM_MODE:-}"
if [[ -z "$MODE" && -f "$ENV_FILE" ]]; then
  MODE="$(sed -n 's/^WASM_MODE=//p' "$ENV_FILE")"
  [[ -n "$MODE" ]] && log "mode from $ENV_FILE: $MODE"
fi
if [[ -z "$MODE" ]]; then
  if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    MODE=rustup
  elif [[ -x /usr/bin/rustc && -d "$(/usr/bin/rustc --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" ]]; then
    MODE=debian
  else
    die "no wasm32 toolchain found: run scripts/setup-wasm-toolchain.sh first"
  fi
  log "mode auto-detected: $MODE"
fi

# ---------------------------------------------------------------- crate metadata
# Run cargo metadata with the same cargo the build will use, so that a lock-file
# format problem shows up here with a clear message.
case "$MODE" in
  rustup) CARGO=(cargo); BUILD_ENV=() ;;
  debian)
    [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]] || die "Debian toolchain missing: run scripts/setup-wasm-toolchain.sh --mode debian"
    [[ -x /usr/bin/rust-lld ]] || die "/usr/bin/rust-lld missing (Debian package rust-web-llvm): run scripts/setup-wasm-toolchain.sh --mode debian"
    CARGO=(/usr/bin/cargo)
    BUILD_ENV=(-u RUSTUP_TOOLCHAIN PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1) ;;
  *) die "WASM_MODE must be rustup or debian (got '$MODE')" ;;
esac

META="$(env "${BUILD_ENV[@]}" "${CARGO[@]}" metadata --format-version 1 --no-deps --manifest-path "$MANIFEST")" \
  || die "cargo metadata failed for $MANIFEST (mode $MODE)"
read -r PKG_NAME LIB_NAME TARGET_DIR WS_ROOT < <(python3 -c '
import json, sys, os
meta = json.load(sys.stdin)
manifest = os.path.realpath(sys.argv[1])
for p in meta["packages"]:
    if os.path.realpath(p["manifest_path"]) == manifest:
        libs = [t for t in p["targets"] if "cdylib" in t["crate_types"]]
        if not libs:
            sys.exit("crate %s has no cdylib target: add [lib] crate-type = [\"cdylib\", \"rlib\"]" % p["name"])
        print(p["name"], libs[0]["name"].replace("-", "_"), meta["target_directory"], meta["workspace_root"])
        break
else:
    sys.exit("package for %s not found in cargo metadata" % manifest)
' "$MANIFEST" <<<"$META") || die "could not read package/lib name from cargo metadata"

# ---------------------------------------------------------------- build
START=$SECONDS
export CARGO_PROFILE_RELEASE_OPT_LEVEL="$OPT_LEVEL"
if [[ "$MODE" == rustup ]]; then
  rustup target list --installed | grep -qx "$TARGET" \
    || die "rustup target $TARGET not installed: run scripts/setup-wasm-toolchain.sh"
  OUT_TARGET_DIR="$TARGET_DIR"
  log "building $PKG_NAME with $(rustc --version) (rustup, opt-level $OPT_LEVEL)"
  cargo build --release --target "$TARGET" --manifest-path "$MANIFEST" -p "$PKG_NAME" "${EXTRA_ARGS[@]}" \
    || die "cargo build failed (rustup mode)"
else
  OUT_TARGET_DIR="$TARGET_DIR/wasm-debian"
  log "building $PKG_NAME with $(/usr/bin/rustc --version) (Debian, -Zbuild-std, opt-level $OPT_LEVEL) into $OUT_TARGET_DIR"
  env "${BUILD_ENV[@]}" /usr/bin/cargo build --release --target "$TARGET" \
      -Zbuild-std=std,panic_abort --target-dir "$OUT_TARGET_DIR" \
      --manifest-path "$MANIFEST" -p "$PKG_NAME" "${EXTRA_ARGS[@]}" \
    || die "cargo build failed (Debian mode; needs rustc-web, cargo-web, rust-web-src, lld-22)"
fi
WASM="$OUT_TARGET_DIR/$TARGET/release/$LIB_NAME.wasm"
[[ -f "$WASM" ]] || die "expected $WASM after the build, it is not there"
log "cargo build took $((SECONDS - START))s"

# ---------------------------------------------------------------- wasm-bindgen
command -v wasm-bindgen >/dev/null 2>&1 || die "wasm-bindgen not found: run scripts/setup-wasm-toolchain.sh"
LOCK="$WS_ROOT/Cargo.lock"
if [[ -f "$LOCK" ]]; then
  WANT="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' "$LOCK")"
  HAVE="$(wasm-bindgen --version | awk '{print $2}')"
  if [[ -n "$WANT" && "$WANT" != "$HAVE" ]]; then
    die "wasm-bindgen-cli is $HAVE but $LOCK has wasm-bindgen $WANT: run scripts/setup-wasm-toolchain.sh --lock $LOCK"
  fi
fi
mkdir -p "$OUT_DIR"
rm -rf "$OUT_DIR/web" "$OUT_DIR/node"
wasm-bindgen --target web --out-dir "$OUT_DIR/web" "$WASM" || die "wasm-bindgen --target web failed"
wasm-bindgen --target nodejs --out-dir "$OUT_DIR/node" "$WASM" || die "wasm-bindgen --target nodejs failed"

size() { stat -c %s "$1"; }
BG="$OUT_DIR/web/${LIB_NAME}_bg.wasm"
log "cargo .wasm:        $WASM ($(size "$WASM") bytes)"
log "wasm-bindgen .wasm: $BG ($(size "$BG") bytes, gzip -9: $(gzip -9c "$BG" | wc -c) bytes)"
echo "WASM_SIZE=$(size "$BG")"
echo "OUT_WEB=$OUT_DIR/web/$LIB_NAME.js"
echo "OUT_NODE=$OUT_DIR/node/$LIB_NAME.js"
