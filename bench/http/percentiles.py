#!/usr/bin/env python3
"""Latency percentiles from h2load --log-file (tab-separated: start time us, status, duration us).

    percentiles.py LOG [--skip-seconds S]    -> one JSON line: count, non2xx, rps, p50/p90/p99/p99.9/max in us
"""
import json, sys

path = sys.argv[1]
skip = float(sys.argv[sys.argv.index("--skip-seconds") + 1]) if "--skip-seconds" in sys.argv else 0.0
rows = []
with open(path) as f:
    for line in f:
        parts = line.split("\t")
        if len(parts) >= 3:
            rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
rows.sort()
if not rows:
    print(json.dumps({"count": 0}))
    sys.exit(0)
t0 = rows[0][0] + skip * 1e6
rows = [r for r in rows if r[0] >= t0]
durations = sorted(r[2] for r in rows)
span = (rows[-1][0] - rows[0][0]) / 1e6 if len(rows) > 1 else 0

def pct(p):
    i = min(len(durations) - 1, max(0, int(round(p / 100.0 * len(durations) + 0.5)) - 1))
    return durations[i]

print(json.dumps({"count": len(rows), "non2xx": sum(1 for r in rows if not 200 <= r[1] < 300),
                  "rps": round(len(rows) / span, 1) if span else None,
                  "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99), "p999_us": pct(99.9), "max_us": durations[-1],
                  "mean_us": round(sum(durations) / len(durations), 1)}))
