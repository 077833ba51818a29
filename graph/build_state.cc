// Shared lookups of the builder passes: blocking copies, launch order per stream.
#include "graph/build_state.h"

#include <algorithm>

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

}  // namespace dd
