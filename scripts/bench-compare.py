#!/usr/bin/env python3
"""One comparison in one run (issue 16): every ratio attain is held to, side by side.

Runs the benchmarks that already exist, each for several rounds in this one run, and prints one
table: the figure, its median (and its worst round where the goal is "in every run"), the goal
and met or missed, and how it was obtained. A script, not a test (`make bench-compare`); about
five minutes on a 2-core machine once everything is built.

  read    scripts/bench-read.py --json: the whole `attain report` process over 1,000,500
          generated tidy CSV rows against pandas.read_csv in process; its peak memory; the same
          values as Kolada JSON, cost per value against the CSV
  assess  bindings-python/bench/assess_bench.py --json: Python `plan.assess` call by call
          against zen-engine's fastest call (ZenEngine.evaluate) on the same rows, and
          `assess_many` against a hand-written Python function giving the same status and reason
  wasm    bindings-wasm/bench.mjs --native, --rounds times: the Östersund plan's evaluation and
          its building in Node against native core (examples/native_bench.rs); the .wasm's
          size in bytes and gzipped
  arrow   bindings-python/bench/arrow_bench.py --json: 1M rows from a pyarrow Table against
          core's CSV reader on the same rows

Builds what it needs first (skip with --no-build): the release CLI (cargo), the npm package
(bindings-wasm/build.sh, as `make wasm`) and the wheel into .venv (pip install ./bindings-python,
as bindings-python/run-tests.sh does). The .venv itself comes from `make test-python` (or
scripts/setup-python.sh); zen-engine is installed into it when missing.

    python3 scripts/bench-compare.py [--rounds 5] [--no-build] [--only read,assess,wasm,arrow] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_PY = ROOT / ".venv" / "bin" / "python"
ATTAIN = ROOT / "target" / "release" / "attain"
WASM = ROOT / "bindings-wasm" / "pkg" / "web" / "attain_wasm_bg.wasm"
PARTS = ("read", "assess", "wasm", "arrow")
ZEN_VERSION = "2.1.3"

med = statistics.median


def log(msg: str) -> None:
    print(f"[bench-compare] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw: Any) -> str:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(cmd, check=True, text=True, stdout=subprocess.PIPE, cwd=ROOT, **kw).stdout


def need_venv() -> None:
    if not VENV_PY.exists():
        sys.exit("bench-compare: no .venv: run `make test-python` first (it creates .venv with pandas and pyarrow)")


def build(parts: set[str]) -> None:
    if "read" in parts:
        run(["cargo", "build", "--release", "-p", "attain-cli"])
    if "wasm" in parts:
        run(["bash", "bindings-wasm/build.sh"])
    if parts & {"assess", "arrow"}:
        need_venv()
        run([str(VENV_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-build-isolation",
             "--force-reinstall", "--no-deps", "./bindings-python"],
            env={**os.environ, "PATH": f"{VENV_PY.parent}:{os.environ['PATH']}"})  # fmt: skip


def bench_read(rounds: int) -> dict[str, Any]:
    if not ATTAIN.exists():
        sys.exit(f"bench-compare: {ATTAIN} is missing: run `cargo build --release -p attain-cli` (or leave out --no-build)")
    py = str(VENV_PY) if VENV_PY.exists() else sys.executable  # pandas
    out = run([py, "scripts/bench-read.py", "--json", "--rounds", str(rounds), "--attain", str(ATTAIN)])
    return dict(json.loads(out.strip().splitlines()[-1]))


def bench_assess(rounds: int, rows: int) -> dict[str, Any]:
    need_venv()
    if subprocess.run([str(VENV_PY), "-c", "import zen"], capture_output=True).returncode != 0:
        run([str(VENV_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"zen-engine=={ZEN_VERSION}"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "assess.json"
        cmd = [str(VENV_PY), "bindings-python/bench/assess_bench.py", "--repeats", str(rounds), "--rows", str(rows), "--json", str(out)]
        run(cmd)
        return dict(json.loads(out.read_text(encoding="utf-8")))


def bench_wasm(rounds: int, n: int) -> dict[str, Any]:
    if not WASM.exists():
        sys.exit(f"bench-compare: {WASM} is missing: run `make wasm` first (or leave out --no-build)")
    runs = []
    for _ in range(rounds):
        lines = [json.loads(x) for x in run(["node", "bindings-wasm/bench.mjs", "--native", str(n)]).strip().splitlines()]
        wasm, native = lines[0], lines[1]
        runs.append({
            "wasm_evaluate_ms": wasm["evaluate_ms"],
            "native_evaluate_json_ms": native["evaluate_json_ms"],
            "wasm_build_ms": wasm["build_ms"],
            "native_build_ms": native["build_ms"],
            "ratio_evaluate": wasm["evaluate_ms"] / native["evaluate_json_ms"],
            "ratio_build": wasm["build_ms"] / native["build_ms"],
            "runtime": wasm["runtime"],
        })  # fmt: skip
    raw = WASM.read_bytes()
    return {"runs": runs, "wasm_bytes": len(raw), "wasm_gzip_bytes": len(gzip.compress(raw, compresslevel=9))}


def bench_arrow(rounds: int, rows: int) -> dict[str, Any]:
    need_venv()
    cmd = [str(VENV_PY), "bindings-python/bench/arrow_bench.py", "--json", "--no-dicts", "--repeats", str(rounds), "--rows", str(rows)]
    return dict(json.loads(run(cmd).strip().splitlines()[-1]))


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(fig: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(figure, measured, goal, met or missed, how) rows."""
    out: list[tuple[str, str, str, str, str]] = []
    if "read" in fig:
        r = fig["read"]
        how = f"scripts/bench-read.py: median of {r['rounds']} rounds; whole process vs read_csv in process"
        out.append(("attain report, 1M CSV rows ÷ pandas.read_csv", f"{r['attain_vs_pandas']:.2f}× ({r['attain_report_csv_s']:.2f} s vs "
                    f"{r['pandas_read_csv_s']:.2f} s)", "≤ 1.0×", verdict(r["attain_vs_pandas"] <= 1.0), how))  # fmt: skip
        out.append(("attain report, 1M CSV rows: peak memory", f"{r['attain_report_csv_peak_mb']:.0f} MB", "≤ 120 MB",
                    verdict(r["attain_report_csv_peak_mb"] <= 120), "/usr/bin/time -v maximum resident set, median"))  # fmt: skip
        out.append(("Kolada JSON ÷ CSV, cost per value", f"{r['kolada_vs_csv_per_value']:.2f}×", "≤ 2.0×",
                    verdict(r["kolada_vs_csv_per_value"] <= 2.0), "the same values as a Kolada API response, whole process"))  # fmt: skip
    if "assess" in fig:
        a = fig["assess"]
        rounds = a.get("zen_ns_per_evaluation_rounds")
        if rounds:
            zen_single = [k for k in rounds if k.startswith("(e) zen") and "batch" not in k]
            ours = rounds["(c) assess in a loop, same rows as zen"]
            fastest = min(zen_single, key=lambda k: med(rounds[k]))
            per_round = [z / o for z, o in zip(rounds[fastest], ours)]
            ratio = med(rounds[fastest]) / med(ours)
            out.append(("zen-engine's fastest call ÷ Python plan.assess", f"{ratio:.1f}× median, {min(per_round):.1f}× worst round "
                        f"({med(ours):.0f} vs {med(rounds[fastest]):.0f} ns)", "≥ 5× every round", verdict(min(per_round) >= 5),
                        f"assess_bench.py: {a['zen_note']}; {fastest.split(' ', 1)[1]}; {len(ours)} rounds round-robin, GC off"))  # fmt: skip
        else:
            out.append(("zen-engine ÷ Python plan.assess", "not measured", "≥ 5×", "MISSED", "zen-engine not importable"))
        m = a["ns_per_row_median"]
        many, hand, loop = m["(b) assess_many, lists"], m["(d) by hand, status and reason"], m["(c) assess in a loop"]
        how = f"assess_bench.py: {a['rows']:,} rows, median of {a['repeats']} rounds, the same status and reason text"
        out.append(("Python assess_many ÷ hand-written Python function", f"{many / hand:.2f}× ({many:.0f} vs {hand:.0f} ns per row)", "≤ 1.0×",
                    verdict(many <= hand), how))  # fmt: skip
        out.append(("Python plan.assess call by call ÷ hand-written function", f"{loop / hand:.2f}× ({loop:.0f} vs {hand:.0f} ns per row)",
                    "(for information)", "–", how))  # fmt: skip
    if "wasm" in fig:
        w = fig["wasm"]
        runs = w["runs"]
        ev, bd = med(x["ratio_evaluate"] for x in runs), med(x["ratio_build"] for x in runs)
        how = f"bindings-wasm/bench.mjs --native, {runs[0]['runtime']}, median of {len(runs)} runs"
        out.append(("wasm ÷ native, evaluating the Östersund plan", f"{ev:.2f}× ({med(x['wasm_evaluate_ms'] for x in runs):.2f} vs "
                    f"{med(x['native_evaluate_json_ms'] for x in runs):.2f} ms)", "≤ 2×", verdict(ev <= 2), how + "; report as JS objects vs JSON text"))  # fmt: skip
        out.append(("wasm ÷ native, building the Östersund plan", f"{bd:.2f}× ({med(x['wasm_build_ms'] for x in runs):.2f} vs "
                    f"{med(x['native_build_ms'] for x in runs):.2f} ms)", "≤ 3×", verdict(bd <= 3), how))  # fmt: skip
        mb = w["wasm_bytes"] / 1e6
        out.append((".wasm size (browser build)", f"{w['wasm_bytes']:,} bytes = {mb:.2f} MB, gzip -9 {w['wasm_gzip_bytes']:,} bytes",
                    "≤ 1.5 MB", verdict(mb <= 1.5), "bindings-wasm/pkg/web/attain_wasm_bg.wasm as bindings-wasm/build.sh leaves it"))  # fmt: skip
    if "arrow" in fig:
        r = fig["arrow"]["median_s"]
        csv, arrow = r["(a) core's CSV reader, from_csv(text)"], r["(b) pyarrow Table, observations(table)"]
        out.append(("1M rows from a pyarrow Table ÷ core's CSV reader", f"{arrow / csv:.2f}× ({arrow * 1e3:.0f} vs {csv * 1e3:.0f} ms)",
                    "≤ 1.5×", verdict(arrow / csv <= 1.5), f"arrow_bench.py: median of {fig['arrow']['repeats']} rounds round-robin, GC off"))  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="rounds of each benchmark (medians of these)")
    ap.add_argument("--no-build", action="store_true", help="use the builds there are")
    ap.add_argument("--only", default=",".join(PARTS), help="a comma-separated subset of " + ",".join(PARTS))
    ap.add_argument("--assess-rows", type=int, default=300_000)
    ap.add_argument("--arrow-rows", type=int, default=1_000_000)
    ap.add_argument("--wasm-n", type=int, default=200, help="evaluations per wasm run")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    a = ap.parse_args()
    parts = set(a.only.split(","))
    if parts - set(PARTS):
        ap.error(f"--only: unknown {sorted(parts - set(PARTS))}; the parts are {','.join(PARTS)}")
    start = time.monotonic()
    if not a.no_build:
        build(parts)
    fig: dict[str, Any] = {}
    bench_start = time.monotonic()
    if "read" in parts:
        fig["read"] = bench_read(a.rounds)
    if "assess" in parts:
        fig["assess"] = bench_assess(a.rounds, a.assess_rows)
    if "wasm" in parts:
        fig["wasm"] = bench_wasm(a.rounds, a.wasm_n)
    if "arrow" in parts:
        fig["arrow"] = bench_arrow(a.rounds, a.arrow_rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, text=True, capture_output=True).stdout.strip()
    rows = table(fig)
    print()
    print(f"make bench-compare: commit {commit}{' (with local changes)' if dirty else ''}, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}, {a.rounds} rounds, benchmarks {time.monotonic() - bench_start:.0f} s "
          f"(with builds {time.monotonic() - start:.0f} s)")  # fmt: skip
    widths = [max(len(r[i]) for r in rows + [("figure", "measured", "goal", "result", "how")]) for i in range(4)]
    header = ("figure", "measured", "goal", "result", "how")
    for r in [header] + rows:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:4])) + "  " + r[4])
    if a.json:
        a.json.write_text(json.dumps({"commit": commit, "figures": fig, "table": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
