// `daydream replay`: simulates the unmodified graph and compares it with the measured run,
// per iteration and in steady state, with the one iteration-time function for both. A job of
// several ranks shows the job's iterations (each its slowest rank's, named) and every rank's
// own rows.
#pragma once

#include <ostream>

#include "graph/graph.h"
#include "reports/replay_trust.h"
#include "simulator/iteration_metrics.h"
#include "simulator/timeline.h"

namespace dd {

struct ReplayResult {
  IterationTimes measured;
  IterationTimes simulated;
  uint64_t forced_starts = 0;
  ReplayTrust trust;  // its error_pct: (simulated - measured) / measured, steady state
};

ReplayResult compare_replay(const Graph& graph, const Timeline& measured, const Timeline& simulated);

void print_replay_text(const Graph& graph, const ReplayResult& result, std::ostream& out);
void print_replay_json(const Graph& graph, const ReplayResult& result, std::ostream& out);

}  // namespace dd
