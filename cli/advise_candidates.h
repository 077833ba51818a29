// What `daydream advise` tries on a trace: every what-if model that can apply, with the
// parameter values that matter for this trace, then the combinations that make sense. Singles
// first: each precision the trace's GPU has tensor cores for, a fused optimizer, CUDA graphs,
// fused elementwise chains, pinned prefetched input copies, DataLoader workers where the trace
// loads data on the training thread, recomputation only where memory is tight, each GPU of
// --gpus, and data or pipeline parallelism at the sizes the user gives. Then, from the singles
// that helped, one variant per model stacked in the order the models compose (inputs, precision,
// fusion, graphs last so they capture what the others made), and each GPU of --gpus with that
// stack. Models that need sizes advise cannot guess (parameter servers, virtual nodes) and the
// `scale` bound are not tried, and say how to try them.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace dd::cli {

struct AdviseOptions {
  std::vector<std::string> gpus;       // --gpus: targets for the GPU sweep
  std::vector<int> ddp;                // --ddp N: data-parallel sizes
  std::vector<std::string> pipeline;   // --pipeline STAGES:MICROBATCHES
};

struct Candidate {
  std::vector<std::string> applies;
  bool gpu_change = false;
  std::string not_tried;  // why advise does not run it, and how to try it ("" = run it)
};

// The single-model candidates.
std::vector<Candidate> single_candidates(const Graph& graph, const AdviseOptions& options);

// A single that ran, with the speedup it predicted (0 when it could not apply or run).
struct SingleOutcome {
  const Candidate* candidate = nullptr;
  double speedup = 0;
};

// The combinations worth running, built from the singles that helped.
std::vector<Candidate> combined_candidates(const std::vector<SingleOutcome>& singles,
                                           const AdviseOptions& options);

// What the user would record or pass so that a model that could not apply would: from the
// model's name and the reason it gave.
std::string how_to_apply(const std::string& apply, const std::string& reason);

// Whether bench/whatif_validation checks the model against real measurements.
bool checked_against_measurements(const std::string& apply);

}  // namespace dd::cli
