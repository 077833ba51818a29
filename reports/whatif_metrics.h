// The numbers behind `daydream whatif`: the measured, replayed (unmodified graph) and
// predicted (transformed graph) steady-state iteration times, the speedup, and where the
// saving comes from — the change of GPU and CPU time per phase, layer and kernel class, and of
// the critical path, per steady-state iteration. The changes are the difference of two
// Breakdowns (breakdown_metrics.h), one of the replay and one of the prediction, so a what-if
// counts time exactly the way `daydream breakdown` does. whatif_report.h renders it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "reports/breakdown_change.h"
#include "reports/breakdown_metrics.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopChangedLayers = 10;

// One --apply as the report shows it (the CLI fills it from the model and its outcome).
struct AppliedModelSummary {
  std::string name;
  std::vector<std::pair<std::string, std::string>> parameters;  // in the model's order
  bool applicable = true;
  std::string summary;  // what the model changed, or why it could not apply
};

struct WhatIfResult {
  std::vector<AppliedModelSummary> applied;
  TimeNs measured = 0;  // steady-state iteration times
  TimeNs replayed = 0;
  TimeNs predicted = 0;
  double replay_error_pct = 0;  // signed: (replayed - measured) / measured
  double speedup = 0;           // replayed / predicted; infinite if predicted is 0
  std::string scope;            // which iterations the changes cover, in words
  ChangeRow total;
  std::vector<ChangeRow> phases;  // one per Phase, in enum order
  // The top kTopChangedLayers by |GPU change| + |CPU change|, then the remaining layers in one
  // row and the rows of work in no layer (breakdown_metrics.h), each only when present.
  std::vector<ChangeRow> layers;
  std::vector<ChangeRow> kernel_classes;  // classes that ran in either, by |GPU change|
  CriticalPathChange critical_path;
};

// `replayed` simulates `graph`; `predicted` simulates `transformed`, a transformed copy of it.
WhatIfResult compare_whatif(const Graph& graph, const Timeline& measured, const Timeline& replayed,
                            const Graph& transformed, const Timeline& predicted,
                            std::vector<AppliedModelSummary> applied);

}  // namespace dd
