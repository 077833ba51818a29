#!/usr/bin/env python3
"""Times Meta's Holistic Trace Analysis (PyPI `holistictraceanalysis`) loading a Kineto trace
and computing its critical path, beside `daydream breakdown` (which loads, builds the graph,
replays it and computes the critical path of every steady-state iteration) on the same file,
in the same run. Prints both wall times and their ratio.

usage: hta_compare.py DAYDREAM_BINARY TRACE.json.gz [--repeat N]
Needs HTA importable: `pip install holistictraceanalysis "pandas<3"` in a virtual environment
(HTA 0.5.0 fails on pandas 3 in its critical path analysis).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def time_hta(trace_path):
    from hta.trace_analysis import TraceAnalysis  # imported here: the import is not timed

    with tempfile.TemporaryDirectory() as trace_dir:
        shutil.copy(trace_path, os.path.join(trace_dir, os.path.basename(trace_path)))
        start = time.perf_counter()
        analyzer = TraceAnalysis(trace_dir=trace_dir)
        loaded = time.perf_counter()
        _, ok = analyzer.critical_path_analysis(rank=0, annotation="ProfilerStep", instance_id=None)
        done = time.perf_counter()
    return loaded - start, done - loaded, ok


def time_daydream(binary, trace_path):
    start = time.perf_counter()
    subprocess.run([binary, "breakdown", trace_path], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("daydream")
    parser.add_argument("trace")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hta_load, hta_cp, dd = [], [], []
    for _ in range(args.repeat):
        load, cp, ok = time_hta(args.trace)
        if not ok:
            raise SystemExit("HTA reported that its critical path analysis failed")
        hta_load.append(load)
        hta_cp.append(cp)
        dd.append(time_daydream(args.daydream, args.trace))
    hta_total = statistics.median(a + b for a, b in zip(hta_load, hta_cp))
    print(f"HTA: load {statistics.median(hta_load):.2f} s + critical path "
          f"{statistics.median(hta_cp):.2f} s = {hta_total:.2f} s (median of {args.repeat})")
    print(f"daydream breakdown (load, graph, replay, critical paths, report): "
          f"{statistics.median(dd):.3f} s")
    print(f"ratio HTA / daydream: {hta_total / statistics.median(dd):.0f}x")


if __name__ == "__main__":
    main()
