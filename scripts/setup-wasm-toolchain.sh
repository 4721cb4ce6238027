#!/usr/bin/env bash
# Install what is needed to build a wasm-bindgen crate for wasm32-unknown-unknown.
#
# Usage: scripts/setup-wasm-toolchain.sh [--lock PATH/Cargo.lock] [--mode auto|rustup|debian]
#
#   --lock PATH   Cargo.lock to read the wasm-bindgen version from
#                 (default: Cargo.lock at the repo root). WASM_BINDGEN_VERSION=X overrides it.
#   --mode M      auto (default): use rustup's wasm32 target if it is installed or if
#                 `rustup target add` succeeds within RUSTUP_TIMEOUT seconds (default 60);
#                 otherwise install Debian's rustc-web toolchain (Rust 1.96 + library
#                 source, built with -Zbuild-std). rustup|debian force one mode.
#                 The WASM_MODE environment variable does the same as --mode.
#
# Idempotent: skips rustup/apt/cargo install when the result is already there.
# Output: progress goes to stderr; stdout gets exactly two lines
#   WASM_MODE=rustup|debian
#   WASM_BINDGEN_VERSION=0.2.x
# and the same lines are written to $WASM_TOOLCHAIN_ENV (default target/wasm-toolchain.env
# in the repo), which scripts/build-wasm.sh reads.
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
log() { printf '[setup-wasm] %s\n' "$*" >&2; }
die() { printf '[setup-wasm] ERROR: %s\n' "$*" >&2; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCK="$REPO_ROOT/Cargo.lock"
MODE="${WASM_MODE:-auto}"
RUSTUP_TIMEOUT="${RUSTUP_TIMEOUT:-60}"
ENV_FILE="${WASM_TOOLCHAIN_ENV:-$REPO_ROOT/target/wasm-toolchain.env}"
# rust-web-llvm provides /usr/bin/rust-lld (-> lld-22), the wasm linker rustc calls; it is
# only a Recommends of rustc-web, so it must be named when installing --no-install-recommends.
DEBIAN_PKGS=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
TARGET=wasm32-unknown-unknown
APT_LOG="${TMPDIR:-/tmp}/setup-wasm-apt.log"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --lock) [[ $# -ge 2 ]] || die "--lock needs a path"; LOCK="$2"; shift 2 ;;
    --mode) [[ $# -ge 2 ]] || die "--mode needs a value"; MODE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
case "$MODE" in auto|rustup|debian) ;; *) die "mode must be auto, rustup or debian (got '$MODE')" ;; esac

# ---------------------------------------------------------------- wasm-bindgen version
if [[ -n "${WASM_BINDGEN_VERSION:-}" ]]; then
  WB_VERSION="$WASM_BINDGEN_VERSION"
  log "wasm-bindgen version from WASM_BINDGEN_VERSION: $WB_VERSION"
else
  [[ -f "$LOCK" ]] || die "no Cargo.lock at $LOCK (run 'cargo generate-lockfile' or pass --lock / WASM_BINDGEN_VERSION)"
  # The line after `name = "wasm-bindgen"` is its version (exact name: not -macro, -shared...).
  WB_VERSION="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print }' "$LOCK" | sort -u)"
  [[ -n "$WB_VERSION" ]] || die "$LOCK has no wasm-bindgen package (is the wasm crate a workspace member with wasm-bindgen as a dependency?)"
  [[ "$(wc -l <<<"$WB_VERSION")" -eq 1 ]] || die "$LOCK has several wasm-bindgen versions: $(echo $WB_VERSION)"
  log "wasm-bindgen version from $LOCK: $WB_VERSION"
fi

# ---------------------------------------------------------------- toolchain
rustup_has_target() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}

debian_installed() {
  local p
  for p in "${DEBIAN_PKGS[@]}"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || return 1
  done
}

install_debian() {
  if debian_installed; then
    log "Debian packages already installed: ${DEBIAN_PKGS[*]}"
  else
    [[ "$(id -u)" -eq 0 ]] || die "installing ${DEBIAN_PKGS[*]} needs root (apt-get)"
    command -v apt-get >/dev/null || die "apt-get not found: the Debian fallback needs Debian bookworm (with bookworm-security)"
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed (dpkg/apt lock held by another apt? network?)"
    log "apt-get install ${DEBIAN_PKGS[*]} (log: $APT_LOG)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${DEBIAN_PKGS[@]}" >"$APT_LOG" 2>&1; then
      tail -n 30 "$APT_LOG" >&2
      die "apt-get install ${DEBIAN_PKGS[*]} failed (they come from bookworm-security; is it in sources.list?)"
    fi
  fi
  local sysroot
  sysroot="$(/usr/bin/rustc --print sysroot)" || die "/usr/bin/rustc does not run"
  command -v rust-lld >/dev/null || die "rust-lld not found (package rust-web-llvm)"
  [[ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]] \
    || die "rust library source missing under $sysroot/lib/rustlib/src/rust/library (package rust-web-src)"
  log "Debian toolchain: $(/usr/bin/rustc --version), $(/usr/bin/cargo --version)"
}

CHOSEN=""
if [[ "$MODE" == rustup || "$MODE" == auto ]]; then
  if rustup_has_target; then
    log "rustup target $TARGET already installed"
    CHOSEN=rustup
  elif command -v rustup >/dev/null 2>&1; then
    log "trying: timeout $RUSTUP_TIMEOUT rustup target add $TARGET"
    if timeout "$RUSTUP_TIMEOUT" rustup target add "$TARGET" >&2 && rustup_has_target; then
      CHOSEN=rustup
    else
      log "rustup target add failed or timed out after ${RUSTUP_TIMEOUT}s"
      if [[ "$MODE" == rustup ]]; then die "mode rustup forced but the $TARGET target could not be installed"; fi
    fi
  else
    if [[ "$MODE" == rustup ]]; then die "mode rustup forced but rustup is not installed"; fi
    log "rustup not found"
  fi
fi
if [[ -z "$CHOSEN" ]]; then
  install_debian
  CHOSEN=debian
fi
log "chose WASM_MODE=$CHOSEN"

# ---------------------------------------------------------------- wasm-bindgen-cli
current_wb() { { wasm-bindgen --version 2>/dev/null || true; } | awk '{print $2}'; }
if command -v wasm-bindgen >/dev/null 2>&1 && [[ "$(current_wb)" == "$WB_VERSION" ]]; then
  log "wasm-bindgen-cli $WB_VERSION already installed ($(command -v wasm-bindgen))"
else
  if [[ -n "$(current_wb)" ]]; then log "replacing wasm-bindgen-cli $(current_wb) with $WB_VERSION"; fi
  # Host build: rustup's cargo when present, otherwise Debian's.
  CARGO_BIN="$(command -v cargo || echo /usr/bin/cargo)"
  [[ -x "$CARGO_BIN" ]] || die "no cargo found to build wasm-bindgen-cli"
  # --locked uses the lock file shipped in the crate; it fails when a version pinned
  # there is missing from the registry index (seen here: webpki-roots 1.0.11 for
  # wasm-bindgen-cli 0.2.130), so fall back to a fresh resolution.
  log "cargo install wasm-bindgen-cli --version =$WB_VERSION --locked (takes a few minutes)"
  if ! "$CARGO_BIN" install --quiet --locked --force wasm-bindgen-cli --version "=$WB_VERSION" >&2; then
    log "'cargo install --locked' failed; retrying without --locked (dependencies resolved afresh)"
    "$CARGO_BIN" install --quiet --force wasm-bindgen-cli --version "=$WB_VERSION" >&2 \
      || die "cargo install wasm-bindgen-cli =$WB_VERSION failed (see cargo's message above)"
  fi
  hash -r
  [[ "$(current_wb)" == "$WB_VERSION" ]] \
    || die "after install, 'wasm-bindgen --version' says '$(current_wb)' (is ~/.cargo/bin on PATH?)"
fi
log "wasm-bindgen: $(wasm-bindgen --version)"

mkdir -p "$(dirname "$ENV_FILE")"
printf 'WASM_MODE=%s\nWASM_BINDGEN_VERSION=%s\n' "$CHOSEN" "$WB_VERSION" | tee "$ENV_FILE"
log "wrote $ENV_FILE"
