// Iteration times over a timeline (see iteration_metrics.h).
#include "simulator/iteration_metrics.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

// Earliest start and latest end of the live tasks, optionally only those of one iteration
// and of one process.
std::pair<TimeNs, TimeNs> span_of(const Graph& graph, const Timeline& timeline, int32_t only,
                                  uint32_t process = kNone) {
  TimeNs first = std::numeric_limits<TimeNs>::max();
  TimeNs last = std::numeric_limits<TimeNs>::min();
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || timeline.start[t] == kNotRun) continue;
    if (only >= 0 && graph.iteration[t] != only) continue;
    if (process != kNone && graph.resources[graph.resource[t]].process != process) continue;
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

// Each marked iteration's time on `boundaries` (the whole span of `process`'s tasks, or of all
// tasks, without markers).
std::vector<TimeNs> times_of(const Graph& graph, const Timeline& timeline,
                             const std::vector<IterationBoundary>& its, uint32_t process) {
  std::vector<TimeNs> times;
  if (its.empty()) {
    auto [first, last] = span_of(graph, timeline, -1, process);
    if (first <= last) times.push_back(elapsed_saturated(first, last));
  }
  for (size_t i = 0; i < its.size(); ++i) {
    TimeNs begin = timeline.start[its[i].start_task];
    TimeNs end;
    if (i + 1 < its.size()) {
      end = timeline.start[its[i + 1].start_task];
    } else if (its[i].end_task != kNone) {
      end = timeline.start[its[i].end_task];
    } else {
      end = span_of(graph, timeline, static_cast<int32_t>(i), process).second;
    }
    times.push_back(elapsed_saturated(begin, end));
  }
  return times;
}

TimeNs steady_median(const std::vector<TimeNs>& times) {
  std::vector<TimeNs> later;
  for (size_t i = first_steady_iteration(times.size()); i < times.size(); ++i) {
    if (times[i] != kNoIteration) later.push_back(times[i]);
  }
  return median(std::move(later));
}

// Position in `rank` of the job's iteration `job_index`: the same number when both are
// numbered, else the same position; SIZE_MAX when the rank has none.
size_t matching_iteration(const Graph& graph, const RankIterations& rank, size_t job_index) {
  const std::vector<IterationBoundary>& its = rank.iterations;
  if (graph.iterations.empty()) return its.empty() && job_index == 0 ? 0 : SIZE_MAX;
  int64_t number = graph.iterations[job_index].number;
  if (number >= 0) {
    for (size_t i = 0; i < its.size(); ++i) {
      if (its[i].number == number) return i;
    }
    return SIZE_MAX;
  }
  return job_index < its.size() ? job_index : SIZE_MAX;
}

// The ranks' times aligned with the job's iterations, and the job's: its slowest rank's.
void time_ranks(const Graph& graph, const Timeline& timeline, IterationTimes& times) {
  size_t job_iterations = std::max<size_t>(graph.iterations.size(), 1);
  times.per_iteration.assign(job_iterations, kNoIteration);
  times.slowest_rank.assign(job_iterations, 0);
  for (size_t r = 0; r < graph.ranks.size(); ++r) {
    const RankIterations& rank = graph.ranks[r];
    std::vector<TimeNs> own = times_of(graph, timeline, rank.iterations, rank.process);
    RankIterationTimes aligned;
    aligned.per_iteration.assign(job_iterations, kNoIteration);
    for (size_t i = 0; i < job_iterations; ++i) {
      size_t at = matching_iteration(graph, rank, i);
      if (at >= own.size()) continue;
      aligned.per_iteration[i] = own[at];
      if (own[at] > times.per_iteration[i]) {
        times.per_iteration[i] = own[at];
        times.slowest_rank[i] = r;
      }
    }
    aligned.steady_state = steady_median(aligned.per_iteration);
    times.ranks.push_back(std::move(aligned));
  }
}

}  // namespace

IterationTimes iteration_times(const Graph& graph, const Timeline& timeline) {
  IterationTimes times;
  if (graph.ranks.empty()) {
    times.per_iteration = times_of(graph, timeline, graph.iterations, kNone);
  } else {
    time_ranks(graph, timeline, times);
  }
  times.steady_state = steady_median(times.per_iteration);
  return times;
}

}  // namespace dd
