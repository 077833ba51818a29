"""Checks a `daydream record` trace of streams_program.cu against what the program did:
every record kind arrived in the expected numbers, GPU work starts after the call that
launched it (correlation ids join calls to work), the event wait orders kernel B after kernel
A on the other stream, and the iteration ranges came through NVTX. Prints a summary; exits 1
on any failed check. Usage: python3 check_streams_trace.py TRACE.sqlite"""
import sqlite3
import sys

ITERATIONS = 5


def main(path):
    db = sqlite3.connect(path)
    q = lambda sql: db.execute(sql).fetchall()
    failures = []

    def check(condition, what):
        print(("ok    " if condition else "FAIL  ") + what)
        if not condition:
            failures.append(what)

    kernels = q("SELECT start, end, streamId, correlationId FROM CUPTI_ACTIVITY_KIND_KERNEL "
                "ORDER BY start")
    copies = q("SELECT copyKind, bytes, correlationId FROM CUPTI_ACTIVITY_KIND_MEMCPY")
    memsets = q("SELECT correlationId FROM CUPTI_ACTIVITY_KIND_MEMSET")
    calls = dict(q("SELECT correlationId, s.value FROM CUPTI_ACTIVITY_KIND_RUNTIME r "
                   "JOIN StringIds s ON s.id = r.nameId"))
    call_start = dict(q("SELECT correlationId, start FROM CUPTI_ACTIVITY_KIND_RUNTIME"))
    syncs = q("SELECT syncType, streamId, eventSyncId FROM CUPTI_ACTIVITY_KIND_SYNCHRONIZATION")
    events = q("SELECT streamId, eventSyncId FROM CUPTI_ACTIVITY_KIND_CUDA_EVENT")
    memory = q("SELECT memoryOperationType, bytes FROM CUDA_GPU_MEMORY_USAGE_EVENTS")
    nvtx = [row[0] for row in q("SELECT text FROM NVTX_EVENTS")]
    devices = q("SELECT name, smCount FROM TARGET_INFO_GPU")
    spec = q("SELECT peakFlopsBf16Tc, peakDramBytesPerSec, specSource FROM DD_DEVICE_SPEC")
    meta = dict(q("SELECT name, value FROM DD_META"))

    check(len(kernels) == 3 * ITERATIONS, "%d kernels (3 per iteration)" % len(kernels))
    check(len(copies) == 3 * ITERATIONS, "%d memcpys (D2D, D2H, blocking H2D)" % len(copies))
    check(len(memsets) == ITERATIONS, "%d memsets" % len(memsets))
    launches = [c for c in kernels if calls.get(c[3], "").startswith("cudaLaunchKernel")]
    check(len(launches) == len(kernels), "every kernel joins its cudaLaunchKernel by correlation id")
    check(all(k[0] >= call_start[k[3]] for k in kernels if k[3] in call_start),
          "every kernel starts after its launch call")
    copy_calls = sorted({calls.get(c[2], "?").split("_v")[0] for c in copies})
    check(copy_calls == ["cudaMemcpy", "cudaMemcpyAsync"], "copies join their calls: %s" % copy_calls)
    waits = [s for s in syncs if s[0] == 2]
    check(len(waits) == ITERATIONS, "%d stream-wait-event syncs" % len(waits))
    recorded = {e[1] for e in events}
    check(all(w[2] in recorded for w in waits), "every wait names a recorded event (eventSyncId)")
    check(any(s[0] == 3 for s in syncs), "stream synchronize recorded")
    # Kernel B (on the side stream) starts after kernel A of the same iteration ends.
    side_stream = {w[1] for w in waits}
    ordered = True
    for i in range(ITERATIONS):
        a = [k for k in kernels if k[2] not in side_stream][2 * i]
        b = [k for k in kernels if k[2] in side_stream][i]
        ordered = ordered and b[0] >= a[1]
    check(ordered, "kernel B starts after kernel A on the other stream, every iteration")
    check(sum(1 for m in memory if m[0] == 0) >= ITERATIONS, "allocations recorded (%d rows)" % len(memory))
    check(sum(1 for t in nvtx if t.startswith("dd:iteration#")) == ITERATIONS, "NVTX iteration ranges")
    check(nvtx.count("dd:module:stage_a|Spin") == ITERATIONS, "NVTX push/pop ranges")
    check(len(devices) == 1 and devices[0][1] > 0, "device: %s" % (devices,))
    check(len(spec) == 1 and spec[0][0], "device spec: %s" % (spec,))
    check(meta.get("droppedRecords") == "0", "no dropped records (%s)" % meta.get("droppedRecords"))
    print("DD_META:", {k: meta[k] for k in sorted(meta) if k != "commandLine"})
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
