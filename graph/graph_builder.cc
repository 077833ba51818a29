// Graph construction: resources and tasks from the trace tables, then the inference passes.
#include "graph/graph_builder.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_map>

#include "collector/trace/job_ranks.h"
#include "graph/attribution.h"
#include "graph/build_state.h"
#include "graph/cycle_breaking.h"
#include "graph/dependency_inference.h"
#include "graph/system_parameters.h"
#include "graph/window_opening.h"

namespace dd {

namespace {

std::vector<uint32_t> sorted_rows(size_t n, const std::vector<TimeNs>& start,
                                  const std::vector<TimeNs>& end,
                                  const std::vector<uint32_t>& group) {
  std::vector<uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    if (group[a] != group[b]) return group[a] < group[b];
    if (start[a] != start[b]) return start[a] < start[b];
    if (end[a] != end[b]) return end[a] > end[b];
    return a < b;
  });
  return rows;
}

// The thread holding each iteration marker: recorded with the iteration, or, for iterations a
// file stored without it, the range the iteration was detected from.
std::vector<uint32_t> iteration_threads(const Trace& trace) {
  std::vector<uint32_t> threads = trace.iterations.thread;
  std::unordered_multimap<TimeNs, uint32_t> by_start;
  for (uint32_t i = 0; i < trace.iterations.size(); ++i) by_start.emplace(trace.iterations.start[i], i);
  for (uint32_t r = 0; r < trace.ranges.size(); ++r) {
    if (trace.ranges.thread[r] == kNone) continue;
    auto [first, last] = by_start.equal_range(trace.ranges.start[r]);
    for (auto it = first; it != last; ++it) {
      uint32_t i = it->second;
      if (threads[i] == kNone && trace.iterations.end[i] == trace.ranges.end[r] &&
          trace.iterations.name[i] == trace.ranges.name[r]) {
        threads[i] = trace.ranges.thread[r];
      }
    }
  }
  return threads;
}

// Iteration start/end times on each thread: CPU work is cut there so that every iteration
// begins with a task.
std::vector<std::vector<TimeNs>> iteration_cuts_per_thread(const Trace& trace,
                                                           const std::vector<uint32_t>& threads) {
  std::vector<std::vector<TimeNs>> cuts(trace.threads.size());
  for (uint32_t i = 0; i < threads.size(); ++i) {
    if (threads[i] == kNone) continue;
    cuts[threads[i]].push_back(trace.iterations.start[i]);
    cuts[threads[i]].push_back(trace.iterations.end[i]);
  }
  for (auto& c : cuts) {
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
  }
  return cuts;
}

std::string thread_label(const Trace& trace, uint32_t thread) {
  std::string_view name = trace.str(trace.threads.name[thread]);
  if (name.starts_with("thread ")) return std::string(name);  // Kineto's "thread N (name)"
  std::string label = "thread " + std::to_string(trace.threads.tid[thread]);
  if (!name.empty()) label += " (" + std::string(name) + ")";
  return label;
}

// A task as recorded: its duration is its recorded span (an end before the start counts as 0).
TaskSpec recorded_task(TaskKind kind, ResourceId resource, StringId name, TraceTable table,
                       uint32_t row, TimeNs start, TimeNs end) {
  TaskSpec spec;
  spec.kind = kind;
  spec.resource = resource;
  spec.name = name;
  spec.source_table = table;
  spec.source_row = row;
  spec.recorded_start = start;
  spec.recorded_end = std::max(start, end);
  spec.duration = spec.recorded_end - spec.recorded_start;
  return spec;
}

class TaskFactory {
 public:
  TaskFactory(Graph& graph, BuildState& state) : g_(graph), s_(state) {}

  void add_cpu_tasks(TimeNs origin) {
    const Trace& trace = s_.trace;
    const ApiCallTable& api = trace.api_calls;
    auto cuts = iteration_cuts_per_thread(trace, s_.iteration_thread);
    std::vector<uint32_t> rows = sorted_rows(api.size(), api.start, api.end, api.thread);
    uint32_t current_thread = kNone;
    TimeNs cursor = origin;
    TaskId enclosing = kNone;  // last API task, to fold nested calls into
    for (uint32_t row : rows) {
      uint32_t thread = api.thread[row];
      if (thread == kNone) {
        g_.diagnostics.add("api_call_without_thread", Severity::kDataLoss);
        continue;
      }
      if (thread != current_thread) {
        finish_thread(current_thread, cursor, cuts);
        current_thread = thread;
        cursor = origin;
        enclosing = kNone;
        uint32_t process = trace.threads.process[thread];
        s_.thread_resource[thread] = g_.add_resource(
            {ResourceKind::kCpuThread, thread, process,
             rank_prefix(process) + thread_label(trace, thread), kNone, kNone, 0});
      }
      if (api.end[row] < api.start[row]) {
        g_.diagnostics.add("api_call_negative_duration", Severity::kWarning);
      }
      if (enclosing != kNone && api.end[row] <= cursor) {
        s_.api_task[row] = enclosing;  // nested call (e.g. driver call inside a runtime call)
        g_.diagnostics.add("nested_api_calls", Severity::kInfo);
        continue;
      }
      add_gaps(thread, cursor, std::max(cursor, api.start[row]), cuts[thread]);
      TaskSpec spec = recorded_task(TaskKind::kApiCall, s_.thread_resource[thread], api.name[row],
                                    TraceTable::kApiCalls, row, std::max(cursor, api.start[row]),
                                    api.end[row]);
      enclosing = g_.append_task(spec);
      s_.api_task[row] = enclosing;
      cursor = spec.recorded_end;
    }
    finish_thread(current_thread, cursor, cuts);
  }

  void add_gpu_tasks() {
    const Trace& trace = s_.trace;
    const GpuOpTable& ops = trace.gpu_ops;
    std::vector<uint32_t> rows = sorted_rows(ops.size(), ops.start, ops.end, ops.stream);
    uint32_t current_stream = kNone;
    TimeNs stream_cursor = 0;
    for (uint32_t row : rows) {
      uint32_t stream = ops.stream[row];
      if (stream == kNone) {
        g_.diagnostics.add("gpu_op_without_stream", Severity::kDataLoss);
        continue;
      }
      if (stream != current_stream) {
        current_stream = stream;
        stream_cursor = ops.start[row];
        std::string label = rank_prefix(trace.streams.process[stream]) + "stream " +
                            std::to_string(trace.streams.stream_id[stream]) + " (GPU " +
                            std::to_string(trace.streams.device[stream]) + ")";
        s_.stream_resource[stream] = g_.add_resource(
            {ResourceKind::kGpuStream, stream, trace.streams.process[stream], label, kNone,
             kNone, 0});
      }
      if (ops.start[row] < stream_cursor) {
        g_.diagnostics.add("gpu_ops_overlapping_on_stream", Severity::kWarning);
      }
      TaskSpec spec = recorded_task(TaskKind::kGpuOp, s_.stream_resource[stream], ops.name[row],
                                    TraceTable::kGpuOps, row, ops.start[row], ops.end[row]);
      if (ops.end[row] < ops.start[row]) {
        g_.diagnostics.add("gpu_op_negative_duration", Severity::kWarning);
      }
      s_.gpu_task[row] = g_.append_task(spec);
      stream_cursor = std::max(stream_cursor, spec.recorded_end);
    }
  }

 private:
  std::string rank_prefix(uint32_t process) const {
    return process == kNone ? std::string() : s_.rank_prefix[process];
  }

  // CPU work from `from` to `to`, cut at iteration boundaries.
  void add_gaps(uint32_t thread, TimeNs from, TimeNs to, const std::vector<TimeNs>& cuts) {
    auto it = std::upper_bound(cuts.begin(), cuts.end(), from);
    for (; it != cuts.end() && *it < to; ++it) {
      add_gap(thread, from, *it);
      from = *it;
    }
    add_gap(thread, from, to);
  }

  void add_gap(uint32_t thread, TimeNs from, TimeNs to) {
    if (to <= from) return;
    TaskSpec spec;
    spec.kind = TaskKind::kCpuWork;
    spec.resource = s_.thread_resource[thread];
    spec.recorded_start = from;
    spec.recorded_end = to;
    spec.duration = to - from;
    g_.append_task(spec);
  }

  // Work after a thread's last API call, up to its last iteration boundary.
  void finish_thread(uint32_t thread, TimeNs cursor, const std::vector<std::vector<TimeNs>>& cuts) {
    if (thread == kNone || cuts[thread].empty()) return;
    TimeNs last_cut = cuts[thread].back();
    if (last_cut <= cursor) return;
    add_gaps(thread, cursor, last_cut, cuts[thread]);
    // A zero-length task at the boundary, so that the last iteration has an end task.
    TaskSpec spec;
    spec.kind = TaskKind::kCpuWork;
    spec.resource = s_.thread_resource[thread];
    spec.recorded_start = spec.recorded_end = last_cut;
    g_.append_task(spec);
  }

  Graph& g_;
  BuildState& s_;
};

void queue_ops_launched_before_trace(Graph& g, BuildState& s);

void link_launches(Graph& g, BuildState& s) {
  const Trace& trace = s.trace;
  for (uint32_t row = 0; row < trace.api_calls.size(); ++row) {
    TaskId task = s.api_task[row];
    s.api_role_of[row] = api_role(trace.str(trace.api_calls.name[row]));
    if (task == kNone || trace.api_calls.correlation[row] == 0) continue;
    uint32_t process = trace.threads.process[trace.api_calls.thread[row]];
    s.api_by_correlation.emplace(
        correlation_key(process, trace.api_calls.correlation[row]), task);
  }
  s.launcher.assign(g.task_count(), kNone);
  for (uint32_t row = 0; row < trace.gpu_ops.size(); ++row) {
    TaskId op = s.gpu_task[row];
    if (op == kNone) continue;
    uint64_t correlation = trace.gpu_ops.correlation[row];
    uint32_t process = trace.streams.process[trace.gpu_ops.stream[row]];
    auto it = correlation == 0
                  ? s.api_by_correlation.end()
                  : s.api_by_correlation.find(correlation_key(process, correlation));
    if (it == s.api_by_correlation.end()) continue;
    s.launcher[op] = it->second;
    s.launched_on_stream[g.resource[op]].push_back({g.recorded_start[it->second], op});
  }
  auto by_launch_time = [](const LaunchedOp& a, const LaunchedOp& b) {
    return a.launch_time < b.launch_time;
  };
  for (auto& [stream, ops] : s.launched_on_stream) {
    std::stable_sort(ops.begin(), ops.end(), by_launch_time);
    const Resource& r = g.resources[stream];
    auto& on_device = s.launched_on_device[{r.process, trace.streams.device[r.trace_index]}];
    on_device.insert(on_device.end(), ops.begin(), ops.end());
  }
  for (auto& [device, ops] : s.launched_on_device) {
    std::stable_sort(ops.begin(), ops.end(), by_launch_time);
  }
  queue_ops_launched_before_trace(g, s);
}

// GPU ops without a launch in the trace. Those that open their stream, before its first op
// with a launch, were launched before the profiler's window opened (their correlation ids
// precede the window's first call): the window found them queued. They go first in their
// device's launch queue, as if launched at the window's start, so they hold queue slots and
// the stream as they did. An op without a launch later in a stream is a lost record.
void queue_ops_launched_before_trace(Graph& g, BuildState& s) {
  const Trace& trace = s.trace;
  std::map<std::pair<uint32_t, int32_t>, std::vector<LaunchedOp>> backlog;
  for (ResourceId r = 0; r < g.resources.size(); ++r) {
    const Resource& resource = g.resources[r];
    if (resource.kind != ResourceKind::kGpuStream) continue;
    std::vector<LaunchedOp> opening;
    bool in_opening = true;
    for (TaskId t = resource.first; t != kNone; t = g.next_on_resource[t]) {
      if (s.launcher[t] != kNone) {
        in_opening = false;
      } else if (in_opening) {
        opening.push_back({std::numeric_limits<TimeNs>::min(), t});
        g.diagnostics.add("gpu_ops_launched_before_trace", Severity::kInfo);
      } else {
        g.diagnostics.add("gpu_op_without_launch", Severity::kWarning);
      }
    }
    if (opening.empty()) continue;
    auto& on_stream = s.launched_on_stream[r];
    on_stream.insert(on_stream.begin(), opening.begin(), opening.end());
    auto& on_device = backlog[{resource.process, trace.streams.device[resource.trace_index]}];
    on_device.insert(on_device.end(), opening.begin(), opening.end());
  }
  for (auto& [device, ops] : backlog) {
    std::stable_sort(ops.begin(), ops.end(), [&](const LaunchedOp& a, const LaunchedOp& b) {
      return g.recorded_start[a.task] < g.recorded_start[b.task];
    });
    auto& queue = s.launched_on_device[device];
    queue.insert(queue.begin(), ops.begin(), ops.end());
  }
}

// The boundaries of the iterations marked in `process`, in trace order.
std::vector<IterationBoundary> iteration_boundaries(Graph& g, const BuildState& s,
                                                    uint32_t process) {
  const Trace& trace = s.trace;
  const std::vector<uint32_t>& threads = s.iteration_thread;
  std::vector<IterationBoundary> boundaries;
  for (uint32_t i = 0; i < trace.iterations.size(); ++i) {
    if (trace.iterations.process[i] != process) continue;
    ResourceId resource = threads[i] == kNone ? kNone : s.thread_resource[threads[i]];
    if (resource == kNone) {
      g.diagnostics.add("iteration_without_tasks", Severity::kWarning);
      continue;
    }
    IterationBoundary boundary;
    boundary.number = trace.iterations.number[i];
    boundary.name = trace.iterations.name[i];
    // Work is cut at the marker's start and end, so tasks start exactly there.
    for (TaskId t = g.resources[resource].first; t != kNone; t = g.next_on_resource[t]) {
      if (boundary.start_task == kNone && g.recorded_start[t] >= trace.iterations.start[i]) {
        boundary.start_task = t;
      }
      if (g.recorded_start[t] >= trace.iterations.end[i]) {
        boundary.end_task = t;
        break;
      }
    }
    if (boundary.start_task == kNone) {
      g.diagnostics.add("iteration_without_tasks", Severity::kWarning);
      continue;
    }
    boundaries.push_back(boundary);
  }
  return boundaries;
}

// The run's iterations (the first marked process's), and in a job of several ranks each rank's.
void set_iteration_boundaries(Graph& g, const BuildState& s, std::vector<JobRank> ranks) {
  const Trace& trace = s.trace;
  uint32_t primary = trace.iterations.size() > 0 ? trace.iterations.process[0] : kNone;
  if (primary != kNone) g.iterations = iteration_boundaries(g, s, primary);
  if (ranks.size() < 2) return;
  for (JobRank& rank : ranks) {
    g.ranks.push_back({rank.process, std::move(rank.label),
                       rank.process == primary ? g.iterations
                                               : iteration_boundaries(g, s, rank.process)});
  }
}

std::vector<std::string> rank_prefixes(const Trace& trace, const std::vector<JobRank>& ranks) {
  std::vector<std::string> prefixes(trace.processes.size());
  if (ranks.size() < 2) return prefixes;
  for (const JobRank& rank : ranks) prefixes[rank.process] = rank.label + ": ";
  return prefixes;
}

// Why a trace without CUDA/HIP calls and GPU ops cannot be replayed, as precisely as it tells.
std::string why_no_graph(const Trace& trace) {
  uint64_t mtia_ops = trace.diagnostics.count("mtia_device_events_not_modeled");
  uint64_t mtia_calls = trace.diagnostics.count("mtia_runtime_calls_not_modeled");
  if (mtia_ops + mtia_calls > 0) {
    return "this is a Meta MTIA trace (" + std::to_string(mtia_ops) + " MTIA device events, " +
           std::to_string(mtia_calls) +
           " MTIA runtime calls): daydream builds its dependency graph from CUDA and HIP runtime "
           "calls and GPU ops, and does not model MTIA devices yet, so it cannot replay or "
           "predict this run ('daydream info' describes what the trace holds)";
  }
  return "the trace has no CUDA API calls and no GPU ops to build a graph from";
}

}  // namespace

Result<Graph> build_graph(const Trace& trace) {
  Graph g(trace);
  BuildState s(trace);
  s.api_task.assign(trace.api_calls.size(), kNone);
  s.api_role_of.assign(trace.api_calls.size(), ApiRole::kOther);
  s.gpu_task.assign(trace.gpu_ops.size(), kNone);
  s.thread_resource.assign(trace.threads.size(), kNone);
  s.stream_resource.assign(trace.streams.size(), kNone);
  s.iteration_thread = iteration_threads(trace);
  std::vector<JobRank> ranks = job_ranks(trace);
  s.rank_prefix = rank_prefixes(trace, ranks);

  TimeNs origin = INT64_MAX;
  for (TimeNs t : trace.api_calls.start) origin = std::min(origin, t);
  for (TimeNs t : trace.gpu_ops.start) origin = std::min(origin, t);
  if (origin == INT64_MAX) return bad_input(why_no_graph(trace));
  for (TimeNs t : trace.iterations.start) origin = std::min(origin, t);
  TaskFactory factory(g, s);
  factory.add_cpu_tasks(origin);
  factory.add_gpu_tasks();
  s.device_ends = device_op_ends(g);
  link_launches(g, s);
  set_iteration_boundaries(g, s, std::move(ranks));
  mark_streams_busy_at_start(g, s, origin);
  g.parameters = measure_system_parameters(g, s);
  infer_dependencies(g, s);
  break_dependency_cycles(g);
  attribute_tasks(g, s);
  return g;
}

}  // namespace dd
