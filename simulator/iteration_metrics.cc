// Iteration times over a timeline (see iteration_metrics.h).
#include "simulator/iteration_metrics.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

// Earliest start and latest end of the live tasks, optionally only those of one iteration.
std::pair<TimeNs, TimeNs> span_of(const Graph& graph, const Timeline& timeline, int32_t only) {
  TimeNs first = std::numeric_limits<TimeNs>::max();
  TimeNs last = std::numeric_limits<TimeNs>::min();
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || timeline.start[t] == kNotRun) continue;
    if (only >= 0 && graph.iteration[t] != only) continue;
    first = std::min(first, timeline.start[t]);
    last = std::max(last, timeline.end[t]);
  }
  return {first, last};
}

TimeNs median(std::vector<TimeNs> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return std::midpoint(values[mid - 1], values[mid]);
}

}  // namespace

IterationTimes iteration_times(const Graph& graph, const Timeline& timeline) {
  IterationTimes times;
  const auto& its = graph.iterations;
  if (its.empty()) {
    auto [first, last] = span_of(graph, timeline, -1);
    if (first <= last) times.per_iteration.push_back(elapsed_saturated(first, last));
  }
  for (size_t i = 0; i < its.size(); ++i) {
    TimeNs begin = timeline.start[its[i].start_task];
    TimeNs end;
    if (i + 1 < its.size()) {
      end = timeline.start[its[i + 1].start_task];
    } else if (its[i].end_task != kNone) {
      end = timeline.start[its[i].end_task];
    } else {
      end = span_of(graph, timeline, static_cast<int32_t>(i)).second;
    }
    times.per_iteration.push_back(elapsed_saturated(begin, end));
  }
  size_t later_half = first_steady_iteration(times.per_iteration.size());
  times.steady_state = median({times.per_iteration.begin() + static_cast<std::ptrdiff_t>(later_half),
                               times.per_iteration.end()});
  return times;
}

}  // namespace dd
