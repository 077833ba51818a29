// The critical path of a time window of a timeline: the chain of tasks that determined when
// the window's last task finished. `daydream breakdown` summarises it per resource and layer to
// say whether an iteration waits on the CPU or on the GPU.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

// Starts from the live task with the latest end in (window_start, window_end] (lowest TaskId
// on a tie) and walks back through binding predecessors. The binding predecessor of task t is
// the one whose finish set t's start:
//   - an edge predecessor p (live in-edge) with end[p] + latency == start[t], or
//   - the previous task q on t's resource with end[q] + switch_gap == start[t].
// Tie rule: an edge predecessor wins over the resource predecessor (a dependency explains the
// start even when the resource happened to free up at the same time); among several binding
// edge predecessors the one that ended last wins, then the lowest TaskId. The walk stops when
// nothing binds (a task at the origin, or one that waited only for a forced start) or when the
// predecessor ends at or before window_start. Returns the path in time order (earliest
// first); empty when no task ends inside the window.
std::vector<TaskId> critical_path(const Graph& graph, const Timeline& timeline, TimeNs window_start,
                                  TimeNs window_end);

}  // namespace dd
