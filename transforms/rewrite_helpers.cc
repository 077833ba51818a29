// Shared graph queries and rewrites of the what-if models (see rewrite_helpers.h).
#include "transforms/rewrite_helpers.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>

#include "transforms/primitives.h"

namespace dd {

namespace {

// The last task before `task` on its resource that is not replaced (kNone: none).
TaskId live_predecessor(const Graph& graph, TaskId task, const std::vector<uint8_t>& replaced) {
  TaskId p = graph.prev_on_resource[task];
  while (p != kNone && replaced[p]) p = graph.prev_on_resource[p];
  return p;
}

// The edges crossing into and out of one group, re-attached to its stand-ins.
void collect_handovers(const Graph& graph, const Replacement& group,
                       const std::vector<uint8_t>& replaced, std::vector<Dependency>& copies) {
  const Topology& topo = graph.topology();
  for (TaskId t : group.tasks) {
    for (auto in : boost::make_iterator_range(boost::in_edges(t, topo))) {
      EdgeId e = topo[in].id;
      TaskId from = boost::source(in, topo);
      if (replaced[from] || graph.edge_kind[e] == EdgeKind::kQueueSlot) continue;
      copies.push_back({from, group.in, graph.edge_kind[e], graph.edge_latency[e]});
    }
    for (auto out : boost::make_iterator_range(boost::out_edges(t, topo))) {
      EdgeId e = topo[out].id;
      TaskId to = boost::target(out, topo);
      if (replaced[to]) continue;
      TaskId from = group.out;
      if (graph.edge_kind[e] == EdgeKind::kCrossThread) {
        TaskId before = live_predecessor(graph, t, replaced);
        if (before != kNone) from = before;
      }
      copies.push_back({from, to, graph.edge_kind[e], graph.edge_latency[e]});
    }
  }
}

}  // namespace

bool recorded_before(const Graph& graph, TaskId a, TaskId b) {
  return std::pair(graph.recorded_start[a], a) < std::pair(graph.recorded_start[b], b);
}

Result<uint32_t> integer_argument(const ModelArguments& arguments, const std::string& name,
                                  uint32_t minimum) {
  auto value = arguments.number(name);
  if (!value) return std::unexpected(value.error());
  if (*value < minimum || *value > UINT32_MAX || *value != static_cast<uint32_t>(*value)) {
    return usage_error("parameter " + name + "=" + arguments.text(name) +
                       ": must be an integer >= " + std::to_string(minimum));
  }
  return static_cast<uint32_t>(*value);
}

std::string duration_text(TimeNs duration) {
  bool milliseconds = duration >= 1'000'000;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f %s",
                static_cast<double>(duration) / (milliseconds ? 1e6 : 1e3),
                milliseconds ? "ms" : "us");
  return buffer;
}

namespace {

// The lower middle value (0 when empty).
TimeNs median_of(std::vector<TimeNs> values) {
  if (values.empty()) return 0;
  auto middle = values.begin() + static_cast<std::ptrdiff_t>((values.size() - 1) / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace

TimeNs median_duration(const Graph& graph, std::vector<TaskId> tasks) {
  std::vector<TimeNs> durations;
  durations.reserve(tasks.size());
  for (TaskId t : tasks) durations.push_back(graph.duration[t]);
  return median_of(std::move(durations));
}

TimeNs total_duration(const Graph& graph, std::span<const TaskId> tasks) {
  return std::accumulate(tasks.begin(), tasks.end(), TimeNs{0},
                         [&graph](TimeNs sum, TaskId t) { return sum + graph.duration[t]; });
}

TimeNs kernel_floor(const Graph& graph) {
  TimeNs floor = 0;
  bool any = false;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    KernelClass k = graph.kernel_class[t];
    if (graph.removed[t] || graph.kind[t] != TaskKind::kGpuOp || k == KernelClass::kCopy ||
        k == KernelClass::kMemset || graph.duration[t] == 0) {
      continue;
    }
    floor = any ? std::min(floor, graph.duration[t]) : graph.duration[t];
    any = true;
  }
  return floor;
}

namespace {

// The API calls that launched GPU ops (sources of live launch edges), each once.
std::vector<TaskId> launch_calls(const Graph& graph) {
  std::vector<uint8_t> seen(graph.task_count(), 0);
  std::vector<TaskId> calls;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    TaskId from = graph.edge_from[e];
    if (graph.edge_removed[e] || graph.edge_kind[e] != EdgeKind::kLaunch || seen[from] ||
        graph.kind[from] != TaskKind::kApiCall ||
        graph.kind[graph.edge_to[e]] != TaskKind::kGpuOp) {
      continue;
    }
    seen[from] = 1;
    calls.push_back(from);
  }
  return calls;
}

}  // namespace

TimeNs median_launch_duration(const Graph& graph) {
  return median_duration(graph, launch_calls(graph));
}

TimeNs median_recorded_launch_duration(const Graph& graph) {
  std::vector<TimeNs> durations;
  const ApiCallTable& calls = graph.trace().api_calls;
  for (TaskId call : launch_calls(graph)) {
    uint32_t row = graph.source_row[call];
    bool recorded = graph.source_table[call] == TraceTable::kApiCalls;
    durations.push_back(recorded ? calls.end[row] - calls.start[row] : graph.duration[call]);
  }
  return median_of(std::move(durations));
}

std::vector<uint8_t> iteration_boundary_mask(const Graph& graph) {
  std::vector<uint8_t> mask(graph.task_count(), 0);
  for (const IterationBoundary& b : graph.iterations) {
    if (b.start_task != kNone) mask[b.start_task] = 1;
    if (b.end_task != kNone) mask[b.end_task] = 1;
  }
  return mask;
}

TaskId insert_call_before(Graph& graph, TaskId before, std::string_view name, TimeNs duration) {
  TaskSpec spec;
  spec.kind = TaskKind::kApiCall;
  spec.resource = graph.resource[before];
  spec.duration = duration;
  spec.name = graph.intern(name);
  spec.op = graph.op[before];
  spec.layer = graph.layer[before];
  spec.phase = graph.phase[before];
  spec.iteration = graph.iteration[before];
  return insert_task(graph, spec, graph.prev_on_resource[before]);
}

void replace_tasks(Graph& graph, std::span<const Replacement> groups) {
  std::vector<uint8_t> replaced(graph.task_count(), 0);
  std::vector<TaskId> all;
  for (const Replacement& group : groups) {
    for (TaskId t : group.tasks) {
      if (!replaced[t]) all.push_back(t);
      replaced[t] = 1;
    }
  }
  std::vector<Dependency> copies;
  for (const Replacement& group : groups) collect_handovers(graph, group, replaced, copies);
  remove_tasks(graph, all, copies);
}

std::vector<std::vector<TaskId>> replace_with_fused_kernels(Graph& graph,
                                                            std::span<const FusionGroup> groups) {
  std::vector<std::vector<TaskId>> all_new_kernels;
  std::vector<std::vector<TaskId>> all_new_calls;
  std::vector<Replacement> replacements;
  for (const FusionGroup& group : groups) {
    TaskId first = group.kernels.front();
    TaskSpec spec;
    spec.kind = TaskKind::kGpuOp;
    spec.resource = graph.resource[first];
    spec.name = graph.intern(group.fused->name);
    spec.op = graph.op[first];
    spec.layer = graph.layer[first];
    spec.phase = graph.phase[first];
    spec.iteration = graph.iteration[first];
    spec.kernel_class = group.fused->kernel_class;
    std::vector<TaskId> new_kernels, new_calls;
    TaskId kernel_after = graph.prev_on_resource[first];
    for (TimeNs duration : group.fused->durations) {
      spec.duration = duration;
      kernel_after = insert_task(graph, spec, kernel_after);
      new_kernels.push_back(kernel_after);
      new_calls.push_back(
          insert_call_before(graph, group.calls.front(), "cudaLaunchKernel", group.fused->launch));
      add_dependency(graph, new_calls.back(), new_kernels.back(), EdgeKind::kLaunch,
                     graph.parameters.launch_latency_ns);
    }
    replacements.push_back({group.calls, new_calls.front(), new_calls.back()});
    replacements.push_back({group.kernels, new_kernels.front(), new_kernels.back()});
    all_new_kernels.push_back(std::move(new_kernels));
    all_new_calls.push_back(std::move(new_calls));
  }
  replace_tasks(graph, replacements);
  return all_new_kernels;
}

std::vector<TaskId> replace_with_fused_kernels(Graph& graph, std::span<const TaskId> kernels,
                                               std::span<const TaskId> calls,
                                               const FusedKernels& fused) {
  FusionGroup group{kernels, calls, &fused};
  return std::move(replace_with_fused_kernels(graph, std::span(&group, 1)).front());
}

}  // namespace dd
