// BuildState: the indexes the graph builder's passes share while turning a Trace into a Graph
// (which task each API call and GPU op became, launch order per stream, ...). Internal to
// graph/; nothing outside the builder sees it.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/api_semantics.h"
#include "graph/graph.h"

namespace dd {

struct LaunchedOp {
  TimeNs launch_time;  // recorded start of the launching API call (launch order)
  TaskId task;         // the GPU op
};

// The recorded ends of each device's ops, sorted: what an op could have waited for.
struct DeviceOpEnds {
  std::map<std::pair<uint32_t, int32_t>, std::vector<TimeNs>> per_device;  // (process, device)
  const std::vector<TimeNs>& of(const Graph& graph, const Resource& stream) const;
};
DeviceOpEnds device_op_ends(const Graph& graph);
// The latest of `sorted_ends` at or before `time` (INT64_MIN when none).
TimeNs latest_end_by(const std::vector<TimeNs>& sorted_ends, TimeNs time);

struct BuildState {
  explicit BuildState(const Trace& t) : trace(t) {}

  const Trace& trace;
  std::vector<TaskId> api_task;   // per ApiCallTable row (kNone: nested in another call)
  std::vector<ApiRole> api_role_of;  // per ApiCallTable row
  std::vector<TaskId> gpu_task;   // per GpuOpTable row
  std::vector<TaskId> launcher;   // per task: the API task that launched this GPU op, or kNone
  std::vector<ResourceId> thread_resource;  // per ThreadTable row (kNone: no tasks)
  std::vector<ResourceId> stream_resource;  // per StreamTable row
  std::vector<uint32_t> iteration_thread;   // per IterationTable row: the marker's thread
  // Per ProcessTable row: "rank 1: " in a job of several ranks (resource names carry it into
  // every report, HTML lane and Perfetto track), "" otherwise.
  std::vector<std::string> rank_prefix;
  // Per stream resource: its ops with a known launch, in launch order.
  std::unordered_map<ResourceId, std::vector<LaunchedOp>> launched_on_stream;
  // Per (process, device): the CUDA launch queue: ops queued before the trace began (launch
  // time INT64_MIN, in stream order), then ops with a known launch, in launch order.
  std::map<std::pair<uint32_t, int32_t>, std::vector<LaunchedOp>> launched_on_device;
  // Per device, its GPU ops' recorded ends (set once the GPU tasks exist).
  DeviceOpEnds device_ends;
  // API tasks keyed by correlation_key(process, correlation) (trace.h).
  std::unordered_map<uint64_t, TaskId> api_by_correlation;
  uint32_t process_of_resource(const Graph& g, ResourceId r) const { return g.resources[r].process; }
};

// Whether the API call `api_row` returns only when the copy `op` it enqueued is done:
// cudaMemcpy-like calls, and cudaMemcpyAsync to or from pageable host memory.
bool waits_for_copy(const Graph& graph, const BuildState& state, uint32_t api_row, TaskId op);

// The last op on `stream` launched strictly before `time`, or kNone.
TaskId last_launched_before(const BuildState& state, ResourceId stream, TimeNs time);
// The last op on `stream` launched strictly before `time` that ended by `end_limit`, or kNone.
TaskId last_launched_before_ending_by(const Graph& graph, const BuildState& state, ResourceId stream,
                                      TimeNs time, TimeNs end_limit);
// The first op on `stream` launched at or after `time`, or kNone.
TaskId first_launched_after(const BuildState& state, ResourceId stream, TimeNs time);

}  // namespace dd
