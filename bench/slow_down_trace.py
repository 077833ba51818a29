#!/usr/bin/env python3
"""Makes a copy of a PyTorch-profiler (Kineto) trace in which some kernels ran slower.

For trying `daydream diff` on a known change: the kernels whose name matches --kernels get
(factor - 1) x their duration longer, and that time is inserted into the whole timeline at each
such kernel's end: every timestamp at or after it moves later by the extra time inserted so
far. Event order, launches, flows and iteration markers stay consistent, and each iteration
grows by exactly the extra time inserted inside it — what a slower kernel looks like in a
GPU-bound training loop. (The C++ tests do the same to the loaded Trace: tests/slowed_trace.h.)
Output is plain JSON, or gzip when OUT ends in .gz.

usage: slow_down_trace.py IN.json[.gz] OUT.json[.gz] --kernels REGEX --factor F
"""
import argparse
import bisect
import gzip
import json
import re


def opener(path):
    return gzip.open if path.endswith(".gz") else open


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--kernels", required=True, help="regex on kernel names (re.search)")
    parser.add_argument("--factor", type=float, required=True, help="duration factor, e.g. 1.3")
    args = parser.parse_args()

    with opener(args.input)(args.input, "rt") as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    pattern = re.compile(args.kernels)
    points = sorted((e["ts"] + e["dur"], e["dur"] * (args.factor - 1))
                    for e in events
                    if e.get("ph") == "X" and str(e.get("cat", "")).lower() == "kernel"
                    and pattern.search(str(e.get("name", ""))))
    if not points:
        raise SystemExit(f"{args.input}: no kernel matches {args.kernels!r}")
    times = [t for t, _ in points]
    inserted = []
    total = 0.0
    for _, extra in points:
        total += extra
        inserted.append(total)

    def shift(t):  # extra time inserted at or before t
        i = bisect.bisect_right(times, t)
        return inserted[i - 1] if i else 0.0

    for e in events:
        ts = e.get("ts")
        if not isinstance(ts, (int, float)):
            continue
        if isinstance(e.get("dur"), (int, float)):
            end = ts + e["dur"]
            e["dur"] = end + shift(end) - (ts + shift(ts))
        e["ts"] = ts + shift(ts)

    with opener(args.output)(args.output, "wt") as out:
        json.dump(trace, out)
    print(f"{len(points)} kernels slowed by x{args.factor}: {total / 1000:.3f} ms inserted")


if __name__ == "__main__":
    main()
