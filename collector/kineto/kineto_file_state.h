// What the Kineto importer's streaming pass over one file collects besides table rows — GPU
// rows whose stream owner is not known yet, flow ends, names, device properties, the rank and
// the counts of dropped or repaired events — and the resolution that runs once the whole file
// has been read (kineto_resolve.cc). Internal to the importer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "collector/trace/trace_builder.h"

namespace dd::kineto {

// Where a GPU-side event ran: its raw track (pid = device, tid = stream in Kineto; flow ends and
// thread names refer to it) and the device and stream from its args.
struct GpuLocation {
  int64_t pid = 0;
  int64_t tid = 0;
  int32_t device = 0;
  int64_t stream_id = 0;
};

// A row whose stream is known only after the pass: the stream belongs to the CPU process of the
// API call with the same correlation, which may come later in the file.
enum class StreamUser : uint8_t { kGpuOp, kRange, kSync, kCudaEvent };
struct PendingStream {
  StreamUser user;
  uint32_t row;
  GpuLocation location;
};

struct FlowEnd {
  uint64_t id;
  int64_t pid;
  int64_t tid;
  TimeNs time;
};
struct Flows {
  std::vector<FlowEnd> starts;    // ph "s"
  std::vector<FlowEnd> finishes;  // ph "f"
};

// An `M` process_name / thread_name event.
struct NameRecord {
  int64_t pid;
  int64_t tid;
  StringId name;
  bool is_process;
};

struct DeviceProperties {
  int32_t id = 0;
  StringId name = kEmptyString;
  uint64_t total_memory_bytes = 0;
  int32_t sm_count = 0;
  int8_t compute_major = 0;
  int8_t compute_minor = 0;
};

// What had to be dropped or repaired; reported to trace.diagnostics once, at the end.
struct Counts {
  uint64_t malformed_event = 0;
  uint64_t malformed_arg = 0;
  uint64_t malformed_metadata = 0;
  uint64_t unknown_category = 0;
  uint64_t mtia_device_event = 0;  // Meta MTIA activity: recognized, not modeled
  uint64_t mtia_runtime_call = 0;
  uint64_t unsupported_phase = 0;
  uint64_t negative_duration = 0;
  uint64_t unresolved_flow = 0;
  uint64_t gpu_op_without_launch = 0;
  uint64_t stream_owner_unknown = 0;
};

struct FileState {
  explicit FileState(const Trace& trace)
      : first_process(static_cast<uint32_t>(trace.processes.size())),
        first_thread(static_cast<uint32_t>(trace.threads.size())),
        first_stream(static_cast<uint32_t>(trace.streams.size())),
        first_api(static_cast<uint32_t>(trace.api_calls.size())),
        first_range(static_cast<uint32_t>(trace.ranges.size())) {}

  // Rows before these belong to files loaded earlier into the same Trace.
  uint32_t first_process, first_thread, first_stream, first_api, first_range;
  std::vector<PendingStream> pending;
  Flows launch_flows;
  Flows forward_backward_flows;
  std::vector<NameRecord> names;
  std::vector<DeviceProperties> devices;
  std::optional<int32_t> rank;
  Counts counts;
};

// Completes the file's rows: launch correlations from flows, stream owners, forward-backward
// links, names, devices, rank; then reports the counts and marks the trace as Kineto.
void resolve_file(TraceBuilder& builder, FileState& state);

}  // namespace dd::kineto
