// Resource timelines of a graph (see resource_timeline.h).
#include "reports/html/resource_timeline.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "simulator/iteration_metrics.h"

namespace dd::html {

namespace {

bool ran(const Timeline& timeline, TaskId task) {
  return timeline.start[task] != kNotRun;
}

std::string iteration_label(const Graph& graph, int32_t iteration) {
  std::string_view name = graph.str(graph.iterations[static_cast<size_t>(iteration)].name);
  return name.empty() ? "iteration " + std::to_string(iteration) : std::string(name);
}

TimelineLane lane_of(const Graph& graph, const Timeline& timeline, ResourceId resource,
                     const TimeWindow& window) {
  TimelineLane lane{graph.resources[resource].name, {}};
  for (TaskId t = graph.resources[resource].first; t != kNone; t = graph.next_on_resource[t]) {
    if (!ran(timeline, t) || timeline.end[t] < window.start || timeline.start[t] > window.end) {
      continue;
    }
    std::string_view label = graph.str(graph.name[t]);
    if (label.empty()) label = graph.str(graph.op[t]);
    lane.boxes.push_back({timeline.start[t], timeline.end[t], static_cast<uint8_t>(graph.phase[t]),
                          graph.kind[t] == TaskKind::kCpuWork, label});
  }
  std::stable_sort(lane.boxes.begin(), lane.boxes.end(),
                   [](const TimelineBox& a, const TimelineBox& b) { return a.start < b.start; });
  return lane;
}

}  // namespace

TimeWindow iteration_window(const Graph& graph, const Timeline& timeline, int32_t iteration) {
  if (iteration < 0 || graph.iterations.empty()) {
    TimeWindow all{std::numeric_limits<TimeNs>::max(), std::numeric_limits<TimeNs>::min(), -1,
                   "the whole trace"};
    for (TaskId t = 0; t < graph.task_count(); ++t) {
      if (graph.removed[t] || !ran(timeline, t)) continue;
      all.start = std::min(all.start, timeline.start[t]);
      all.end = std::max(all.end, timeline.end[t]);
    }
    if (all.start > all.end) all.start = all.end = 0;
    return all;
  }
  auto index = static_cast<size_t>(iteration);
  TimeNs start = timeline.start[graph.iterations[index].start_task];
  TimeNs length = iteration_times(graph, timeline).per_iteration[index];
  return {start, start + length, iteration, iteration_label(graph, iteration)};
}

int32_t representative_iteration(const Graph& graph, const Timeline& timeline) {
  if (graph.iterations.empty()) return -1;
  IterationTimes times = iteration_times(graph, timeline);
  size_t best = first_steady_iteration(times.per_iteration.size());
  for (size_t i = best + 1; i < times.per_iteration.size(); ++i) {
    if (std::llabs(times.per_iteration[i] - times.steady_state) <
        std::llabs(times.per_iteration[best] - times.steady_state)) {
      best = i;
    }
  }
  return static_cast<int32_t>(best);
}

TimeWindow typical_window(const Graph& graph, const Timeline& timeline) {
  return iteration_window(graph, timeline, representative_iteration(graph, timeline));
}

std::string describe_window(const TimeWindow& window) {
  if (window.iteration < 0) return "the whole trace (it has no iteration markers)";
  return window.name + ", the steady-state iteration closest to the median";
}

std::vector<Series> phase_series() {
  static constexpr std::string_view kColors[kPhaseCount] = {"#4e79a7", "#f28e2b", "#59a14f",
                                                            "#b07aa1", "#9d9d9d"};
  std::vector<Series> series;
  for (size_t p = 0; p < kPhaseCount; ++p) {
    series.push_back({std::string(phase_name(static_cast<Phase>(p))), std::string(kColors[p])});
  }
  return series;
}

TimelineChart resource_timeline(const Graph& graph, const Timeline& timeline,
                                const TimeWindow& window, std::string title) {
  TimelineChart chart;
  chart.title = std::move(title);
  chart.begin = window.start;
  chart.end = window.end;
  chart.categories = phase_series();
  chart.light_meaning = "paler: CPU work between CUDA calls";
  for (ResourceKind kind :
       {ResourceKind::kCpuThread, ResourceKind::kGpuStream, ResourceKind::kLink}) {
    for (ResourceId r = 0; r < graph.resources.size(); ++r) {
      if (graph.resources[r].kind != kind) continue;
      TimelineLane lane = lane_of(graph, timeline, r, window);
      if (!lane.boxes.empty()) chart.lanes.push_back(std::move(lane));
    }
  }
  return chart;
}

}  // namespace dd::html
