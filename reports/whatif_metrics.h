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
#include "reports/replay_report.h"
#include "reports/replay_trust.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopChangedLayers = 10;

// One --apply as the report shows it (the CLI fills it from the model and its outcome).
struct AppliedModelSummary {
  std::string name;
  std::vector<std::pair<std::string, std::string>> parameters;  // in the model's order
  bool applicable = true;
  std::string summary;  // what the model changed, or why it could not apply
  bool timed = true;    // false: the rewritten run cannot run (e.g. out of memory); no time
  std::string caution = {};  // ModelOutcome::caution
};

struct WhatIfResult {
  std::vector<AppliedModelSummary> applied;
  TimeNs measured = 0;  // steady-state iteration times
  TimeNs replayed = 0;
  TimeNs predicted = 0;
  ReplayTrust trust;            // whether the replay the prediction builds on can be trusted
  double speedup = 0;           // replayed / predicted; infinite if predicted is 0
  std::string scope;            // which iterations the changes cover, in words
  // GPU op time per steady-state iteration, each op counted in the iteration it belongs to
  // (Graph::iteration) wherever the timeline runs it. The tables count the ops whose start
  // falls inside an iteration's window (breakdown_metrics.h), so a prediction whose GPU work
  // runs in a later window than its iteration's shows another total there; the report says
  // how much.
  TimeNs gpu_work_replay = 0;
  TimeNs gpu_work_predicted = 0;
  ChangeRow total;
  std::vector<ChangeRow> phases;  // one per Phase, in enum order
  // The top kTopChangedLayers by |GPU change| + |CPU change|, then the remaining layers in one
  // row and the rows of work in no layer (breakdown_metrics.h), each only when present.
  std::vector<ChangeRow> layers;
  std::vector<ChangeRow> kernel_classes;  // classes that ran in either, by |GPU change|
  CriticalPathChange critical_path;
};

// GPU op time per steady-state iteration (the later half of the graph's iterations, all of it
// without iterations), by the iteration each op belongs to; only `process`'s ops when given (one
// rank of a job: never the ranks' sum).
TimeNs gpu_work_per_iteration(const Graph& graph, uint32_t process = kNone);

// What every prediction on one graph is compared with: its replay against the measured run and
// the replay's breakdown, computed once when several predictions share them (`advise`).
struct WhatIfBaseline {
  const Graph* graph = nullptr;
  ReplayResult replay;
  Breakdown before;  // for a job of several ranks: its slowest rank's, on its own tasks
  size_t rank = 0;   // that rank (an index into Graph::ranks)
};
// `replayed` simulates `graph`.
WhatIfBaseline whatif_baseline(const Graph& graph, const Timeline& measured, const Timeline& replayed);

// `predicted` simulates `transformed`, a transformed copy of the baseline's graph.
WhatIfResult compare_whatif(const WhatIfBaseline& baseline, const Graph& transformed,
                            const Timeline& predicted, std::vector<AppliedModelSummary> applied);
WhatIfResult compare_whatif(const Graph& graph, const Timeline& measured, const Timeline& replayed,
                            const Graph& transformed, const Timeline& predicted,
                            std::vector<AppliedModelSummary> applied);

}  // namespace dd
