// The one iteration-time function (ARCHITECTURE.md): applied alike to the measured and the
// simulated timeline. An iteration lasts from its start task's start to the next iteration's
// start (the last one: to its end task, or to the end of its own work). Steady state is the
// median of the later half of the iterations: a trace's first iterations carry warm-up (a
// launch queue still filling after the profiler's start), and a what-if changes how long
// that lasts. A trace without iteration markers is one iteration, end to end.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

struct IterationTimes {
  std::vector<TimeNs> per_iteration;
  TimeNs steady_state = 0;
};

IterationTimes iteration_times(const Graph& graph, const Timeline& timeline);

// Index of the first steady-state iteration among `count` (the later half starts there).
inline size_t first_steady_iteration(size_t count) { return count / 2; }

}  // namespace dd
