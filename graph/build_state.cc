// Shared lookups of the builder passes: blocking copies, launch order per stream.
#include "graph/build_state.h"

#include <algorithm>
#include <limits>

namespace dd {

namespace {
const std::vector<LaunchedOp>* ops_of(const BuildState& state, ResourceId stream) {
  auto it = state.launched_on_stream.find(stream);
  return it == state.launched_on_stream.end() ? nullptr : &it->second;
}
bool before(const LaunchedOp& op, TimeNs time) { return op.launch_time < time; }
}  // namespace

bool waits_for_copy(const Graph& graph, const BuildState& state, uint32_t api_row, TaskId op) {
  if (state.api_role_of[api_row] == ApiRole::kBlockingCopy) return true;
  if (state.api_role_of[api_row] != ApiRole::kLaunch) return false;
  const Trace& trace = state.trace;
  uint32_t row = graph.source_row[op];
  if (trace.gpu_ops.kind[row] != GpuOpKind::kMemcpy) return false;
  return trace.str(trace.gpu_ops.name[row]).find("Pageable") != std::string_view::npos;
}

TaskId last_launched_before(const BuildState& state, ResourceId stream, TimeNs time) {
  const auto* ops = ops_of(state, stream);
  if (ops == nullptr) return kNone;
  auto it = std::lower_bound(ops->begin(), ops->end(), time, before);
  return it == ops->begin() ? kNone : std::prev(it)->task;
}

TaskId first_launched_after(const BuildState& state, ResourceId stream, TimeNs time) {
  const auto* ops = ops_of(state, stream);
  if (ops == nullptr) return kNone;
  auto it = std::lower_bound(ops->begin(), ops->end(), time, before);
  return it == ops->end() ? kNone : it->task;
}

TaskId last_launched_before_ending_by(const Graph& graph, const BuildState& state, ResourceId stream,
                                      TimeNs time, TimeNs end_limit) {
  const auto* ops = ops_of(state, stream);
  if (ops == nullptr) return kNone;
  auto launched = std::lower_bound(ops->begin(), ops->end(), time, before);
  // Ops of one stream end in stream order, so those ended by `end_limit` are a prefix.
  auto ended = std::partition_point(ops->begin(), launched, [&](const LaunchedOp& op) {
    return graph.recorded_end[op.task] <= end_limit;
  });
  return ended == ops->begin() ? kNone : std::prev(ended)->task;
}

DeviceOpEnds device_op_ends(const Graph& graph) {
  DeviceOpEnds ends;
  for (const Resource& r : graph.resources) {
    if (r.kind != ResourceKind::kGpuStream || r.trace_index == kNone) continue;
    auto& device = ends.per_device[{r.process, graph.trace().streams.device[r.trace_index]}];
    for (TaskId t = r.first; t != kNone; t = graph.next_on_resource[t]) {
      device.push_back(graph.recorded_end[t]);
    }
  }
  for (auto& [device, times] : ends.per_device) std::sort(times.begin(), times.end());
  return ends;
}

const std::vector<TimeNs>& DeviceOpEnds::of(const Graph& graph, const Resource& stream) const {
  static const std::vector<TimeNs> kNoEnds;
  if (stream.trace_index == kNone) return kNoEnds;
  auto it = per_device.find({stream.process, graph.trace().streams.device[stream.trace_index]});
  return it == per_device.end() ? kNoEnds : it->second;
}

TimeNs latest_end_by(const std::vector<TimeNs>& sorted_ends, TimeNs time) {
  auto it = std::upper_bound(sorted_ends.begin(), sorted_ends.end(), time);
  return it == sorted_ends.begin() ? std::numeric_limits<TimeNs>::min() : *std::prev(it);
}

}  // namespace dd
