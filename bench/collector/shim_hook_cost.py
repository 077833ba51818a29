"""CPU cost of the PyTorch shim's module hooks, per module call, without a GPU.

`daydream record --annotate modules` adds a global forward pre-hook and post-hook to every
nn.Module call. On a launch-bound model that CPU time is iteration time, so it is measured here
on its own: a chain of trivial modules (so the module-call machinery dominates) is run forward
in three configurations, each in a fresh process (global hooks cannot be removed cleanly):
  - plain:  no global hooks (PyTorch's fast path);
  - noop:   two global hooks that do nothing (the price of leaving the fast path);
  - shim:   the shim installed as `record` installs it, with torch.cuda.nvtx as it is when no
            NVTX tool is attached (a near no-op call). CUDA is reported initialized so that the
            hooks act as they do in a recording.
Time is this thread's CPU time, so the other processes on the machine do not count. What this
cannot measure is CUPTI's own cost per NVTX range in a real recording (it needs a GPU).

Usage: python3 shim_hook_cost.py [--shim DIR] [--modules N] [--repeats R] [--runs K]
Prints one JSON line: nanoseconds per module call for each configuration (median of the runs).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHIM = os.path.join(HERE, "..", "..", "collector", "python")


def measure(config, shim, modules, repeats):
    import torch

    if config == "noop":
        hooks = torch.nn.modules.module
        hooks.register_module_forward_pre_hook(lambda module, args: None)
        hooks.register_module_forward_hook(lambda module, args, output: None)
    elif config == "shim":
        sys.path.insert(0, shim)
        from daydream_shim.annotator import Annotator
        from daydream_shim.torch_hooks import install

        torch.cuda.is_initialized = lambda: True
        install(Annotator("modules", None), {})
    chain = torch.nn.Sequential(*[torch.nn.Identity() for _ in range(modules)])
    x = torch.zeros(1)
    for _ in range(20):  # warm-up
        chain(x)
    start = time.thread_time_ns()
    for _ in range(repeats):
        chain(x)
    elapsed = time.thread_time_ns() - start
    return elapsed / (repeats * (modules + 1))  # + 1: the Sequential itself


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shim", default=DEFAULT_SHIM)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--config", help=argparse.SUPPRESS)  # set in the child processes
    args = parser.parse_args()
    if args.config:
        print(measure(args.config, os.path.abspath(args.shim), args.modules, args.repeats))
        return
    results = {"plain": [], "noop": [], "shim": []}
    for _ in range(args.runs):  # alternate the configurations so drift hits all of them
        for config in results:
            out = subprocess.run(
                [sys.executable, __file__, "--config", config, "--shim", args.shim,
                 "--modules", str(args.modules), "--repeats", str(args.repeats)],
                check=True, capture_output=True, text=True).stdout
            results[config].append(float(out.split()[-1]))
    import torch

    summary = {config: round(statistics.median(ns), 1) for config, ns in results.items()}
    print(json.dumps({
        "ns_per_module_call": summary,
        "hooks_added_ns": round(summary["noop"] - summary["plain"], 1),
        "shim_added_ns": round(summary["shim"] - summary["plain"], 1),
        "runs": {config: [round(v, 1) for v in ns] for config, ns in results.items()},
        "torch": torch.__version__,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
