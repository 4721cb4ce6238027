# Sourced by build.sh and run-tests.sh: makes sure node and npm exist (Debian's nodejs when
# missing; Node.js 20 or later is what this package is tested with).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    printf '[attain-wasm] apt-get install nodejs npm\n' >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >&2
  else
    printf '[attain-wasm] ERROR: node and npm are needed (Node.js 20 or later)\n' >&2
    exit 1
  fi
fi
if (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
  printf '[attain-wasm] warning: node %s; attain-wasm and playwright-core want 20 or later\n' "$(node --version)" >&2
fi
