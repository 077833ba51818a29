// Collective matching and skew (see collective_metrics.h): per rank, its communication kernels
// grouped by name in recorded order; the k-th of a name is matched across every rank that ran
// at least k+1 of them.
#include "reports/collective_metrics.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

struct Run {
  TimeNs start = 0;
  TimeNs end = 0;
};

// Per rank: name -> its communication kernels of that name, in recorded order.
using RankKernels = std::map<StringId, std::vector<Run>>;

std::vector<RankKernels> kernels_per_rank(const Graph& graph) {
  std::vector<size_t> rank_of_process(graph.trace().processes.size(), SIZE_MAX);
  for (size_t r = 0; r < graph.ranks.size(); ++r) rank_of_process[graph.ranks[r].process] = r;
  std::vector<RankKernels> kernels(graph.ranks.size());
  std::vector<TaskId> tasks;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!graph.removed[t] && graph.kind[t] == TaskKind::kGpuOp &&
        graph.kernel_class[t] == KernelClass::kCommunication) {
      tasks.push_back(t);
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(), [&](TaskId a, TaskId b) {
    return graph.recorded_start[a] < graph.recorded_start[b];
  });
  for (TaskId t : tasks) {
    uint32_t process = graph.resources[graph.resource[t]].process;
    if (process == kNone || rank_of_process[process] == SIZE_MAX) continue;
    kernels[rank_of_process[process]][graph.name[t]].push_back(
        {graph.recorded_start[t], graph.recorded_end[t]});
  }
  return kernels;
}

CollectiveRow match(const Graph& graph, const std::vector<RankKernels>& kernels, StringId name,
                    size_t k) {
  CollectiveRow row;
  row.name = graph.str(name);
  row.occurrence = k;
  for (const RankKernels& rank : kernels) {
    const Run& run = rank.at(name)[k];
    row.start.push_back(run.start);
    row.end.push_back(run.end);
  }
  // The last arrival: the latest start, the lowest rank on a tie.
  TimeNs first = *std::min_element(row.start.begin(), row.start.end());
  row.last_rank = static_cast<size_t>(std::max_element(row.start.begin(), row.start.end()) -
                                      row.start.begin());
  row.skew = elapsed_saturated(first, row.start[row.last_rank]);
  auto [first_end, last_end] = std::minmax_element(row.end.begin(), row.end.end());
  row.end_spread = elapsed_saturated(*first_end, *last_end);
  return row;
}

TimeNs median_of(std::vector<TimeNs> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : std::midpoint(values[mid - 1], values[mid]);
}

void tally_ranks(CollectiveSummary& summary) {
  summary.per_rank.assign(summary.ranks.size(), {});
  std::vector<TimeNs> skews, spreads;
  for (const CollectiveRow& row : summary.collectives) {
    TimeNs last_start = row.start[row.last_rank];
    for (size_t r = 0; r < row.start.size(); ++r) {
      RankCollectives& rank = summary.per_rank[r];
      TimeNs duration = std::max<TimeNs>(0, elapsed_saturated(row.start[r], row.end[r]));
      rank.time = add_saturated(rank.time, duration);
      rank.waiting = add_saturated(
          rank.waiting, std::clamp<TimeNs>(elapsed_saturated(row.start[r], last_start), 0, duration));
    }
    ++summary.per_rank[row.last_rank].arrived_last;
    skews.push_back(row.skew);
    spreads.push_back(row.end_spread);
    summary.max_skew = std::max(summary.max_skew, row.skew);
  }
  summary.median_skew = median_of(std::move(skews));
  summary.median_end_spread = median_of(std::move(spreads));
}

}  // namespace

CollectiveSummary compute_collectives(const Graph& graph) {
  CollectiveSummary summary;
  if (graph.ranks.size() < 2) return summary;
  std::vector<RankKernels> kernels = kernels_per_rank(graph);
  // Names every rank ran, with the count all of them reached; the rest is unmatched.
  std::map<StringId, size_t> common;
  for (const auto& [name, runs] : kernels.front()) common[name] = runs.size();
  for (const RankKernels& rank : kernels) {
    for (auto it = common.begin(); it != common.end();) {
      auto found = rank.find(it->first);
      if (found == rank.end()) {
        it = common.erase(it);
      } else {
        it->second = std::min(it->second, found->second.size());
        ++it;
      }
    }
  }
  for (const RankKernels& rank : kernels) {
    for (const auto& [name, runs] : rank) {
      auto it = common.find(name);
      summary.unmatched += runs.size() - (it == common.end() ? 0 : it->second);
    }
  }
  for (const auto& [name, count] : common) {
    for (size_t k = 0; k < count; ++k) summary.collectives.push_back(match(graph, kernels, name, k));
  }
  std::stable_sort(summary.collectives.begin(), summary.collectives.end(),
                   [](const CollectiveRow& a, const CollectiveRow& b) { return a.start[0] < b.start[0]; });
  for (const RankIterations& rank : graph.ranks) summary.ranks.push_back(rank.label);
  tally_ranks(summary);
  return summary;
}

std::vector<const CollectiveRow*> most_skewed(const CollectiveSummary& summary, size_t count) {
  std::vector<const CollectiveRow*> rows;
  for (const CollectiveRow& row : summary.collectives) rows.push_back(&row);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const CollectiveRow* a, const CollectiveRow* b) { return a->skew > b->skew; });
  if (rows.size() > count) rows.resize(count);
  return rows;
}

}  // namespace dd
