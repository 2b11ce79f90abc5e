#!/usr/bin/env python3
"""Markdown table of a summary.jsonl from bench/http/run.sh (pack next to empty) or ab.sh (a next to b), per run."""
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
runs = [r for r in dict.fromkeys(r["run"] for r in rows) if not r.startswith(("warmup", "jfr"))]
by = {(r["run"], r["server"]): r for r in rows}
ms = lambda us: f"{us / 1000:.2f}" if us is not None else "-"
print("| run | server | req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req | errors (socket / non-2xx) | RSS max MB |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
for run in runs:
    for server in dict.fromkeys(r["server"] for r in rows):
        r = by.get((run, server))
        if not r:
            continue
        rps = r.get("rps") or r.get("h2load_rps") or 0
        if not rps:
            print(f"| {run} | {server} | **0: no request completed** | - | - | - | - | started {r.get('started')}, done {r.get('done')} | {r['server_rss_max_kb'] / 1024:.0f} |")
            continue
        socket = sum(r.get(k, 0) or 0 for k in ("connect_errors", "read_errors", "write_errors", "timeouts", "errored", "timeout"))
        non2xx = r.get("non2xx", 0)
        print(f"| {run} | {server} | {rps:,.0f} | {ms(r.get('p50_us'))} | {ms(r.get('p99_us'))} | {ms(r.get('p999_us'))} | "
              f"{r['server_cpu_us_per_request']:.0f} | {socket} / {non2xx} | {r['server_rss_max_kb'] / 1024:.0f} |")
