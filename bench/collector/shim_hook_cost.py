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

With --training the chain is of modules that each make an autograd node (x * 1.0 on an input
that requires grad), run forward and backward: what the shim adds per module of a training
step, the pre-hook on each leaf's node and the backward range it opens included.

Usage: python3 shim_hook_cost.py [--shim DIR] [--modules N] [--repeats R] [--runs K] [--training]
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


def measure(config, shim, modules, repeats, training):
    import torch

    class Scale(torch.nn.Module):  # makes one autograd node (MulBackward0)
        def forward(self, x):
            return x * 1.0

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
    layer = Scale if training else torch.nn.Identity
    chain = torch.nn.Sequential(*[layer() for _ in range(modules)])
    x = torch.zeros(1, requires_grad=training)

    def step():
        if training:
            chain(x).backward()
        else:
            chain(x)

    for _ in range(20):  # warm-up
        step()
    start = time.thread_time_ns()
    for _ in range(repeats):
        step()
    elapsed = time.thread_time_ns() - start
    return elapsed / (repeats * (modules + 1))  # + 1: the Sequential itself


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shim", default=DEFAULT_SHIM)
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--training", action="store_true")
    parser.add_argument("--config", help=argparse.SUPPRESS)  # set in the child processes
    args = parser.parse_args()
    if args.config:
        print(measure(args.config, os.path.abspath(args.shim), args.modules, args.repeats,
                      args.training))
        return
    results = {"plain": [], "noop": [], "shim": []}
    for _ in range(args.runs):  # alternate the configurations so drift hits all of them
        for config in results:
            out = subprocess.run(
                [sys.executable, __file__, "--config", config, "--shim", args.shim,
                 "--modules", str(args.modules), "--repeats", str(args.repeats)]
                + (["--training"] if args.training else []),
                check=True, capture_output=True, text=True).stdout
            results[config].append(float(out.split()[-1]))
    import torch

    summary = {config: round(statistics.median(ns), 1) for config, ns in results.items()}
    print(json.dumps({
        "ns_per_module_call": summary,
        "hooks_added_ns": round(summary["noop"] - summary["plain"], 1),
        "shim_added_ns": round(summary["shim"] - summary["plain"], 1),
        "runs": {config: [round(v, 1) for v in ns] for config, ns in results.items()},
        "training": args.training,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
    }))


if __name__ == "__main__":
    main()
