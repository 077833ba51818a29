// The one iteration-time function (ARCHITECTURE.md): applied alike to the measured and the
// simulated timeline. An iteration lasts from its start task's start to the next iteration's
// start (the last one: to its end task, or to the end of its own work). Steady state is the
// median of the later half of the iterations: a trace's first iterations carry warm-up (a
// launch queue still filling after the profiler's start), and a what-if changes how long
// that lasts. A trace without iteration markers is one iteration, end to end.
//
// A job of several ranks (Graph::ranks): each rank's iterations are timed on its own tasks from
// its own markers, and the job's iteration i lasts as long as its slowest rank's (the ranks
// wait for each other at every collective), never a sum over ranks. A rank's iteration matches
// the run's iteration of the same ProfilerStep number, or of the same position when the
// markers carry none.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr TimeNs kNoIteration = -1;  // a rank without the job's iteration i

struct RankIterationTimes {
  std::vector<TimeNs> per_iteration;  // aligned with the job's; kNoIteration where missing
  TimeNs steady_state = 0;
};

struct IterationTimes {
  std::vector<TimeNs> per_iteration;
  TimeNs steady_state = 0;
  std::vector<RankIterationTimes> ranks;  // per Graph::ranks entry; empty for one process
  // Per job iteration: the index into `ranks` of the slowest rank (empty for one process).
  std::vector<size_t> slowest_rank;
};

IterationTimes iteration_times(const Graph& graph, const Timeline& timeline);

// Index of the first steady-state iteration among `count` (the later half starts there).
inline size_t first_steady_iteration(size_t count) { return count / 2; }

}  // namespace dd
