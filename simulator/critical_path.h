// The critical path of a time window of a timeline: the chain of tasks that determined when
// the window's last task finished. `daydream breakdown` summarises it per resource and layer
// (on the measured timeline) to say whether an iteration waits on the CPU or on the GPU.
#pragma once

#include <vector>

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

// Starts from the live task with the latest end in (window_start, window_end] (lowest TaskId
// on a tie) and walks back through binding predecessors, on a simulated timeline or on the
// measured one alike. A task's own work begins at end - duration (a blocking call's duration
// is its post-wait part, so on the measured timeline it begins when what it waited for ended);
// each predecessor releases it at
//   - end[p] + latency for an edge predecessor p (live in-edge), or
//   - end[q] + switch_gap for the previous task q on its resource.
// The binding predecessor is the one that released it last, a release after its work began
// counting as at that instant. Tie rule: an edge predecessor wins over the resource
// predecessor (a dependency explains the start even when the resource happened to free up at
// the same time); among edge predecessors the one that ended last wins, then the lowest
// TaskId. On a simulated timeline the binding predecessor released the task exactly when it
// started; on a measured one any time between the release and the start (launch latency, a
// dependency the trace does not show) is the path's wait time. The walk stops at a task
// without live predecessors or when the predecessor ends at or before window_start. Returns
// the path in time order (earliest first); empty when no task ends inside the window.
std::vector<TaskId> critical_path(const Graph& graph, const Timeline& timeline, TimeNs window_start,
                                  TimeNs window_end);

}  // namespace dd
