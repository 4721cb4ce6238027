#!/usr/bin/env python3
"""Per-row cost of judging 1,000,000 rows of a `reference` indicator (value against the
national value, tolerance 0.05), side by side in one run:

  (a) core: `Plan::assess` in Rust (examples/assess_rows.rs, built and run by cargo);
  (b) `plan.assess_many(...)` from Python, on lists (and on numpy arrays and pandas Series,
      when they are installed);
  (c) a Python loop calling `plan.assess(...)` once per row;
  (d) a hand-written Python function doing the same comparison: status and the same reason
      text, and a variant giving the status only;
  (e) zen-engine on an equivalent JDM decision graph (input -> expression node computing the
      shortfall -> decision table giving the status), per evaluation, on a sample of the rows.

Not a test: run it by hand, on a quiet machine if you have one, and read the ratios.

    .venv/bin/python bindings-python/bench/assess_bench.py [--rows N] [--repeats R] [--zen-rows N]

Needs attain installed in the running Python (bindings-python/run-tests.sh does it in .venv),
cargo, and for (e) `pip install zen-engine` (skipped, with a note, without it). Each figure is
the best of R repetitions, taken round-robin so that a burst of load on a shared machine falls on
every contender alike; the garbage collector is off while timing (as `timeit` does).
"""

from __future__ import annotations

import argparse
import array
import gc
import importlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attain

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
INDICATOR = "REF"
PERIOD = "2023"
TOLERANCE = 0.05
PLAN_TOML = f"""[plan]
id = "bench"
title = "Benchmark"
language = "en"

[[indicator]]
id = "{INDICATOR}"
title = "Full-time employees"
unit = "%"
rule = "reference"
params = {{ against = "national", tolerance = {TOLERANCE} }}
"""

# The same decision for zen-engine: the relative shortfall, then a first-hit table.
ZEN_GRAPH = {
    "contentType": "application/vnd.gorules.decision",
    "nodes": [
        {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
        {
            "id": "shortfall",
            "type": "expressionNode",
            "name": "Shortfall",
            "position": {"x": 200, "y": 0},
            "content": {"expressions": [{"id": "e", "key": "shortfall", "value": "(national - value) / abs(national)"}]},
        },
        {
            "id": "status",
            "type": "decisionTableNode",
            "name": "Status",
            "position": {"x": 400, "y": 0},
            "content": {
                "hitPolicy": "first",
                "inputs": [{"id": "s", "name": "Shortfall", "field": "shortfall"}],
                "outputs": [{"id": "o", "name": "Status", "field": "status"}],
                "rules": [
                    {"_id": "r1", "s": "<= 0", "o": '"attained"'},
                    {"_id": "r2", "s": f"<= {TOLERANCE}", "o": '"partly"'},
                    {"_id": "r3", "s": "", "o": '"not_attained"'},
                ],
            },
        },
        {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}},
    ],
    "edges": [
        {"id": "a", "type": "edge", "sourceId": "in", "targetId": "shortfall"},
        {"id": "b", "type": "edge", "sourceId": "shortfall", "targetId": "status"},
        {"id": "c", "type": "edge", "sourceId": "status", "targetId": "out"},
    ],
}


# --- (d) the hand-written Python function ---------------------------------------------------


def show(x: float) -> str:
    """A number as core shows it in English with the unit: two decimals at most, trailing
    zeros cut (values here are below 10,000, so no thousands separator)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return ("0" if s == "-0" else s) + " %"


def reference(value: float, national: float) -> tuple[str, str]:
    """The `reference` rule against the national value, higher is better: status and reason."""
    s = (national - value) / abs(national) if national != 0 else national - value
    if s <= 0:
        return "attained", f"{show(value)} is at least as good as the national value ({show(national)})"
    if s <= TOLERANCE:
        return "partly", f"{show(value)} is slightly worse than the national value ({show(national)}), within 5 %"
    return "not_attained", f"{show(value)} is worse than the national value ({show(national)})"


def reference_status(value: float, national: float) -> str:
    """The same comparison, the status only."""
    s = (national - value) / abs(national) if national != 0 else national - value
    return "attained" if s <= 0 else "partly" if s <= TOLERANCE else "not_attained"


def by_hand(values: list[float], nationals: list[float]) -> tuple[list[str], list[str]]:
    status: list[str] = []
    reason: list[str] = []
    for v, n in zip(values, nationals):
        s, r = reference(v, n)
        status.append(s)
        reason.append(r)
    return status, reason


# --- measuring --------------------------------------------------------------------------------


SAME_ROWS_PASSES = 8
"""How many times (c) goes over zen's rows in one round (see its use)."""


def repeated(times: int, f: Callable[[], Any]) -> Any:
    """Call f `times` times, each result freed once the next is made; the last one."""
    out = None
    for _ in range(times):
        out = f()
    return out


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        out = f()
        return time.perf_counter() - start, out
    finally:
        gc.enable()


def make_rows(n: int, seed: int) -> tuple[list[float], list[float]]:
    """Values in 30..70 with one decimal; the national value 10 % below to 15 % above, so that
    about 40 % are attained, 20 % partly and 40 % not attained."""
    rng = random.Random(seed)
    values = [round(rng.uniform(30.0, 70.0), 1) for _ in range(n)]
    nationals = [round(v * rng.uniform(0.90, 1.15), 1) for v in values]
    return values, nationals


def run_core(plan_dir: Path, rows_file: Path, repeats: int) -> dict[str, Any]:
    cmd = [
        "cargo", "run", "--quiet", "--release", "-p", "attain-python", "--example", "assess_rows", "--",
        str(plan_dir), INDICATOR, str(rows_file), str(repeats),
    ]  # fmt: skip
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def counts(statuses: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in statuses:
        out[s] = out.get(s, 0) + 1
    return dict(sorted(out.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--zen-rows", type=int, default=20_000, help="rows evaluated one by one by zen-engine")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    n, repeats = args.rows, args.repeats

    print(f"attain {attain.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}; {n:,} rows, best of {repeats}")  # fmt: skip
    values, nationals = make_rows(n, args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        plan_dir = Path(tmp) / "plan"
        plan_dir.mkdir()
        (plan_dir / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")
        rows_file = Path(tmp) / "rows.f64"
        flat = array.array("d", [x for pair in zip(values, nationals) for x in pair])
        with rows_file.open("wb") as out_file:
            flat.tofile(out_file)
        del flat
        plan = attain.load_plan(plan_dir)

        print("building and running core's side (cargo run --release --example assess_rows) …", flush=True)
        core_runs = [run_core(plan_dir, rows_file, repeats)]

        arrays: Any = None
        series: Any = None
        try:
            numpy = importlib.import_module("numpy")
            arrays = (numpy.array(values), numpy.array(nationals))
            pandas = importlib.import_module("pandas")
            series = (pandas.Series(values), pandas.Series(nationals))
        except ImportError:
            pass

        contenders: dict[str, Callable[[], Any]] = {
            "(b) assess_many, lists": lambda: plan.assess_many(INDICATOR, value=values, national=nationals, period=PERIOD),
            "(c) assess in a loop": lambda: [
                plan.assess(INDICATOR, value=v, national=x, period=PERIOD) for v, x in zip(values, nationals)
            ],
            "(d) by hand, status and reason": lambda: by_hand(values, nationals),
            "(d) by hand, status only": lambda: [reference_status(v, x) for v, x in zip(values, nationals)],
        }
        if arrays is not None:
            contenders["(b) assess_many, numpy arrays"] = lambda: plan.assess_many(
                INDICATOR, value=arrays[0], national=arrays[1], period=PERIOD
            )
        if series is not None:
            contenders["(b) assess_many, pandas Series"] = lambda: plan.assess_many(
                INDICATOR, value=series[0], national=series[1], period=PERIOD
            )
        seconds: dict[str, list[float]] = {k: [] for k in contenders}
        outputs: dict[str, Any] = {}
        keep = ("(b) assess_many, lists", "(d) by hand, status and reason")
        names = list(contenders)
        for r in range(repeats):
            for name in names[r % len(names) :] + names[: r % len(names)]:  # each round starts elsewhere
                outputs.pop(name, None)  # the previous round's result is freed before, for every contender alike
                t, out = timed(contenders[name])
                seconds[name].append(t)
                if name in keep:
                    outputs[name] = out
                del out
        core_runs.append(run_core(plan_dir, rows_file, repeats))

        # (e) zen-engine, on the first --zen-rows rows.
        zen_figures: dict[str, list[float]] = {}
        zen_note = ""
        zen_agree = None
        zen_differ: list[tuple[float, float, str, str]] = []
        zen: Any = None
        try:
            zen = importlib.import_module("zen")
        except ImportError:
            zen_note = "zen-engine is not installed (pip install zen-engine): (e) skipped"
        if zen is not None:
            m = min(args.zen_rows, n)
            contexts = [{"value": v, "national": x} for v, x in zip(values[:m], nationals[:m])]
            engine = zen.ZenEngine({"loader": {"type": "static", "content": {"reference": ZEN_GRAPH}}})
            decision = zen.ZenEngine().create_decision(json.dumps(ZEN_GRAPH))
            few = contexts[: max(1, m // 20)]  # decision.evaluate is slow in zen 2.x: fewer rows
            requests = [{"key": "reference", "context": c} for c in contexts]
            zen_runs: dict[str, tuple[int, Callable[[], Any]]] = {
                "(e) zen engine.evaluate(key, row)": (m, lambda: [engine.evaluate("reference", c) for c in contexts]),
                "(e) zen decision.evaluate(row)": (len(few), lambda: [decision.evaluate(c) for c in few]),
                "(e) zen engine.evaluate_batch(rows)": (m, lambda: engine.evaluate_batch(requests)),
                # Our loop over the same rows takes about a seventh of zen's, 20 ms, where one
                # scheduler tick on a shared machine moves a round by half: it goes over the rows
                # SAME_ROWS_PASSES times, so that each round is timed over as long as zen's.
                "(c) assess in a loop, same rows as zen": (
                    m * SAME_ROWS_PASSES,
                    lambda: repeated(
                        SAME_ROWS_PASSES,
                        lambda: [plan.assess(INDICATOR, value=c["value"], national=c["national"], period=PERIOD) for c in contexts],
                    ),
                ),
            }
            zen_out: dict[str, Any] = {}
            zen_names = list(zen_runs)
            for r in range(repeats):
                for name in zen_names[r % len(zen_names) :] + zen_names[: r % len(zen_names)]:
                    rows, f = zen_runs[name]
                    t, out = timed(f)
                    zen_figures.setdefault(name, []).append(t / rows)
                    zen_out[name] = out
            got = [r["result"]["status"] for r in zen_out["(e) zen engine.evaluate(key, row)"]]
            ours = outputs["(b) assess_many, lists"].status[:m]
            zen_agree = sum(a == b for a, b in zip(got, ours))
            zen_differ = [(c["value"], c["national"], z, a) for c, z, a in zip(contexts, got, ours) if z != a]
            zen_note = f"zen-engine {getattr(zen, '__version__', '')}".strip() + (
                f", {m:,} rows ({len(few):,} for decision.evaluate; plan.assess over them {SAME_ROWS_PASSES} times a round)"
            )

    # --- report -----------------------------------------------------------------------------
    core_ns = [x for run in core_runs for x in run["ns_per_row"]]
    per_row = {name: min(ts) / n * 1e9 for name, ts in seconds.items()}
    per_row_median = {name: statistics.median(ts) / n * 1e9 for name, ts in seconds.items()}
    core = min(core_ns)
    print()
    print(f"{'per row, ns (best; median)':44} {'ns':>9} {'median':>9} {'÷ core':>8}")
    print(f"{'(a) core, Plan::assess in Rust':44} {core:9.0f} {statistics.median(core_ns):9.0f} {1.0:8.2f}")
    for name in per_row:
        print(f"{name:44} {per_row[name]:9.0f} {per_row_median[name]:9.0f} {per_row[name] / core:8.2f}")

    many = per_row["(b) assess_many, lists"]
    hand = per_row["(d) by hand, status and reason"]
    status_only = per_row["(d) by hand, status only"]
    am = outputs["(b) assess_many, lists"]
    hand_status, hand_reason = outputs["(d) by hand, status and reason"]
    same_status = sum(a == b for a, b in zip(am.status, hand_status))
    same_reason = sum(a == b for a, b in zip(am.reason, hand_reason))
    core_counts = core_runs[0]["statuses"]
    print()
    print(f"same rows, same verdicts: core {core_counts}; assess_many {counts(am.status)}; "
          f"by hand agrees on {same_status:,} statuses and {same_reason:,} reasons of {n:,}")  # fmt: skip
    print()
    print("DESIGN §9, the 1M-row batch from Python:")
    print(f"  assess_many ÷ core per row            {many / core:5.2f}   target ≤ 1.5: {'met' if many / core <= 1.5 else 'MISSED'}")
    print(f"  assess_many ÷ by hand (status+reason) {many / hand:5.2f}   target ≤ 1.0: {'met' if many <= hand else 'MISSED'}")
    print(f"  assess_many ÷ by hand (status only)   {many / status_only:5.2f}   (for information)")
    print(f"  assess loop ÷ assess_many             {per_row['(c) assess in a loop'] / many:5.2f}")

    figures: dict[str, Any] = {
        "rows": n,
        "repeats": repeats,
        "core_ns_per_row": core_ns,
        "ns_per_row_best": per_row,
        "ns_per_row_median": per_row_median,
        "load_average": os.getloadavg()[0],
    }
    print()
    if zen_figures:
        zen_best = {k: min(v) * 1e9 for k, v in zen_figures.items()}
        loop_same = zen_best["(c) assess in a loop, same rows as zen"]
        print(f"(e) {zen_note}; zen agrees with attain on {zen_agree:,} statuses")
        for v, x, z, a in zen_differ[:5]:
            # zen computes in decimal: (x - v) / x is exactly 0.05 there, a hair above it in binary floating point.
            print(f"  differs: value {v}, national {x}: zen {z}, attain {a} (shortfall {(x - v) / abs(x)!r} in binary floating point)")
        for name, ns in zen_best.items():
            print(f"  {name:44} {ns:9.0f} ns per evaluation")
        fastest_zen_single = zen_best["(e) zen engine.evaluate(key, row)"]
        print("DESIGN §9, against zen-engine per evaluation (target ≥ 5):")
        print(f"  zen engine.evaluate ÷ attain assess, call by call     {fastest_zen_single / loop_same:6.1f}")
        print(f"  zen decision.evaluate ÷ attain assess, call by call   {zen_best['(e) zen decision.evaluate(row)'] / loop_same:6.1f}")
        print(f"  zen evaluate_batch ÷ attain assess_many, per row      {zen_best['(e) zen engine.evaluate_batch(rows)'] / many:6.1f}")
        print(f"  zen engine.evaluate ÷ attain assess_many, per row     {fastest_zen_single / many:6.1f}")
        figures["zen_ns_per_evaluation"] = zen_best
        figures["zen_ns_per_evaluation_rounds"] = {k: [t * 1e9 for t in v] for k, v in zen_figures.items()}
        figures["zen_note"] = zen_note
    else:
        print(zen_note)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
