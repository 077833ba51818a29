// Hand-made multi-rank jobs for tests: ranks (one process each, with a main thread and a GPU
// stream on its own device), ProfilerStep#N markers, and kernels launched from the main thread,
// with exactly chosen times, so per-rank and job-level answers can be worked out by hand.
#pragma once

#include <string>
#include <vector>

#include "collector/trace/trace.h"
#include "collector/trace/trace_builder.h"

namespace dd::test {

struct JobMaker {
  struct Rank {
    uint32_t process = kNone;
    uint32_t thread = kNone;
    uint32_t stream = kNone;
  };

  dd::Trace trace;
  dd::TraceBuilder builder{trace};
  std::vector<Rank> ranks;
  uint64_t next_correlation = 1;

  // A rank of the job: process `pid` with distributed rank `rank` (-1: not recorded), its GPU
  // stream 7 on device `device`. Returns its index in `ranks`.
  size_t add_rank(int32_t rank, int64_t pid, int32_t device) {
    Rank r;
    r.process = builder.process(pid);
    trace.processes.rank[r.process] = rank;
    r.thread = builder.thread(r.process, pid);
    r.stream = builder.stream(r.process, device, 7);
    ranks.push_back(r);
    return ranks.size() - 1;
  }

  // A ProfilerStep#number range on the rank's main thread.
  void step(size_t rank, int number, dd::TimeNs start, dd::TimeNs end) {
    dd::RangeRow row;
    row.start = start;
    row.end = end;
    row.kind = dd::RangeKind::kUserAnnotation;
    row.thread = ranks[rank].thread;
    row.name = builder.intern("ProfilerStep#" + std::to_string(number));
    trace.ranges.append(row);
  }

  // cudaLaunchKernel on the rank's main thread [call_start, call_start + 5) and the kernel it
  // launches, running [start, end) on the rank's stream.
  void launch(size_t rank, const std::string& kernel, dd::TimeNs call_start, dd::TimeNs start,
              dd::TimeNs end) {
    uint64_t correlation = next_correlation++;
    dd::ApiCallRow call;
    call.start = call_start;
    call.end = call_start + 5;
    call.thread = ranks[rank].thread;
    call.correlation = correlation;
    call.name = builder.intern("cudaLaunchKernel");
    trace.api_calls.append(call);
    dd::GpuOpRow op;
    op.start = start;
    op.end = end;
    op.stream = ranks[rank].stream;
    op.correlation = correlation;
    op.name = builder.intern(kernel);
    trace.gpu_ops.append(op);
  }

  // Ranges nested and iterations detected, as every importer leaves a trace.
  dd::Trace& finish() {
    trace.format = dd::TraceFormat::kKinetoJson;
    dd::finish_trace(trace);
    return trace;
  }
};

}  // namespace dd::test
