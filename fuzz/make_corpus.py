#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) and fuzz/apply_graph.json.

Seeds are small slices of the shared real traces, so that mutations start from the shapes
real files have: a few consecutive events of each kind with the file's top-level metadata
(Kineto JSON), the same slices imported to daydream SQLite with 512-byte pages (SQLite
reader), and one --apply text per model built from `daydream whatif --list --json`.
apply_graph.json is one iteration of a real trace cut down to its first and last launches,
small enough to transform and simulate thousands of times a second.

usage: fuzz/make_corpus.py DAYDREAM_BIN [TRACES_DIR]   (run from the repository root)
"""
import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

FUZZ = os.path.dirname(os.path.abspath(__file__))
SLICE_EVENTS = 24
CALLS = 40  # runtime calls kept at each end of the apply_graph.json iteration
SLICES_PER_TRACE = 6
# Values for the required --apply parameters (the others start from their defaults).
EXAMPLE_VALUES = {"select": "class:gemm+phase:forward", "factor": "0.5", "target": "H100"}


def load(path):
    with gzip.open(path, "rt") as f:
        return json.load(f)


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


def write_seed(target, data):
    directory = os.path.join(FUZZ, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def metadata(trace):
    return {k: v for k, v in trace.items() if k != "traceEvents"}


def slices(trace):
    """SLICES_PER_TRACE windows of consecutive events, each with the M (name) events."""
    events = trace["traceEvents"]
    names = [e for e in events if e.get("ph") == "M"][:6]
    timed = sorted((e for e in events if e.get("ph") != "M"), key=lambda e: e.get("ts", 0))
    step = max(1, (len(timed) - SLICE_EVENTS) // SLICES_PER_TRACE)
    for i in range(SLICES_PER_TRACE):
        window = timed[i * step:i * step + SLICE_EVENTS]
        yield dict(metadata(trace), traceEvents=names + window)


def apply_graph(trace):
    """The first ProfilerStep cut to its first and last CALLS runtime calls with what they launch."""
    events = trace["traceEvents"]
    step = next(e for e in events if str(e.get("name", "")).startswith("ProfilerStep#"))
    begin, end = step["ts"], step["ts"] + step["dur"]
    runtime = sorted((e for e in events if e.get("cat") == "cuda_runtime"
                      and begin <= e["ts"] < end), key=lambda e: e["ts"])
    kept = runtime[:CALLS] + runtime[-CALLS:]
    windows = [(kept[0]["ts"], kept[CALLS - 1]["ts"] + kept[CALLS - 1]["dur"]),
               (kept[CALLS]["ts"], kept[-1]["ts"] + kept[-1]["dur"])]
    correlations = {e["args"]["correlation"] for e in kept}

    def wanted(e):
        if e.get("ph") == "M" or e is step:
            return True
        if e.get("args", {}).get("correlation") in correlations:
            return True  # the GPU ops these calls launched
        if e.get("ph") in ("s", "f"):
            return e.get("id") in correlations
        ts = e.get("ts")
        return e.get("ph") == "X" and e.get("cat") in ("cpu_op", "user_annotation") and any(
            lo <= ts < hi for lo, hi in windows)

    def lean(e):  # without the shapes and types of inputs, which nothing in daydream reads
        args = {k: v for k, v in e.get("args", {}).items() if not k.startswith("Input")}
        return dict(e, args=args) if "args" in e else e

    return {"deviceProperties": trace["deviceProperties"],
            "traceEvents": [lean(e) for e in events if wanted(e)]}


def to_sqlite(daydream, json_bytes, workdir):
    source = os.path.join(workdir, "slice.json")
    target = os.path.join(workdir, "slice.sqlite")
    with open(source, "wb") as f:
        f.write(json_bytes)
    subprocess.run([daydream, "import", source, "-o", target], check=True,
                   stdout=subprocess.DEVNULL)
    db = sqlite3.connect(target)
    db.execute("PRAGMA page_size = 512")
    db.execute("VACUUM")
    db.close()
    with open(target, "rb") as f:
        return f.read()


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    daydream = sys.argv[1]
    traces = sys.argv[2] if len(sys.argv) == 3 else "traces"
    json_seeds = []
    for name in ("vgg13_h100_iter41.pt.trace.json.gz", "resnet50_v100_rank0.pt.trace.json.gz"):
        trace = load(os.path.join(traces, name))
        json_seeds += [dumps(s).encode() for s in slices(trace)]
        if name.startswith("resnet50"):
            with open(os.path.join(FUZZ, "apply_graph.json"), "w") as f:
                f.write(dumps(apply_graph(trace)))
    for seed in json_seeds:
        write_seed("kineto_json_fuzzer", seed)
        write_seed("graph_builder_fuzzer", seed)
    with tempfile.TemporaryDirectory() as workdir:
        for seed in json_seeds[::3]:
            db = to_sqlite(daydream, seed, workdir)
            write_seed("sqlite_reader_fuzzer", db)
            write_seed("graph_builder_fuzzer", db)
    models = json.loads(subprocess.run([daydream, "whatif", "--list", "--json"], check=True,
                                       capture_output=True, text=True).stdout)["models"]
    for model in models:
        terms = [f"{p['name']}={p['default'] or EXAMPLE_VALUES.get(p['name'], '1')}"
                 for p in model["parameters"]]
        text = model["name"] + (":" + ",".join(terms) if terms else "")
        write_seed("apply_parser_fuzzer", text.encode())
    write_seed("apply_parser_fuzzer", "\n".join(m["name"] for m in models[:3]).encode())


if __name__ == "__main__":
    main()
