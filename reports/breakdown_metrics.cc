// Breakdown metrics (see breakdown_metrics.h): one pass over the tasks for the phase, layer,
// class and kernel totals, interval unions for GPU busy time, and one critical-path walk per
// analysed window.
#include "reports/breakdown_metrics.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "simulator/critical_path.h"
#include "simulator/iteration_metrics.h"
#include "simulator/saturating_time.h"

namespace dd {

namespace {

struct Span {
  TimeNs start = 0;
  TimeNs end = 0;
};

using LayerRows = std::unordered_map<StringId, BreakdownRow>;
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

// Whether `time` falls in one of the windows (sorted by start).
bool in_windows(const std::vector<Span>& windows, TimeNs time) {
  auto after = std::partition_point(windows.begin(), windows.end(),
                                    [time](const Span& w) { return w.start <= time; });
  return after != windows.begin() && time < std::prev(after)->end;
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

BreakdownRow& layer_row(LayerRows& rows, const Graph& graph, StringId layer) {
  auto [it, inserted] = rows.try_emplace(layer);
  if (inserted) it->second.name = layer == kEmptyString ? kUnattributed : graph.str(layer);
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

// The top `keep` named layers by `key`, the rest in one row, then the unattributed row.
std::vector<BreakdownRow> layer_table(LayerRows by_layer, size_t keep, RowKey key) {
  std::vector<BreakdownRow> rows;
  std::optional<BreakdownRow> unattributed;
  for (auto& [layer, row] : by_layer) {
    if (layer == kEmptyString) {
      unattributed = std::move(row);
    } else {
      rows.push_back(std::move(row));
    }
  }
  sort_rows(rows, key);
  fold_tail(rows, keep, "layers");
  if (unattributed) rows.push_back(std::move(*unattributed));
  return rows;
}

// Phase, layer, class and kernel totals of the tasks that start in a window.
void tally_tasks(const Graph& graph, const Timeline& timeline, const std::vector<Span>& windows,
                 size_t top_layers, size_t top_kernels, Breakdown& out) {
  std::vector<BreakdownRow> phases(kPhaseCount);
  std::vector<BreakdownRow> classes(kKernelClassCount);
  LayerRows layers;
  std::unordered_map<uint64_t, BreakdownRow> kernels;  // key: name id << 8 | class
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!ran(timeline, t) || !in_windows(windows, timeline.start[t])) continue;
    TimeNs time = elapsed_saturated(timeline.start[t], timeline.end[t]);
    bool gpu = graph.kind[t] == TaskKind::kGpuOp;
    accumulate(gpu ? out.gpu_time : out.cpu_time, time);
    add_task(phases[static_cast<size_t>(graph.phase[t])], gpu, time);
    add_task(layer_row(layers, graph, graph.layer[t]), gpu, time);
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
  out.layers = layer_table(std::move(layers), top_layers, gpu_key);
  for (auto& entry : kernels) out.top_kernels.push_back(std::move(entry.second));
  sort_rows(out.top_kernels, gpu_key);
  fold_tail(out.top_kernels, top_kernels, "kernels");
}

// --- GPU busy time ---

// Sorted, disjoint spans covering the same time as `spans`.
std::vector<Span> merge_spans(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<Span> merged;
  for (const Span& s : spans) {
    if (!merged.empty() && s.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

// Time of the merged spans that lies inside the windows.
TimeNs covered_time(const std::vector<Span>& merged, const std::vector<Span>& windows) {
  TimeNs total = 0;
  for (const Span& w : windows) {
    auto it = std::partition_point(merged.begin(), merged.end(),
                                   [&w](const Span& s) { return s.end <= w.start; });
    for (; it != merged.end() && it->start < w.end; ++it) {
      accumulate(total, elapsed_saturated(std::max(it->start, w.start), std::min(it->end, w.end)));
    }
  }
  return total;
}

void measure_gpu_busy(const Graph& graph, const Timeline& timeline,
                      const std::vector<Span>& windows, Breakdown& out) {
  std::vector<Span> all_streams;
  for (const Resource& resource : graph.resources) {
    if (resource.kind != ResourceKind::kGpuStream || resource.first == kNone) continue;
    std::vector<Span> spans;
    for (TaskId t = resource.first; t != kNone; t = graph.next_on_resource[t]) {
      if (ran(timeline, t)) spans.push_back({timeline.start[t], timeline.end[t]});
    }
    all_streams.insert(all_streams.end(), spans.begin(), spans.end());
    out.streams.push_back({resource.name, covered_time(merge_spans(std::move(spans)), windows)});
  }
  out.gpu_busy = covered_time(merge_spans(std::move(all_streams)), windows);
}

// --- critical path ---

struct PathTally {
  CriticalPathSummary summary;
  std::vector<TimeNs> per_resource;
  LayerRows layers;
};

void add_critical_path(const Graph& graph, const Timeline& timeline, const Span& window,
                       PathTally& tally) {
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
    add_task(layer_row(tally.layers, graph, graph.layer[t]), graph.kind[t] == TaskKind::kGpuOp,
             time);
  }
  accumulate(tally.summary.length, length);
  accumulate(tally.summary.wait_time, elapsed_saturated(covered, length));
}

CriticalPathSummary summarise_critical_paths(const Graph& graph, const Timeline& timeline,
                                             const std::vector<Span>& windows) {
  PathTally tally;
  tally.per_resource.assign(graph.resources.size(), 0);
  for (const Span& window : windows) add_critical_path(graph, timeline, window, tally);
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

Breakdown compute_breakdown(const Graph& graph, const Timeline& timeline, size_t top_layers,
                            size_t top_kernels) {
  Breakdown out;
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
  tally_tasks(graph, timeline, windows, top_layers, top_kernels, out);
  measure_gpu_busy(graph, timeline, windows, out);
  out.critical_path = summarise_critical_paths(graph, timeline, windows);
  out.verdict = decide_verdict(out.critical_path);
  return out;
}

}  // namespace dd
