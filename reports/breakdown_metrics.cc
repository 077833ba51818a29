// Breakdown metrics (see breakdown_metrics.h): one pass over the tasks for the phase, layer,
// class and kernel totals, the GPU's activity (gpu_activity.h), the operator table
// (operator_table.h), and one critical-path walk per analysed window.
#include "reports/breakdown_metrics.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "reports/time_windows.h"
#include "simulator/critical_path.h"
#include "simulator/iteration_metrics.h"
#include "simulator/saturating_time.h"

namespace dd {

namespace {

// Layer rows keyed by the group's name id, or one of the rows of work in no layer.
enum class NoLayer : uint64_t { kCommunication = 1ull << 32, kOptimizer, kDataLoading, kUnattributed };
using LayerRows = std::unordered_map<uint64_t, BreakdownRow>;
using RowKey = TimeNs (*)(const BreakdownRow&);

TimeNs gpu_key(const BreakdownRow& row) {
  return row.gpu_time;
}
TimeNs total_key(const BreakdownRow& row) {
  return row.gpu_time + row.cpu_time;
}

bool ran(const Timeline& timeline, TaskId t) {
  return timeline.start[t] != kNotRun;
}

// --- what is analysed ---

// One window per marked iteration, as iteration_times() measures it, or the whole trace.
std::vector<Span> analysed_windows(const Graph& graph, const Timeline& timeline,
                                   const IterationTimes& times) {
  std::vector<Span> windows;
  if (graph.iterations.empty()) {
    Span all{std::numeric_limits<TimeNs>::max(), std::numeric_limits<TimeNs>::min()};
    for (TaskId t = 0; t < graph.task_count(); ++t) {
      if (!ran(timeline, t)) continue;
      all.start = std::min(all.start, timeline.start[t]);
      all.end = std::max(all.end, timeline.end[t]);
    }
    if (all.start < all.end) windows.push_back(all);
    return windows;
  }
  for (size_t i = first_steady_iteration(graph.iterations.size()); i < graph.iterations.size();
       ++i) {
    TimeNs start = timeline.start[graph.iterations[i].start_task];
    TimeNs length = times.per_iteration[i];
    if (start != kNotRun && length > 0) windows.push_back({start, start + length});
  }
  std::sort(windows.begin(), windows.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  return windows;
}

std::string iteration_name(const Graph& graph, size_t i) {
  std::string_view name = graph.str(graph.iterations[i].name);
  return name.empty() ? "iteration " + std::to_string(i) : std::string(name);
}

std::string describe_scope(const Graph& graph, size_t windows) {
  if (graph.iterations.empty()) return "the whole trace (no iteration markers)";
  size_t first = first_steady_iteration(graph.iterations.size());
  size_t last = graph.iterations.size() - 1;
  std::string range = iteration_name(graph, first);
  if (last > first) range += " to " + iteration_name(graph, last);
  return std::to_string(windows) +
         (windows == 1 ? " steady-state iteration (" : " steady-state iterations (") + range +
         ", the later half of " + std::to_string(graph.iterations.size()) + " marked)";
}

// --- grouped rows ---

// Sums of task times hold at the ends of the clock: a corrupt trace's durations can add up past
// int64 nanoseconds (saturating_time.h).
void accumulate(TimeNs& sum, TimeNs time) {
  sum = add_saturated(sum, time);
}

void add_task(BreakdownRow& row, bool gpu, TimeNs time) {
  if (gpu) {
    accumulate(row.gpu_time, time);
    ++row.gpu_ops;
  } else {
    accumulate(row.cpu_time, time);
  }
}

std::string_view no_layer_name(NoLayer row) {
  switch (row) {
    case NoLayer::kCommunication: return kCommunicationRow;
    case NoLayer::kOptimizer: return kOptimizerRow;
    case NoLayer::kDataLoading: return kDataLoadingRow;
    case NoLayer::kUnattributed: break;
  }
  return kUnattributed;
}

// The row of task `t` (breakdown_metrics.h): its layer's group, or a row of work in no layer.
uint64_t layer_key(const Graph& graph, TaskId t, LayerGrouping group_by) {
  if (graph.kind[t] == TaskKind::kGpuOp && graph.kernel_class[t] == KernelClass::kCommunication) {
    return static_cast<uint64_t>(NoLayer::kCommunication);
  }
  StringId layer = graph.layer[t];
  StringId group = layer;
  if (group_by == LayerGrouping::kOp) {
    group = graph.op[t];
  } else if (group_by == LayerGrouping::kType && layer != kEmptyString) {
    auto type = graph.layer_types.find(layer);
    if (type != graph.layer_types.end()) group = type->second;
  }
  if (group != kEmptyString) return group;
  if (graph.phase[t] == Phase::kOptimizer) return static_cast<uint64_t>(NoLayer::kOptimizer);
  if (graph.phase[t] == Phase::kData) return static_cast<uint64_t>(NoLayer::kDataLoading);
  return static_cast<uint64_t>(NoLayer::kUnattributed);
}

bool is_named(uint64_t key) { return key < static_cast<uint64_t>(NoLayer::kCommunication); }

BreakdownRow& layer_row(LayerRows& rows, const Graph& graph, uint64_t key) {
  auto [it, inserted] = rows.try_emplace(key);
  if (inserted) {
    it->second.name = is_named(key) ? std::string(graph.str(static_cast<StringId>(key)))
                                    : std::string(no_layer_name(static_cast<NoLayer>(key)));
  }
  return it->second;
}

// By key, largest first; name and class break ties so that the order is deterministic.
void sort_rows(std::vector<BreakdownRow>& rows, RowKey key) {
  std::sort(rows.begin(), rows.end(), [key](const BreakdownRow& a, const BreakdownRow& b) {
    if (key(a) != key(b)) return key(a) > key(b);
    return std::tie(a.name, a.kernel_class) < std::tie(b.name, b.kernel_class);
  });
}

// Keeps the first `keep` rows and sums the rest into one row, "(N more <noun>)".
void fold_tail(std::vector<BreakdownRow>& rows, size_t keep, std::string_view noun) {
  if (rows.size() <= keep) return;
  BreakdownRow rest;
  rest.name = "(" + std::to_string(rows.size() - keep) + " more " + std::string(noun) + ")";
  for (size_t i = keep; i < rows.size(); ++i) {
    accumulate(rest.gpu_time, rows[i].gpu_time);
    accumulate(rest.cpu_time, rows[i].cpu_time);
    rest.gpu_ops += rows[i].gpu_ops;
  }
  rows.resize(keep);
  rows.push_back(std::move(rest));
}

// The top `keep` named layers by `key`, the rest in one row, then the rows of work in no
// layer in NoLayer order.
std::vector<BreakdownRow> layer_table(LayerRows by_layer, size_t keep, RowKey key) {
  std::vector<BreakdownRow> rows;
  std::vector<std::pair<uint64_t, BreakdownRow>> no_layer;
  for (auto& [layer, row] : by_layer) {
    if (is_named(layer)) {
      rows.push_back(std::move(row));
    } else {
      no_layer.emplace_back(layer, std::move(row));
    }
  }
  sort_rows(rows, key);
  fold_tail(rows, keep, "layers");
  std::sort(no_layer.begin(), no_layer.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [layer, row] : no_layer) rows.push_back(std::move(row));
  return rows;
}

// Phase, layer, class and kernel totals of the tasks counted in a window (counted_instants).
void tally_tasks(const Graph& graph, const Timeline& timeline, const std::vector<Span>& windows,
                 const std::vector<TimeNs>& counted_at, const BreakdownOptions& options,
                 Breakdown& out) {
  std::vector<BreakdownRow> phases(kPhaseCount);
  std::vector<BreakdownRow> classes(kKernelClassCount);
  LayerRows layers;
  std::unordered_map<uint64_t, BreakdownRow> kernels;  // key: name id << 8 | class
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!ran(timeline, t) || !in_windows(windows, counted_at[t])) continue;
    TimeNs time = elapsed_saturated(timeline.start[t], timeline.end[t]);
    bool gpu = graph.kind[t] == TaskKind::kGpuOp;
    accumulate(gpu ? out.gpu_time : out.cpu_time, time);
    add_task(phases[static_cast<size_t>(graph.phase[t])], gpu, time);
    uint64_t layer = layer_key(graph, t, options.group_by);
    add_task(layer_row(layers, graph, layer), gpu, time);
    if (gpu && layer == static_cast<uint64_t>(NoLayer::kUnattributed)) {
      accumulate(out.unattributed_gpu.by_phase[static_cast<size_t>(graph.phase[t])], time);
      if (launched_at(graph, timeline, t) == kNotRun) accumulate(out.unattributed_gpu.without_launch, time);
    }
    if (!gpu) continue;
    add_task(classes[static_cast<size_t>(graph.kernel_class[t])], gpu, time);
    uint64_t key = uint64_t{graph.name[t]} << 8 | static_cast<uint64_t>(graph.kernel_class[t]);
    auto [kernel, inserted] = kernels.try_emplace(key);
    if (inserted) {
      kernel->second.name = graph.str(graph.name[t]);
      kernel->second.kernel_class = kernel_class_name(graph.kernel_class[t]);
    }
    add_task(kernel->second, gpu, time);
  }
  for (size_t p = 0; p < kPhaseCount; ++p) phases[p].name = phase_name(static_cast<Phase>(p));
  out.phases = std::move(phases);
  for (size_t k = 0; k < kKernelClassCount; ++k) {
    if (classes[k].gpu_ops == 0) continue;
    classes[k].name = kernel_class_name(static_cast<KernelClass>(k));
    out.kernel_classes.push_back(std::move(classes[k]));
  }
  sort_rows(out.kernel_classes, gpu_key);
  out.layers = layer_table(std::move(layers), options.top_layers, gpu_key);
  for (auto& entry : kernels) out.top_kernels.push_back(std::move(entry.second));
  sort_rows(out.top_kernels, gpu_key);
  fold_tail(out.top_kernels, options.top_kernels, "kernels");
}

// --- critical path ---

struct PathTally {
  CriticalPathSummary summary;
  std::vector<TimeNs> per_resource;
  LayerRows layers;
};

void add_critical_path(const Graph& graph, const Timeline& timeline, const Span& window,
                       LayerGrouping group_by, PathTally& tally) {
  std::vector<TaskId> path = critical_path(graph, timeline, window.start, window.end);
  if (path.empty()) return;
  TimeNs length = elapsed_saturated(std::max(timeline.start[path.front()], window.start),
                                    timeline.end[path.back()]);
  // Each instant counts once: a task overlapping its predecessor (a negative launch latency)
  // is counted from the predecessor's end.
  TimeNs counted_until = window.start;
  TimeNs covered = 0;
  for (TaskId t : path) {
    TimeNs time = std::max<TimeNs>(
        0, elapsed_saturated(std::max(timeline.start[t], counted_until), timeline.end[t]));
    counted_until = std::max(counted_until, timeline.end[t]);
    accumulate(covered, time);
    accumulate(tally.per_resource[graph.resource[t]], time);
    accumulate(tally.summary.by_task_kind[static_cast<size_t>(graph.kind[t])], time);
    if (graph.kind[t] == TaskKind::kGpuOp) {
      accumulate(tally.summary.by_kernel_class[static_cast<size_t>(graph.kernel_class[t])], time);
    }
    add_task(layer_row(tally.layers, graph, layer_key(graph, t, group_by)),
             graph.kind[t] == TaskKind::kGpuOp, time);
  }
  accumulate(tally.summary.length, length);
  accumulate(tally.summary.wait_time, elapsed_saturated(covered, length));
}

CriticalPathSummary summarise_critical_paths(const Graph& graph, const Timeline& timeline,
                                             const std::vector<Span>& windows,
                                             LayerGrouping group_by) {
  PathTally tally;
  tally.per_resource.assign(graph.resources.size(), 0);
  for (const Span& window : windows) add_critical_path(graph, timeline, window, group_by, tally);
  CriticalPathSummary& summary = tally.summary;
  for (ResourceId r = 0; r < graph.resources.size(); ++r) {
    if (tally.per_resource[r] == 0) continue;
    const Resource& resource = graph.resources[r];
    accumulate(summary.by_kind[static_cast<size_t>(resource.kind)], tally.per_resource[r]);
    summary.by_resource.push_back({resource.name, resource.kind, tally.per_resource[r]});
  }
  std::stable_sort(
      summary.by_resource.begin(), summary.by_resource.end(),
      [](const CriticalPathResource& a, const CriticalPathResource& b) { return a.time > b.time; });
  summary.by_layer = layer_table(std::move(tally.layers), kTopCriticalPathLayers, total_key);
  return std::move(tally.summary);
}

// In doubles: 100 * part overflows int64 for spans past ~2.9 years (corrupt timestamps).
bool holds_bound_share(TimeNs part, TimeNs whole) {
  return 100.0 * static_cast<double>(part) >=
         static_cast<double>(kBoundPercent) * static_cast<double>(whole);
}

Verdict decide_verdict(const CriticalPathSummary& path) {
  if (path.length <= 0) return Verdict::kMixed;
  if (holds_bound_share(path.by_kind[static_cast<size_t>(ResourceKind::kGpuStream)], path.length)) {
    return Verdict::kGpuBound;
  }
  if (holds_bound_share(path.by_kind[static_cast<size_t>(ResourceKind::kCpuThread)], path.length)) {
    return Verdict::kCpuBound;
  }
  return Verdict::kMixed;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kGpuBound:
      return "GPU-bound";
    case Verdict::kCpuBound:
      return "CPU-bound";
    case Verdict::kMixed:
      break;
  }
  return "mixed";
}

std::string verdict_rule() {
  std::string percent = std::to_string(kBoundPercent) + "%";
  return "GPU-bound when tasks on GPU streams take >= " + percent +
         " of the critical path, CPU-bound when tasks on CPU threads do, mixed otherwise";
}

std::string_view layer_grouping_name(LayerGrouping grouping) {
  switch (grouping) {
    case LayerGrouping::kType: return "type";
    case LayerGrouping::kOp: return "op";
    case LayerGrouping::kModule: break;
  }
  return "module";
}

Breakdown compute_breakdown(const Graph& graph, const Timeline& timeline,
                            const BreakdownOptions& options) {
  Breakdown out;
  out.measured = options.measured;
  out.group_by = options.group_by;
  IterationTimes times = iteration_times(graph, timeline);
  out.steady_state = times.steady_state;
  std::vector<Span> windows = analysed_windows(graph, timeline, times);
  out.windows = windows.size();
  out.scope = describe_scope(graph, windows.size());
  for (const Span& w : windows) {
    TimeNs length = elapsed_saturated(w.start, w.end);
    accumulate(out.window_time, length);
    out.shortest_window = out.shortest_window == 0 ? length : std::min(out.shortest_window, length);
    out.longest_window = std::max(out.longest_window, length);
  }
  std::vector<TimeNs> counted_at = counted_instants(graph, timeline);
  tally_tasks(graph, timeline, windows, counted_at, options, out);
  out.unattributed_note = unattributed_note(graph.trace(), out.unattributed_gpu, out.gpu_time);
  if (options.measured) {
    out.operators = operator_table(graph, timeline, windows, counted_at, options.peaks);
  }
  out.peaks_name = options.peaks.name;
  out.gpu = measure_gpu_activity(graph, timeline, windows);
  out.critical_path = summarise_critical_paths(graph, timeline, windows, options.group_by);
  out.verdict = decide_verdict(out.critical_path);
  return out;
}

Breakdown measured_breakdown(const Graph& graph, const Timeline& measured,
                             const Timeline& replayed, BreakdownOptions options) {
  options.measured = true;
  Breakdown out = compute_breakdown(graph, measured, options);
  BreakdownOptions totals_only;
  totals_only.top_layers = totals_only.top_kernels = 0;
  Breakdown replay = compute_breakdown(graph, replayed, totals_only);
  auto idle_per_window = [](const Breakdown& b) {
    return b.gpu.all_streams.idle_total() / static_cast<TimeNs>(std::max<size_t>(b.windows, 1));
  };
  out.replay_check = ReplayCheck{
      out.steady_state, replay.steady_state, idle_per_window(out), idle_per_window(replay),
      assess_replay(graph, out.steady_state, replay.steady_state, replayed.forced_starts)};
  return out;
}

}  // namespace dd
