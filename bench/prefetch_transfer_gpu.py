#!/usr/bin/env python3
"""Measure what SALIENT-style pipelined batch transfer buys on one GPU, and record the trace
that `daydream whatif TRACE --apply prefetch-transfer` predicts it from.

A small training loop (an MLP over a large input batch, synthetic data held in pageable CPU
memory) runs two ways:
  sync:     batch.to(device) from pageable memory on the compute stream (the CPU waits);
  prefetch: batches pinned ahead, copied with non_blocking=True on a side stream one
            iteration ahead, the compute stream waiting on an event (SALIENT, MLSys 2022).
It records a torch.profiler (Kineto) trace of a few steady iterations of the sync loop, with
ProfilerStep markers, and writes the measured medians as JSON.

Run on a machine with a CUDA GPU (not part of the test suite):
  python3 bench/prefetch_transfer_gpu.py --out /tmp/prefetch
  build/cli/daydream whatif /tmp/prefetch/sync_trace.json --apply prefetch-transfer --json
and compare the prediction with `prefetch` in /tmp/prefetch/measured.json.
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch import nn


def make_model(features, hidden, classes):
    return nn.Sequential(
        nn.Linear(features, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, classes))


def make_batches(count, batch, features, classes):
    # Pageable (not pinned) host memory, as a Dataset without pin_memory hands it over.
    return [(torch.randn(batch, features), torch.randint(0, classes, (batch,)))
            for _ in range(count)]


def step(model, optimizer, loss_fn, x, y):
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()


def run_sync(model, optimizer, loss_fn, batches, device, iterations, profiler=None):
    times = []
    for i in range(iterations):
        start = time.perf_counter()
        x, y = batches[i % len(batches)]
        x, y = x.to(device), y.to(device)  # pageable: the CPU waits for the copy
        step(model, optimizer, loss_fn, x, y)
        torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
        if profiler is not None:
            profiler.step()
    return times


def run_prefetch(model, optimizer, loss_fn, batches, device, iterations):
    side = torch.cuda.Stream(device)
    pinned = [(x.pin_memory(), y.pin_memory()) for x, y in batches]  # the prefetcher's job

    def issue(i):
        x, y = pinned[i % len(pinned)]
        with torch.cuda.stream(side):
            gx, gy = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            ready = torch.cuda.Event()
            ready.record(side)
        return gx, gy, ready

    times = []
    upcoming = issue(0)
    for i in range(iterations):
        start = time.perf_counter()
        x, y, ready = upcoming
        torch.cuda.current_stream(device).wait_event(ready)
        x.record_stream(torch.cuda.current_stream(device))
        y.record_stream(torch.cuda.current_stream(device))
        upcoming = issue(i + 1)  # the next batch's copy overlaps this step's compute
        step(model, optimizer, loss_fn, x, y)
        torch.cuda.synchronize(device)
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="prefetch_transfer_out")
    parser.add_argument("--batch", type=int, default=8192)
    parser.add_argument("--features", type=int, default=4096)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("prefetch_transfer_gpu.py needs a CUDA GPU")
    os.makedirs(args.out, exist_ok=True)
    device = torch.device("cuda", 0)
    torch.manual_seed(0)
    model = make_model(args.features, args.hidden, args.classes).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    batches = make_batches(4, args.batch, args.features, args.classes)

    run_sync(model, optimizer, loss_fn, batches, device, args.warmup)
    sync = run_sync(model, optimizer, loss_fn, batches, device, args.iterations)
    run_prefetch(model, optimizer, loss_fn, batches, device, args.warmup)
    prefetch = run_prefetch(model, optimizer, loss_fn, batches, device, args.iterations)

    trace_path = os.path.join(args.out, "sync_trace.json")
    activities = [torch.profiler.ProfilerActivity.CPU, torch.profiler.ProfilerActivity.CUDA]
    schedule = torch.profiler.schedule(wait=1, warmup=2, active=5, repeat=1)
    with torch.profiler.profile(activities=activities, schedule=schedule,
                                profile_memory=True) as profiler:
        run_sync(model, optimizer, loss_fn, batches, device, 8, profiler)
    profiler.export_chrome_trace(trace_path)

    input_mb = args.batch * args.features * 4 / 1e6
    result = {
        "gpu": torch.cuda.get_device_name(device),
        "torch": torch.__version__,
        "batch": args.batch, "features": args.features, "input_mb": input_mb,
        "iterations": args.iterations,
        "sync_median_ms": statistics.median(sync) * 1e3,
        "prefetch_median_ms": statistics.median(prefetch) * 1e3,
        "speedup": statistics.median(sync) / statistics.median(prefetch),
        "trace": trace_path,
    }
    with open(os.path.join(args.out, "measured.json"), "w") as out:
        json.dump(result, out, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
