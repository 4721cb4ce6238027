#!/usr/bin/env bash
# make fuzz: every libFuzzer target in fuzz/ for FUZZ_SECONDS each (default 1800), seeded from
# fuzz/seeds/<target>, corpus kept in fuzz/corpus/<target> (git-ignored). Not part of `make test`.
#
# cargo-fuzz needs nightly's sanitizer flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows
# them (the only toolchain this project's machines have). Crashes land in fuzz/artifacts/<target>.
# The last line of each run ("Done N runs in S second(s)") is written to fuzz/runs/<target>.log,
# and a summary to stdout, for docs/robustness.md.
#
#   FUZZ_SECONDS=60 make fuzz            # a quick pass
#   FUZZ_TARGETS="rule_eval" make fuzz   # one target
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH="${FUZZ_SECONDS:-1800}"
TARGETS="${FUZZ_TARGETS:-$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^attain-fuzz$')}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1
mkdir -p runs
status=0
for t in $TARGETS; do
    mkdir -p "corpus/$t" "seeds/$t"
    echo "== $t: ${SECONDS_EACH} s"
    # -rss_limit_mb: the sandbox keeps a rule under 16 MiB; 2 GiB catches a leak or a runaway
    # reader. -timeout: one input over 10 s is a hang (the sandbox's own guard is 1 s).
    if cargo fuzz run --release "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"runs/$t.log" 2>&1; then
        result="no crash"
    else
        result="CRASH or error (see fuzz/runs/$t.log and fuzz/artifacts/$t)"
        status=1
    fi
    done_line=$(grep -E '^Done [0-9]+ runs' "runs/$t.log" | tail -1 || true)
    echo "$t: ${done_line:-no final line} — $result"
done
exit $status
