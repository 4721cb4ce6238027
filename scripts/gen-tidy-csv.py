#!/usr/bin/env python3
"""Writes a generated plan folder and tidy CSV data for attain's read and batch benchmarks.

The values are GENERATED (a smooth function of indicator, entity, year and gender), not
Kolada's: they measure reading and judging, nothing about any municipality. Nothing written
here is committed: write under target/ or /tmp.

    scripts/gen-tidy-csv.py OUT --indicators 115 --years 10          # 1,000,500 rows, one file
    scripts/gen-tidy-csv.py OUT --indicators 2000 --years 30 --per-file 80   # ~52 million rows

OUT/plan.toml judges the first --judged indicators with std rules (reference against the
national value and against peers, target, quartile, trend), peers derived from 20 members;
OUT/data/*.csv hold every indicator (the others are ids the plan does not know, as a Kolada
download holds more key figures than a plan follows). Entities: `0000` (the nation) and
289 municipalities `0001`…; genders T, K, M.
"""

import argparse
import os

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("out")
p.add_argument("--indicators", type=int, default=115)
p.add_argument("--entities", type=int, default=290)
p.add_argument("--years", type=int, default=10)
p.add_argument("--last-year", type=int, default=2023)
p.add_argument("--judged", type=int, default=10, help="indicators the plan judges")
p.add_argument("--per-file", type=int, default=0, help="indicators per CSV file (0: one file); each file stays under core's 64 MiB")
p.add_argument("--kolada", action="store_true", help="write the same values as one Kolada API response (data/kolada.json) instead of CSV")
a = p.parse_args()

os.makedirs(os.path.join(a.out, "data"), exist_ok=True)
entities = ["0000"] + [f"{i:04d}" for i in range(1, a.entities)]
years = [str(y) for y in range(a.last_year - a.years + 1, a.last_year + 1)]
ids = [f"N{i:05d}" for i in range(a.indicators)]

members = ", ".join(f'"{i * 7:04d}"' for i in range(1, 21))
plan = [
    '[plan]\nid = "generated"\ntitle = "Generated benchmark plan (values are generated, not real)"\nentity = "0001"\n',
    f'[comparison]\nnational = "0000"\npeers = "G-peers"\n[comparison.groups]\nG-peers = {{ title = "Peers", members = [{members}] }}\n',
]
judged = ids[: a.judged]
for g in range(0, len(judged), 5):
    part = ", ".join(f'"{i}"' for i in judged[g : g + 5])
    plan.append(f'[[goal]]\nid = "G{g // 5}"\ntitle = "Goal {g // 5}"\nindicators = [{part}]\naggregate = "share"\n')
rules = [
    ('reference', '{ against = "national", tolerance = 0.05 }', ""),
    ('reference', '{ against = "peers", tolerance = 0.1 }', ""),
    ("target", "{ tolerance = 0.05 }", f"targets = {{ {years[0]} = 50.0, 2030 = 60.0 }}\n"),
    ("quartile", "{}", ""),
    ("trend", "{ n = 2 }", ""),
]
for n, i in enumerate(judged):
    rule, params, targets = rules[n % len(rules)]
    direction = "higher" if n % 2 == 0 else "lower"
    plan.append(
        f'[[indicator]]\nid = "{i}"\ntitle = "{i}"\nunit = "%"\ndirection = "{direction}"\ngender = true\n'
        f'rule = "{rule}"\nparams = {params}\n{targets}'
    )
with open(os.path.join(a.out, "plan.toml"), "w") as f:
    f.write("".join(plan))

def value(ii, ei, yi):
    return 40.0 + (ii * 7 + ei * 13) % 40 + yi * 0.5


per_file = a.per_file or a.indicators
rows = 0
if a.kolada:
    # Kolada's v2 shape: one item per key figure, municipality and year, a value per gender.
    for start in range(0, a.indicators, per_file):
        items = []
        for ii in range(start, min(start + per_file, a.indicators)):
            ind = ids[ii]
            for ei, e in enumerate(entities):
                for yi, y in enumerate(years):
                    v = value(ii, ei, yi)
                    items.append(
                        f'{{"kpi":"{ind}","municipality":"{e}","period":{y},"values":['
                        f'{{"count":1,"gender":"T","status":"","value":{v:.1f}}},'
                        f'{{"count":1,"gender":"K","status":"","value":{v + 1.5:.1f}}},'
                        f'{{"count":1,"gender":"M","status":"","value":{v - 1.5:.1f}}}]}}'
                    )
                    rows += 3
        with open(os.path.join(a.out, "data", f"kolada-{start // per_file:03d}.json"), "w") as f:
            f.write('{"count":%d,"values":[' % len(items) + ",".join(items) + "]}")
    print(f"{rows} values in {a.out}/data")
    raise SystemExit(0)
for start in range(0, a.indicators, per_file):
    with open(os.path.join(a.out, "data", f"data-{start // per_file:03d}.csv"), "w") as f:
        f.write("indicator,entity,period,gender,value\n")
        for ii in range(start, min(start + per_file, a.indicators)):
            ind = ids[ii]
            lines = []
            for ei, e in enumerate(entities):
                for yi, y in enumerate(years):
                    v = value(ii, ei, yi)
                    lines.append(f"{ind},{e},{y},T,{v:.1f}\n{ind},{e},{y},K,{v + 1.5:.1f}\n{ind},{e},{y},M,{v - 1.5:.1f}\n")
            f.write("".join(lines))
            rows += len(entities) * len(years) * 3
print(f"{rows} rows in {a.out}/data")
