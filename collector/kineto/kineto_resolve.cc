// The Kineto importer's resolution after the pass over a file (see kineto_file_state.h): flow
// ends are bound to the spans that enclose them with TrackIndex, correlations are shared along
// launch flows, and every GPU-side row gets a stream owned by the process of its launching API
// call.
#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "collector/kineto/kineto_file_state.h"
#include "collector/trace/track_index.h"

namespace dd::kineto {

namespace {

// Calls fn(start, finish) for each start and finish with the same id (in time order when an
// id repeats).
template <typename Fn>
void pair_flows(Flows& flows, Fn&& fn) {
  auto by_id = [](const FlowEnd& a, const FlowEnd& b) {
    return std::tie(a.id, a.time) < std::tie(b.id, b.time);
  };
  std::sort(flows.starts.begin(), flows.starts.end(), by_id);
  std::sort(flows.finishes.begin(), flows.finishes.end(), by_id);
  size_t s = 0;
  size_t f = 0;
  while (s < flows.starts.size() && f < flows.finishes.size()) {
    if (flows.starts[s].id < flows.finishes[f].id) {
      ++s;
    } else if (flows.finishes[f].id < flows.starts[s].id) {
      ++f;
    } else {
      fn(flows.starts[s++], flows.finishes[f++]);
    }
  }
}

// Both sides of a launch flow end up with one correlation: the GPU op's, else the API call's,
// else the flow id.
void share_correlation(uint64_t& call, uint64_t& op, uint64_t flow_id) {
  uint64_t shared = op != 0 ? op : call != 0 ? call : flow_id;
  if (op == 0) op = shared;
  if (call == 0) call = shared;
}

// Sorted (correlation, API call row) pairs of one file.
class CorrelationIndex {
 public:
  CorrelationIndex(const ApiCallTable& calls, uint32_t first) {
    for (uint32_t i = first; i < calls.size(); ++i) {
      if (calls.correlation[i] != 0) entries_.emplace_back(calls.correlation[i], i);
    }
    std::sort(entries_.begin(), entries_.end());
  }
  uint32_t find(uint64_t correlation) const {
    if (correlation == 0) return kNone;
    auto it = std::lower_bound(entries_.begin(), entries_.end(),
                               std::pair<uint64_t, uint32_t>(correlation, 0));
    return it != entries_.end() && it->first == correlation ? it->second : kNone;
  }

 private:
  std::vector<std::pair<uint64_t, uint32_t>> entries_;
};

class Resolver {
 public:
  Resolver(TraceBuilder& builder, FileState& state)
      : builder_(builder), trace_(builder.trace()), state_(state) {}

  void finish();

 private:
  std::pair<int64_t, int64_t> raw_track(uint32_t thread) const;
  void link_launch_flows();
  uint32_t main_process() const;
  void resolve_streams(uint32_t main);
  void link_forward_backward();
  void apply_names();
  void apply_devices(uint32_t main);
  void report_counts();

  TraceBuilder& builder_;
  Trace& trace_;
  FileState& state_;
};

void Resolver::finish() {
  link_launch_flows();
  uint32_t main = main_process();
  resolve_streams(main);
  link_forward_backward();
  apply_names();
  apply_devices(main);
  if (state_.rank) {
    for (uint32_t p = state_.first_process; p < trace_.processes.size(); ++p) {
      trace_.processes.rank[p] = *state_.rank;
    }
  }
  report_counts();
  trace_.format = TraceFormat::kKinetoJson;
}

// The (pid, tid) a CPU thread has in the file.
std::pair<int64_t, int64_t> Resolver::raw_track(uint32_t thread) const {
  return {trace_.processes.pid[trace_.threads.process[thread]], trace_.threads.tid[thread]};
}

// A launch flow starts inside the API call on its CPU thread and ends at the GPU op it
// launched; the pair completes a missing correlation on either side.
void Resolver::link_launch_flows() {
  if (state_.launch_flows.starts.empty() || state_.launch_flows.finishes.empty()) return;
  ApiCallTable& calls = trace_.api_calls;
  GpuOpTable& ops = trace_.gpu_ops;
  TrackIndex call_index;
  TrackIndex op_index;
  for (uint32_t i = state_.first_api; i < calls.size(); ++i) {
    auto [pid, tid] = raw_track(calls.thread[i]);
    call_index.add(pid, tid, calls.start[i], calls.end[i], i);
  }
  for (const PendingStream& pending : state_.pending) {
    if (pending.user != StreamUser::kGpuOp) continue;
    op_index.add(pending.location.pid, pending.location.tid, ops.start[pending.row],
                 ops.end[pending.row], pending.row);
  }
  call_index.build();
  op_index.build();
  pair_flows(state_.launch_flows, [&](const FlowEnd& start, const FlowEnd& finish) {
    uint32_t call = call_index.enclosing(start.pid, start.tid, start.time);
    uint32_t op = op_index.enclosing(finish.pid, finish.tid, finish.time);
    if (call == kNone || op == kNone) {
      ++state_.counts.unresolved_flow;
      return;
    }
    share_correlation(calls.correlation[call], ops.correlation[op], start.id);
  });
}

// The file's CPU process that made the most API calls (the first one on a tie, or when none
// made any); kNone when the file has no CPU process.
uint32_t Resolver::main_process() const {
  std::vector<uint32_t> calls(trace_.processes.size() - state_.first_process, 0);
  if (calls.empty()) return kNone;
  for (uint32_t i = state_.first_api; i < trace_.api_calls.size(); ++i) {
    ++calls[trace_.threads.process[trace_.api_calls.thread[i]] - state_.first_process];
  }
  return state_.first_process +
         static_cast<uint32_t>(std::max_element(calls.begin(), calls.end()) - calls.begin());
}

// Gives every GPU-side row its stream, owned by the process of its launching API call, else
// by the main process.
void Resolver::resolve_streams(uint32_t main) {
  CorrelationIndex launches(trace_.api_calls, state_.first_api);
  for (const PendingStream& pending : state_.pending) {
    uint32_t row = pending.row;
    uint64_t correlation = pending.user == StreamUser::kGpuOp  ? trace_.gpu_ops.correlation[row]
                           : pending.user == StreamUser::kSync ? trace_.syncs.correlation[row]
                           : pending.user == StreamUser::kRange
                               ? 0
                               : trace_.cuda_events.correlation[row];
    uint32_t call = launches.find(correlation);
    uint32_t thread = call == kNone ? kNone : trace_.api_calls.thread[call];
    if (pending.user == StreamUser::kGpuOp && call == kNone) ++state_.counts.gpu_op_without_launch;
    uint32_t process = thread != kNone ? trace_.threads.process[thread] : main;
    if (process == kNone) {
      process = builder_.process(pending.location.pid);  // a file without CPU events
      ++state_.counts.stream_owner_unknown;
    }
    const GpuLocation& at = pending.location;
    uint32_t stream = at.stream_id < 0 && pending.user == StreamUser::kSync
                          ? kNone  // context / device synchronization
                          : builder_.stream(process, at.device, at.stream_id);
    switch (pending.user) {
      case StreamUser::kGpuOp:
        trace_.gpu_ops.stream[row] = stream;
        break;
      case StreamUser::kRange:
        trace_.ranges.stream[row] = stream;
        break;
      case StreamUser::kSync:
        trace_.syncs.stream[row] = stream;
        trace_.syncs.thread[row] = thread;
        break;
      case StreamUser::kCudaEvent:
        trace_.cuda_events.stream[row] = stream;
        break;
    }
  }
}

// A `fwdbwd` flow starts inside the forward framework op and ends inside its backward op.
void Resolver::link_forward_backward() {
  if (state_.forward_backward_flows.starts.empty()) return;
  const RangeTable& ranges = trace_.ranges;
  TrackIndex ops;
  for (uint32_t i = state_.first_range; i < ranges.size(); ++i) {
    if (ranges.kind[i] != RangeKind::kFrameworkOp || ranges.thread[i] == kNone) continue;
    auto [pid, tid] = raw_track(ranges.thread[i]);
    ops.add(pid, tid, ranges.start[i], ranges.end[i], i);
  }
  ops.build();
  pair_flows(state_.forward_backward_flows, [&](const FlowEnd& start, const FlowEnd& finish) {
    uint32_t forward = ops.enclosing(start.pid, start.tid, start.time);
    uint32_t backward = ops.enclosing(finish.pid, finish.tid, finish.time);
    if (forward == kNone || backward == kNone) {
      ++state_.counts.unresolved_flow;
      return;
    }
    trace_.range_links.append(forward, backward, RangeLinkKind::kForwardBackward);
  });
}

// Names from `M` events go to the file's processes and threads, and to GPU streams (Kineto
// names the stream track "stream 7" under pid = device).
void Resolver::apply_names() {
  for (const NameRecord& record : state_.names) {
    if (record.is_process) {
      for (uint32_t p = state_.first_process; p < trace_.processes.size(); ++p) {
        if (trace_.processes.pid[p] == record.pid) trace_.processes.name[p] = record.name;
      }
      continue;
    }
    for (uint32_t t = state_.first_thread; t < trace_.threads.size(); ++t) {
      if (raw_track(t) == std::pair(record.pid, record.tid)) trace_.threads.name[t] = record.name;
    }
    for (uint32_t s = state_.first_stream; s < trace_.streams.size(); ++s) {
      if (trace_.streams.device[s] == record.pid && trace_.streams.stream_id[s] == record.tid) {
        trace_.streams.name[s] = record.name;
      }
    }
  }
}

void Resolver::apply_devices(uint32_t main) {
  if (main == kNone) return;
  DeviceTable& table = trace_.devices;
  for (const DeviceProperties& device : state_.devices) {
    uint32_t row = builder_.device(main, device.id);
    table.name[row] = device.name;
    table.total_memory_bytes[row] = device.total_memory_bytes;
    table.sm_count[row] = device.sm_count;
    table.compute_major[row] = device.compute_major;
    table.compute_minor[row] = device.compute_minor;
  }
}

void Resolver::report_counts() {
  struct Report {
    std::string_view name;
    Severity severity;
    uint64_t count;
  };
  const Report reports[] = {
      {"kineto_malformed_event", Severity::kDataLoss, state_.counts.malformed_event},
      {"kineto_malformed_arg", Severity::kWarning, state_.counts.malformed_arg},
      {"kineto_malformed_metadata", Severity::kWarning, state_.counts.malformed_metadata},
      {"kineto_unknown_category", Severity::kWarning, state_.counts.unknown_category},
      {"mtia_device_events_not_modeled", Severity::kWarning, state_.counts.mtia_device_event},
      {"mtia_runtime_calls_not_modeled", Severity::kWarning, state_.counts.mtia_runtime_call},
      {"kineto_unsupported_phase", Severity::kWarning, state_.counts.unsupported_phase},
      {"kineto_negative_duration", Severity::kWarning, state_.counts.negative_duration},
      {"kineto_unresolved_flow", Severity::kWarning, state_.counts.unresolved_flow},
      {"gpu_op_without_launch", Severity::kWarning, state_.counts.gpu_op_without_launch},
      {"kineto_stream_owner_unknown", Severity::kWarning, state_.counts.stream_owner_unknown},
  };
  for (const Report& report : reports) {
    if (report.count > 0) trace_.diagnostics.add(report.name, report.severity, report.count);
  }
}

}  // namespace

void resolve_file(TraceBuilder& builder, FileState& state) {
  Resolver(builder, state).finish();
}

}  // namespace dd::kineto
