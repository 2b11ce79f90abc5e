#!/usr/bin/env python3
"""Summarises a JFR recording: where CPU samples and allocations go.

    jfr-top.py RECORDING.jfr [--jfr PATH_TO_jfr] [--top N] [--filter dev.harbormaster]

Prints, for jdk.ExecutionSample: the top frames (self time) and the methods on the stack
(inclusive time, counted once per sample); for jdk.ObjectAllocationSample: the allocated classes and
the allocating frames (weighted by the sampled weight). Uses `jfr print --json`.
"""
import argparse, collections, json, os, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument("recording")
ap.add_argument("--jfr", default=os.environ.get("JFR", "jfr"))
ap.add_argument("--top", type=int, default=25)
ap.add_argument("--filter", default="", help="also list inclusive time only for frames whose class starts with this")
ap.add_argument("--depth", type=int, default=1, help="frames shown per self/allocation site (caller chain)")
ap.add_argument("--thread", default="", help="only samples from threads whose name contains this")
args = ap.parse_args()

def events(kind):
    out = subprocess.run([args.jfr, "print", "--json", "--stack-depth", "96", "--events", kind, args.recording],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]

def name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]

def thread_ok(e):
    if not args.thread:
        return True
    t = e["values"].get("sampledThread") or e["values"].get("eventThread") or {}
    return args.thread in (t.get("javaName") or t.get("osName") or "")

samples = [e for e in events("jdk.ExecutionSample") if thread_ok(e)]
total = len(samples)
print(f"== CPU: {total} execution samples" + (f" on threads matching '{args.thread}'" if args.thread else ""))
self_t = collections.Counter()
incl = collections.Counter()
for e in samples:
    frames = (e["values"].get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    self_t[" <- ".join(name(f) for f in frames[:args.depth])] += 1
    for f in set(name(f) for f in frames):
        incl[f] += 1
print(f"-- top {args.top} frames, self")
for n, c in self_t.most_common(args.top):
    print(f"{100.0 * c / max(total, 1):6.1f}%  {c:6d}  {n}")
print(f"-- top {args.top} methods, inclusive" + (f" (classes starting with {args.filter})" if args.filter else ""))
for n, c in [(n, c) for n, c in incl.most_common() if n.startswith(args.filter)][:args.top]:
    print(f"{100.0 * c / max(total, 1):6.1f}%  {c:6d}  {n}")

alloc = [e for e in events("jdk.ObjectAllocationSample") if thread_ok(e)]
if alloc:
    weight = sum(e["values"].get("weight", 0) for e in alloc)
    by_class = collections.Counter()
    by_site = collections.Counter()
    by_own = collections.Counter()
    for e in alloc:
        w = e["values"].get("weight", 0)
        by_class[e["values"]["objectClass"]["name"].replace("/", ".")] += w
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        if frames:
            by_site[" <- ".join(name(f) for f in frames[:args.depth])] += w
        if args.filter:
            own = next((name(f) for f in frames if name(f).startswith(args.filter)), None)
            if own:
                by_own[own] += w
    print(f"== allocation: {len(alloc)} samples, {weight / 1e6:.1f} MB sampled weight")
    print(f"-- top {args.top} classes")
    for n, w in by_class.most_common(args.top):
        print(f"{100.0 * w / max(weight, 1):6.1f}%  {n}")
    print(f"-- top {args.top} allocating frames")
    for n, w in by_site.most_common(args.top):
        print(f"{100.0 * w / max(weight, 1):6.1f}%  {n}")
    if args.filter:
        print(f"-- top {args.top} nearest {args.filter} frames of the allocations")
        for n, w in by_own.most_common(args.top):
            print(f"{100.0 * w / max(weight, 1):6.1f}%  {n}")
