// Hand-made traces for unit tests: one process with a main thread and a GPU stream, and rows
// appended with just the fields a test needs (API calls, kernels, ranges, allocator events).
#pragma once

#include "collector/trace/trace.h"
#include "collector/trace/trace_builder.h"
#include "graph/graph.h"

namespace dd::test {

struct TraceMaker {
  dd::Trace trace;
  dd::TraceBuilder builder{trace};
  uint32_t process = builder.process(100);
  uint32_t main_thread = builder.thread(process, 100);
  uint32_t stream = builder.stream(process, 0, 7);

  void api(uint32_t thread, const char* name, dd::TimeNs start, dd::TimeNs end,
           uint64_t correlation = 0) {
    dd::ApiCallRow row;
    row.start = start;
    row.end = end;
    row.thread = thread;
    row.name = builder.intern(name);
    row.correlation = correlation;
    trace.api_calls.append(row);
  }
  void kernel(const char* name, dd::TimeNs start, dd::TimeNs end, uint64_t correlation,
              uint32_t on_stream) {
    dd::GpuOpRow row;
    row.start = start;
    row.end = end;
    row.stream = on_stream;
    row.correlation = correlation;
    row.name = builder.intern(name);
    trace.gpu_ops.append(row);
  }
  void range(uint32_t thread, const char* name, dd::TimeNs start, dd::TimeNs end,
             dd::RangeKind kind, int64_t sequence = -1) {
    dd::RangeRow row;
    row.start = start;
    row.end = end;
    row.thread = thread;
    row.kind = kind;
    row.name = builder.intern(name);
    row.sequence_number = sequence;
    trace.ranges.append(row);
  }
  // An allocator event on GPU 0: bytes > 0 allocates, bytes < 0 frees; the allocator's
  // running total is kept like PyTorch's `Total Allocated`.
  void memory(uint32_t thread, dd::TimeNs time, uint64_t address, int64_t bytes) {
    allocated += bytes;
    dd::MemoryEventRow row;
    row.time = time;
    row.process = process;
    row.thread = thread;
    row.device = 0;
    row.address = address;
    row.bytes = bytes < 0 ? -bytes : bytes;
    row.op = bytes < 0 ? dd::MemoryOp::kFree : dd::MemoryOp::kAlloc;
    row.total_allocated = allocated;
    trace.memory_events.append(row);
  }
  int64_t allocated = 0;
};

// The task built from API call row `row`, or GPU op row `row`, of the trace; kNone if none.
inline dd::TaskId task_of_api(const dd::Graph& g, uint32_t row) {
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    if (g.source_table[t] == dd::TraceTable::kApiCalls && g.source_row[t] == row) return t;
  }
  return dd::kNone;
}
inline dd::TaskId task_of_op(const dd::Graph& g, uint32_t row) {
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    if (g.source_table[t] == dd::TraceTable::kGpuOps && g.source_row[t] == row) return t;
  }
  return dd::kNone;
}

}  // namespace dd::test
