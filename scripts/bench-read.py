#!/usr/bin/env python3
"""Reading 1M tidy rows: `attain report` as a whole process against `pandas.read_csv` in process.

Generates (scripts/gen-tidy-csv.py, GENERATED values) 1,000,500 rows (115 indicators x 290
entities x 10 years x T/K/M, 24 MB) under target/bench-read/ unless they are there, and the
same values as a Kolada API response (two files). Each figure is the median of --rounds rounds
(default 5), taken in one run, so that the ratios compare like with like on a shared machine:

- pandas.read_csv(file): in this process, its import excluded;
- attain report over the CSV: the whole process (read, index, judge, JSON report), with its
  peak memory (`/usr/bin/time -v`'s maximum resident set size);
- attain report over the Kolada JSON, and its cost per value against the CSV's.

Prints one summary line per figure, or with --json one JSON object.

    python3 scripts/bench-read.py [--attain target/release/attain] [--rounds 5] [--json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_attain(attain, plan):
    """Wall seconds and peak resident memory (bytes) of one `attain report` process."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", attain, "report", plan, "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    return seconds, int(out.stderr.strip().splitlines()[-1]) * 1024


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--attain", default=os.path.join(ROOT, "target", "release", "attain"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--dir", default=os.path.join(ROOT, "target", "bench-read"))
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    gen = os.path.join(ROOT, "scripts", "gen-tidy-csv.py")
    csv_plan, kolada_plan = os.path.join(a.dir, "csv"), os.path.join(a.dir, "kolada")
    if not os.path.exists(os.path.join(csv_plan, "data", "data-000.csv")):
        subprocess.run([sys.executable, gen, csv_plan], check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(kolada_plan, "data", "kolada-000.json")):
        subprocess.run([sys.executable, gen, kolada_plan, "--kolada", "--per-file", "60"], check=True, stdout=subprocess.DEVNULL)
    import pandas

    csv_file = os.path.join(csv_plan, "data", "data-000.csv")
    rows = None
    pandas_s, csv_s, csv_peak, kolada_s, kolada_peak = [], [], [], [], []
    for _ in range(a.rounds):
        start = time.perf_counter()
        frame = pandas.read_csv(csv_file)
        pandas_s.append(time.perf_counter() - start)
        rows = len(frame)
        del frame
        s, m = run_attain(a.attain, csv_plan)
        csv_s.append(s)
        csv_peak.append(m)
        s, m = run_attain(a.attain, kolada_plan)
        kolada_s.append(s)
        kolada_peak.append(m)
    med = statistics.median
    figures = {
        "rows": rows,
        "rounds": a.rounds,
        "pandas_read_csv_s": med(pandas_s),
        "attain_report_csv_s": med(csv_s),
        "attain_report_csv_peak_mb": med(csv_peak) / 1e6,
        "attain_vs_pandas": med(csv_s) / med(pandas_s),
        "attain_report_kolada_s": med(kolada_s),
        "attain_report_kolada_peak_mb": med(kolada_peak) / 1e6,
        "kolada_vs_csv_per_value": med(kolada_s) / med(csv_s),
    }
    if a.json:
        print(json.dumps(figures))
        return
    f = figures
    print(f"read 1M rows: pandas.read_csv {f['pandas_read_csv_s']:.3f} s (in process, {rows} rows)")
    print(f"read 1M rows: attain report over the CSV {f['attain_report_csv_s']:.3f} s, {f['attain_vs_pandas']:.2f}x pandas.read_csv (whole process)")
    print(f"read 1M rows: attain report over the CSV peak {f['attain_report_csv_peak_mb']:.0f} MB")
    print(f"read 1M rows: attain report over Kolada JSON {f['attain_report_kolada_s']:.3f} s, {f['kolada_vs_csv_per_value']:.2f}x the CSV per value, peak {f['attain_report_kolada_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
