// Trace → Graph. Builds tasks (CPU API calls, CPU work between them, GPU ops) on their
// resources, then the edges (launch, host wait, launch-queue slot, cross-stream event,
// cross-thread hand-off), measures the system parameters, breaks any dependency cycle that
// inconsistent records would close (cycle_breaking.h), and attributes every task to its
// framework op, layer, phase and iteration. Works the same on Kineto, nsys and daydream traces.
#pragma once

#include "collector/trace/result.h"
#include "collector/trace/trace.h"
#include "graph/graph.h"

namespace dd {

// The trace must outlive the graph (the graph reads names from it). Iteration markers are
// taken from trace.iterations (see detect_iterations).
Result<Graph> build_graph(const Trace& trace);

}  // namespace dd
