#!/usr/bin/env bash
# Install Debian's Chromium (if missing) and the npm dependencies of a JS folder.
#
# Usage: scripts/setup-browser.sh JS_DIR
#
#   JS_DIR must hold a package.json with playwright-core in devDependencies.
#   Runs `npm ci` when JS_DIR/package-lock.json exists, else `npm install`.
#   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 is always set: the only browser used is
#   /usr/bin/chromium (see scripts/browser.mjs); nothing may download its own.
# Idempotent: apt runs only when /usr/bin/chromium is missing.
set -euo pipefail

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
log() { printf '[setup-browser] %s\n' "$*" >&2; }
die() { printf '[setup-browser] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage; exit 0; fi
if [[ $# -ne 1 ]]; then usage >&2; die "need exactly one argument: JS_DIR"; fi
JS_DIR="$(cd "$1" 2>/dev/null && pwd)" || die "JS folder '$1' does not exist"
[[ -f "$JS_DIR/package.json" ]] || die "no package.json in $JS_DIR"
CHROMIUM=/usr/bin/chromium
APT_LOG="${TMPDIR:-/tmp}/setup-browser-apt.log"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# ---------------------------------------------------------------- chromium
if [[ -x "$CHROMIUM" ]]; then
  log "chromium already installed"
else
  [[ "$(id -u)" -eq 0 ]] || die "installing chromium needs root (apt-get)"
  command -v apt-get >/dev/null || die "apt-get not found and $CHROMIUM missing"
  log "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed (apt lock held? network?)"
  # fonts-liberation: readable text in screenshots without the Recommends set.
  log "apt-get install chromium fonts-liberation (log: $APT_LOG)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation >"$APT_LOG" 2>&1; then
    tail -n 30 "$APT_LOG" >&2
    die "apt-get install chromium failed"
  fi
  [[ -x "$CHROMIUM" ]] || die "chromium installed but $CHROMIUM is not there"
fi
log "$("$CHROMIUM" --version 2>/dev/null || echo 'chromium: version unknown')"

# ---------------------------------------------------------------- npm
command -v npm >/dev/null || die "npm not found (Debian package: nodejs + npm)"
node -e '
const p = require(process.argv[1]);
if (!(p.devDependencies && p.devDependencies["playwright-core"])) {
  console.error("playwright-core is not in devDependencies of " + process.argv[1]);
  process.exit(1);
}
if ((p.dependencies && (p.dependencies.playwright || p.dependencies["@playwright/test"])) ||
    (p.devDependencies.playwright || p.devDependencies["@playwright/test"])) {
  console.error("warning: playwright / @playwright/test also listed; only playwright-core is needed");
}' "$JS_DIR/package.json" || die "fix $JS_DIR/package.json: add \"devDependencies\": {\"playwright-core\": \"^1.x\"}"

cd "$JS_DIR"
if [[ -f package-lock.json ]]; then
  log "npm ci in $JS_DIR"
  npm ci --no-audit --no-fund --loglevel=error >&2 || die "npm ci failed in $JS_DIR (package-lock.json out of date? try npm install)"
else
  log "npm install in $JS_DIR (no package-lock.json: commit the one this writes)"
  npm install --no-audit --no-fund --loglevel=error >&2 || die "npm install failed in $JS_DIR"
fi
PW_VERSION="$(node -p 'require("playwright-core/package.json").version')" \
  || die "playwright-core did not install in $JS_DIR/node_modules"
log "playwright-core $PW_VERSION in $JS_DIR/node_modules"
echo "CHROMIUM=$CHROMIUM"
echo "PLAYWRIGHT_CORE_VERSION=$PW_VERSION"
