// The --apply option shared by `whatif` and `export`: every NAME[:k=v,...] is parsed before
// the trace loads (so a typo fails fast), then the models apply in order to a copy of the
// run's graph, each error named after its model.
#pragma once

#include <string>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"
#include "reports/whatif_metrics.h"
#include "transforms/whatif_model.h"

namespace dd::cli {

Result<std::vector<AppliedModel>> parse_applies(const std::vector<std::string>& texts);

// Applies the models in order; what each did, or the first error. Stops after a model whose
// rewritten run cannot run at all (ModelOutcome::timed false): nothing after it is applied.
Result<std::vector<AppliedModelSummary>> apply_models(Graph& graph,
                                                      const std::vector<AppliedModel>& models);

}  // namespace dd::cli
