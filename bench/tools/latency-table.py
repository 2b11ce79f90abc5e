#!/usr/bin/env python3
"""Markdown table of a bench/latency/run.sh summary.jsonl.

    latency-table.py summary.jsonl

One row per (rate, streams) cell: each server's p50 / p99 / p99.9 in ms (the median over rounds),
then the gaps pack - empty and empty - floor (and pack - base with a base), each computed within
a round (the servers of one round ran one right after the other) and given as the median over rounds.
"""
import json, statistics, sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
cells = defaultdict(lambda: defaultdict(dict))  # (rate, streams) -> round -> server -> row
for r in rows:
    cell = ("burst" if r["rate"] == 0 else r["rate"], r["streams"])
    cells[cell][r["round"]][r["server"]] = r
servers = [s for s in ("pack", "empty", "floor", "base") if any(s == r["server"] for r in rows)]
ms = lambda us: f"{us / 1000:.3f}"

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def gap(rounds, a, b, key):
    return median([rs[a][key] - rs[b][key] for rs in rounds.values() if a in rs and b in rs])

head = "| rate/s | streams | " + " | ".join(f"{s} p50 / p99 / p99.9" for s in servers)
head += " | pack−empty p50 / p99 | empty−floor p50 / p99 |" + (" pack−base p50 / p99 |" if "base" in servers else "")
print(head)
print("|" + " --- |" * (head.count("|") - 1))
order = sorted(cells, key=lambda c: (c[0] == "burst", c[0] if c[0] != "burst" else 0, c[1]))
for cell in order:
    rounds = cells[cell]
    line = f"| {cell[0]} | {cell[1]} |"
    for s in servers:
        vals = [median([rs[s][k] for rs in rounds.values() if s in rs]) for k in ("p50_us", "p99_us", "p999_us")]
        line += " " + " / ".join(ms(v) if v is not None else "–" for v in vals) + " |"
    for a, b in [("pack", "empty"), ("empty", "floor")] + ([("pack", "base")] if "base" in servers else []):
        g = [gap(rounds, a, b, k) for k in ("p50_us", "p99_us")]
        line += " " + " / ".join(f"{v / 1000:+.3f}" if v is not None else "–" for v in g) + " |"
    print(line)
print()
print("Server CPU per request (µs, median over rounds):")
print()
print("| rate/s | streams | " + " | ".join(servers) + " | count per run |")
print("|" + " --- |" * (len(servers) + 3))
for cell in order:
    rounds = cells[cell]
    cpu = [median([rs[s]["server_cpu_us_per_request"] for rs in rounds.values() if s in rs]) for s in servers]
    counts = median([rs[s]["count"] for rs in rounds.values() for s in servers if s in rs])
    print(f"| {cell[0]} | {cell[1]} | " + " | ".join(f"{c:.0f}" if c is not None else "–" for c in cpu) + f" | {counts:.0f} |")
errors = [r for r in rows if r.get("non2xx")]
if errors:
    print(f"\n{len(errors)} runs had non-2xx answers: " + ", ".join(f"{r['run']}.{r['server']} ({r['non2xx']})" for r in errors))
