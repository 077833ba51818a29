// The discrete-event simulator (ARCHITECTURE.md, "Simulation"): each resource runs its tasks
// in sequence; a task starts when its resource is free (plus the resource's switch gap) and
// every predecessor has finished (plus the edge latency), and lasts its duration. Blocking
// calls need no special case: the builder gives them a host-wait edge and their post-wait
// duration, so they end when what they wait for ends. Only durations and dependencies are
// read — never recorded start times.
#pragma once

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

// Simulates from time `origin` (all resources free then). A dependency cycle never hangs the
// run: the blocked task with the earliest ready time is started and counted in
// Timeline::forced_starts.
Timeline simulate(const Graph& graph, TimeNs origin);

// The earliest recorded start of any live task: where replays start so that measured and
// simulated timelines share one time base.
TimeNs graph_origin(const Graph& graph);

}  // namespace dd
