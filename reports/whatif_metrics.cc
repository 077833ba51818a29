// What-if comparison (see whatif_metrics.h): two breakdowns with every layer kept, matched row
// by row by name, turned into per-iteration changes and ranked by how much they changed.
#include "reports/whatif_metrics.h"

#include <algorithm>
#include <limits>

#include "reports/job_breakdown.h"
#include "reports/replay_report.h"
#include "simulator/iteration_metrics.h"

namespace dd {

TimeNs gpu_work_per_iteration(const Graph& graph, uint32_t process) {
  size_t count = graph.iterations.size();
  auto first = static_cast<int32_t>(first_steady_iteration(count));
  TimeNs total = 0;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (process != kNone && graph.resources[graph.resource[t]].process != process) continue;
    bool steady = count == 0 || graph.iteration[t] >= first;
    if (!graph.removed[t] && graph.kind[t] == TaskKind::kGpuOp && steady) {
      total += graph.duration[t];
    }
  }
  return count == 0 ? total : total / static_cast<TimeNs>(count - static_cast<size_t>(first));
}

namespace {
// Every layer kept: predictions are matched with the replay row by row.
BreakdownOptions every_layer() {
  BreakdownOptions options;
  options.top_layers = std::numeric_limits<size_t>::max();
  return options;
}
}  // namespace

WhatIfBaseline whatif_baseline(const Graph& graph, const Timeline& measured,
                               const Timeline& replayed) {
  // A job's changes are those of its slowest rank in the replay, before and after.
  size_t rank = slowest_rank(graph, replayed);
  return {&graph, compare_replay(graph, measured, replayed),
          run_breakdown(graph, replayed, rank, every_layer()), rank};
}

WhatIfResult compare_whatif(const Graph& graph, const Timeline& measured, const Timeline& replayed,
                            const Graph& transformed, const Timeline& predicted,
                            std::vector<AppliedModelSummary> applied) {
  return compare_whatif(whatif_baseline(graph, measured, replayed), transformed, predicted,
                        std::move(applied));
}

WhatIfResult compare_whatif(const WhatIfBaseline& baseline, const Graph& transformed,
                            const Timeline& predicted, std::vector<AppliedModelSummary> applied) {
  const Graph& graph = *baseline.graph;
  const ReplayResult& replay = baseline.replay;
  const Breakdown& before = baseline.before;
  Breakdown after = run_breakdown(transformed, predicted, baseline.rank, every_layer());
  WhatIfResult out;
  out.applied = std::move(applied);
  out.measured = replay.measured.steady_state;
  out.replayed = replay.simulated.steady_state;
  out.predicted = iteration_times(transformed, predicted).steady_state;
  out.trust = replay.trust;
  out.speedup = out.predicted > 0
                    ? static_cast<double>(out.replayed) / static_cast<double>(out.predicted)
                    : std::numeric_limits<double>::infinity();
  out.scope = before.scope;
  uint32_t process = graph.ranks.empty() ? kNone : graph.ranks[baseline.rank].process;
  out.gpu_work_replay = gpu_work_per_iteration(graph, process);
  out.gpu_work_predicted = gpu_work_per_iteration(transformed, process);
  out.total = total_change(before, after, "total");
  out.phases = match_rows(before, after, &Breakdown::phases);
  out.layers = layer_changes(match_rows(before, after, &Breakdown::layers), kTopChangedLayers);
  out.kernel_classes = match_rows(before, after, &Breakdown::kernel_classes);
  sort_by_change(out.kernel_classes, gpu_change_key);
  out.critical_path = critical_path_change(before, after);
  return out;
}

}  // namespace dd
