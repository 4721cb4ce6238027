"""Östersund's goal report for 2023: evaluate the founding plan, show it as a DataFrame and
write the HTML page.

    python bindings-python/examples/ostersund_report.py [OUT.html] [PLAN_FOLDER]

OUT.html defaults to ostersund-report.html in the current folder; PLAN_FOLDER to the plan
rules/ostersund-2023 of this repository (found from this file, not from the current folder).
Needs pandas (pip install pandas).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import attain

PLAN = Path(__file__).resolve().parents[2] / "rules" / "ostersund-2023"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("ostersund-report.html")
    plan_dir = Path(argv[2]) if len(argv) > 2 else PLAN

    plan = attain.load_plan(plan_dir)
    report = plan.evaluate()  # the plan's own data/ folder, its default entity and period

    print(f"{plan.title}\n{report.entity_name} ({report.entity}), {report.period}\n")
    for goal in report.goals:
        print(f"  goal {goal.id:>3}  {goal.label:<16} {goal.reason}")

    frame = report.to_frame()
    totals = frame.loc[frame["gender"] == "T", ["id", "title", "value", "national", "women", "men", "period", "status"]]
    totals["title"] = totals["title"].str.slice(0, 48)
    with pd.option_context("display.max_rows", None, "display.width", 200):
        print()
        print(totals.to_string(index=False))

    out.write_text(report.to_html(), encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
