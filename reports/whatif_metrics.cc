// What-if comparison (see whatif_metrics.h): two breakdowns with every layer kept, matched row
// by row by name, turned into per-iteration changes and ranked by how much they changed.
#include "reports/whatif_metrics.h"

#include <algorithm>
#include <limits>

#include "reports/replay_report.h"

namespace dd {

WhatIfResult compare_whatif(const Graph& graph, const Timeline& measured, const Timeline& replayed,
                            const Graph& transformed, const Timeline& predicted,
                            std::vector<AppliedModelSummary> applied) {
  constexpr size_t kAllLayers = std::numeric_limits<size_t>::max();
  ReplayResult replay = compare_replay(graph, measured, replayed);
  BreakdownOptions every_layer;
  every_layer.top_layers = kAllLayers;
  Breakdown before = compute_breakdown(graph, replayed, every_layer);
  Breakdown after = compute_breakdown(transformed, predicted, every_layer);
  WhatIfResult out;
  out.applied = std::move(applied);
  out.measured = replay.measured.steady_state;
  out.replayed = replay.simulated.steady_state;
  out.predicted = after.steady_state;
  out.replay_error_pct = replay.error_pct;
  out.speedup = out.predicted > 0
                    ? static_cast<double>(out.replayed) / static_cast<double>(out.predicted)
                    : std::numeric_limits<double>::infinity();
  out.scope = before.scope;
  out.total = total_change(before, after, "total");
  out.phases = match_rows(before, after, &Breakdown::phases);
  out.layers = layer_changes(match_rows(before, after, &Breakdown::layers), kTopChangedLayers);
  out.kernel_classes = match_rows(before, after, &Breakdown::kernel_classes);
  sort_by_change(out.kernel_classes, gpu_change_key);
  out.critical_path = critical_path_change(before, after);
  return out;
}

}  // namespace dd
