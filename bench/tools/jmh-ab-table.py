#!/usr/bin/env python3
"""Markdown table of bench/jmh/ab.sh's output: BASE (a) and NEW (b) per benchmark, each round's mean ± error
and p50, and NEW/BASE of the means (averaged over the rounds) and of the p50s (the lowest round's of each side:
on a crowded machine the least disturbed run is the closest to the code's own cost).

    python3 bench/tools/jmh-ab-table.py bench/results/<date>/jmh-ab
"""
import glob, json, lzma, os, re, sys

out = sys.argv[1]
rows = {}
for path in sorted(glob.glob(os.path.join(out, "*-[ab]-*.json")) + glob.glob(os.path.join(out, "*-[ab]-*.json.xz"))):
    m = re.match(r"(\d+)-([ab])-", os.path.basename(path))
    side = m.group(2)
    for b in json.load(lzma.open(path) if path.endswith(".xz") else open(path)):
        cls, method = b["benchmark"].split(".")[-2:]
        name = f"{cls}.{method} " + ",".join(f"{v}" for _, v in sorted(b.get("params", {}).items()))
        pm = b["primaryMetric"]
        pct = pm.get("scorePercentiles", {})
        rows.setdefault(name, {}).setdefault(side, []).append(
            dict(mean=pm["score"], err=pm["scoreError"], p50=pct.get("50.0"), p99=pct.get("99.0"), unit=pm["scoreUnit"]))

f = lambda v: "nan" if v is None or v != v else (f"{v:.2f}" if v < 10 else f"{v:.1f}")
print("| benchmark (µs/op) | BASE mean ± error, per round | NEW mean ± error, per round | NEW/BASE mean | BASE p50 per round | NEW p50 per round | NEW/BASE lowest p50 | BASE p99 | NEW p99 |")
print("| --- | --- | --- | ---: | --- | --- | ---: | --- | --- |")
for name, sides in rows.items():
    a, b = sides.get("a", []), sides.get("b", [])
    mean = lambda xs: sum(x["mean"] for x in xs) / len(xs)
    ratio = f"{mean(b) / mean(a):.2f}" if a and b else "—"
    pa = [x["p50"] for x in a if x["p50"] is not None]
    pb = [x["p50"] for x in b if x["p50"] is not None]
    pratio = f"{min(pb) / min(pa):.2f}" if pa and pb else "—"
    cells = lambda xs: "; ".join(f"{f(x['mean'])} ± {f(x['err'])}" for x in xs)
    col = lambda xs, k: " / ".join(f(x[k]) for x in xs)
    print(f"| {name} | {cells(a)} | {cells(b)} | {ratio} | {col(a, 'p50')} | {col(b, 'p50')} | {pratio} | {col(a, 'p99')} | {col(b, 'p99')} |")
