#!/usr/bin/env python3
"""Scales a real PyTorch-profiler (Kineto) trace up to millions of events for benchmarks.

The events inside the trace's ProfilerStep iterations are replicated back to back with
shifted timestamps; correlation ids, external ids and flow ids are offset per copy so that
launch links stay one-to-one. Of the events outside the iterations only metadata is kept:
GPU ops that run past the window would otherwise interleave on their stream with the next
copy's ops, against launch order. Output is plain (uncompressed) JSON, so import speed can
be measured in MB/s of JSON.

usage: scale_trace.py IN.json[.gz] OUT.json --events N
"""
import argparse
import gzip
import json


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--events", type=int, required=True, help="target number of events")
    args = parser.parse_args()

    trace = load(args.input)
    events = trace["traceEvents"]
    steps = [e for e in events if str(e.get("name", "")).startswith("ProfilerStep#")]
    if not steps:
        raise SystemExit(f"{args.input}: no ProfilerStep#N events to replicate")
    window_start = min(e["ts"] for e in steps)
    window_end = max(e["ts"] + e.get("dur", 0) for e in steps)
    period = window_end - window_start
    inside = [e for e in events if isinstance(e.get("ts"), (int, float))
              and window_start <= e["ts"] < window_end and e.get("ph") != "M"]
    outside = [e for e in events if e.get("ph") == "M"]
    copies = max(1, -(-(args.events - len(outside)) // max(1, len(inside))))  # ceiling
    id_stride = 1 + max([int(e.get("id", 0)) for e in events if isinstance(e.get("id"), int)] +
                        [int(e.get("args", {}).get(k, 0)) for e in events
                         for k in ("correlation", "External id")
                         if isinstance(e.get("args", {}).get(k), int)])
    step_numbers = sorted(int(e["name"].split("#")[1]) for e in steps)
    step_stride = step_numbers[-1] - step_numbers[0] + 1

    with open(args.output, "w") as out:
        header = {k: v for k, v in trace.items() if k != "traceEvents"}
        out.write(json.dumps(header)[:-1] + ', "traceEvents": [\n')
        first = True

        def emit(event):
            nonlocal first
            out.write(("" if first else ",\n") + json.dumps(event))
            first = False

        for e in outside:
            emit(e)
        for k in range(copies):
            shift = k * period
            for e in inside:
                c = dict(e)
                c["ts"] = e["ts"] + shift
                if isinstance(c.get("id"), int):
                    c["id"] = c["id"] + k * id_stride
                args_ = c.get("args")
                if isinstance(args_, dict):
                    args_ = dict(args_)
                    for key in ("correlation", "External id"):
                        if isinstance(args_.get(key), int):
                            args_[key] += k * id_stride
                    c["args"] = args_
                if str(c.get("name", "")).startswith("ProfilerStep#"):
                    number = int(c["name"].split("#")[1]) + k * step_stride
                    c["name"] = f"ProfilerStep#{number}"
                emit(c)
        out.write("\n]}\n")
    print(f"wrote {args.output}: {len(outside) + copies * len(inside)} events "
          f"({copies} copies of {len(inside)} iteration events)")


if __name__ == "__main__":
    main()
