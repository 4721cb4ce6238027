#!/usr/bin/env python3
"""Reading 1,000,000 observation rows into attain, side by side in one run:

  (a) core's own CSV reader on the rows as CSV text (`Observations.from_csv`: one native call);
  (b) a pyarrow Table (`attain.observations(table)`: the Arrow PyCapsule stream, read batch by
      batch into core's typed columns);
  (c) a polars DataFrame (the same interface);
  (d) the same rows as a list of dicts (`attain.observations(rows)`), for scale.

The rows: Kolada's real values of N01982 and N07906 for the municipalities in 2022
(rules/ostersund-2023/data/national-*.csv), repeated over as many period labels as it takes to
reach the row count (the period is a label here, `P0001`…, so that no row is a duplicate; the
ids and values are the real ones). Each figure is the median of R rounds, taken round-robin so
that a burst of load on a shared machine falls on every contender alike; the garbage collector
is off while timing. The ratio (b)/(a) is what docs/benchmarks.md reports.

    .venv/bin/python bindings-python/bench/arrow_bench.py [--rows N] [--repeats R] [--no-dicts] [--json]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import attain

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = sorted((ROOT / "rules" / "ostersund-2023" / "data").glob("national-*.csv"))


def real_rows() -> list[tuple[str, str, float]]:
    out = []
    for path in NATIONAL:
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["value"]:
                    out.append((r["indicator"], r["entity"], float(r["value"])))
    return out


def columns(n: int) -> dict[str, list[Any]]:
    base = real_rows()
    cols: dict[str, list[Any]] = {"indicator": [], "entity": [], "period": [], "gender": [], "value": []}
    for i in range(n):
        indicator, entity, value = base[i % len(base)]
        cols["indicator"].append(indicator)
        cols["entity"].append(entity)
        cols["period"].append(f"P{i // len(base):04d}")
        cols["gender"].append("T")
        cols["value"].append(value)
    return cols


def as_csv(cols: dict[str, list[Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    w.writerows(zip(*cols.values()))
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-dicts", action="store_true", help="skip (d), the slowest")
    parser.add_argument("--json", action="store_true", help="print the medians as one JSON object instead")
    args = parser.parse_args()

    import pyarrow as pa

    cols = columns(args.rows)
    text = as_csv(cols)
    table = pa.table(cols)
    contenders: dict[str, Callable[[], attain.Observations]] = {
        "(a) core's CSV reader, from_csv(text)": lambda: attain.Observations.from_csv(text),
        "(b) pyarrow Table, observations(table)": lambda: attain.observations(table),
    }
    try:
        import polars as pl

        frame = pl.from_arrow(table)
        contenders["(c) polars DataFrame, observations(frame)"] = lambda: attain.observations(frame)
    except ImportError:
        print("polars not installed: (c) skipped")
    if not args.no_dicts:
        rows = [dict(zip(cols, r)) for r in zip(*cols.values())]
        contenders["(d) list of dicts, observations(rows)"] = lambda: attain.observations(rows)

    # Every contender reads the same rows.
    expected = contenders["(a) core's CSV reader, from_csv(text)"]().rows()[:: max(1, args.rows // 1000)]
    for name, read in contenders.items():
        assert read().rows()[:: max(1, args.rows // 1000)] == expected, name

    times: dict[str, list[float]] = {name: [] for name in contenders}
    gc.disable()
    try:
        for _ in range(args.repeats):
            for name, read in contenders.items():
                start = time.perf_counter()
                obs = read()
                times[name].append(time.perf_counter() - start)
                del obs
    finally:
        gc.enable()
    base = statistics.median(times["(a) core's CSV reader, from_csv(text)"])
    if args.json:
        medians = {name: statistics.median(t) for name, t in times.items()}
        print(json.dumps({"rows": args.rows, "repeats": args.repeats, "median_s": medians, "rounds_s": times}))
        return
    print(f"{args.rows} rows, median of {args.repeats} rounds (round-robin)")
    for name, t in times.items():
        m = statistics.median(t)
        print(f"  {name:45s} {m * 1000:9.1f} ms  {m / base:5.2f}x (a)  {m / args.rows * 1e9:7.0f} ns/row")


if __name__ == "__main__":
    main()
