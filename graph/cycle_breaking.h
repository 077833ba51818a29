// Dependency cycles: a trace whose correlation ids, flow events or timestamps disagree (a GPU op
// "launched" after the call that waited for it, a flow pointing back in time) can make the
// inferred edges close a cycle with program or stream order. No schedule satisfies a cycle, so
// the builder breaks every one before the graph leaves it, and says so in the diagnostics.
#pragma once

#include "graph/graph.h"

namespace dd {

// Orders the live tasks topologically over both the edges and the resource sequences. When
// every remaining task waits on another remaining one, the waiting resource head that was
// recorded first loses its incoming edges from the remaining tasks (those close the cycles);
// the removed edges are counted in graph.diagnostics as "dependency_cycle_edges_removed".
// Returns the number of edges removed.
size_t break_dependency_cycles(Graph& graph);

}  // namespace dd
