// What-if comparison (see whatif_metrics.h): two breakdowns with every layer kept, matched row
// by row by name, turned into per-iteration changes and ranked by how much they changed.
#include "reports/whatif_metrics.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <unordered_map>

#include "reports/replay_report.h"

namespace dd {

namespace {

using Rows = std::vector<BreakdownRow> Breakdown::*;
using ChangeKey = TimeNs (*)(const ChangeRow&);

TimeNs gpu_change_key(const ChangeRow& row) {
  return std::abs(row.gpu_change());
}
TimeNs total_change_key(const ChangeRow& row) {
  return std::abs(row.gpu_change()) + std::abs(row.cpu_change());
}

// A breakdown's total over its analysed windows, per window.
TimeNs per_iteration(const Breakdown& b, TimeNs total) {
  return total / static_cast<TimeNs>(std::max<size_t>(b.windows, 1));
}

// Where one breakdown's times go in a ChangeRow.
struct Side {
  const Breakdown& breakdown;
  TimeNs ChangeRow::*gpu;
  TimeNs ChangeRow::*cpu;
};

class RowMatcher {
 public:
  void add(const Side& side, const std::vector<BreakdownRow>& rows) {
    for (const BreakdownRow& row : rows) {
      auto [it, inserted] = index_.try_emplace(row.name, rows_.size());
      if (inserted) rows_.push_back({.name = row.name});
      ChangeRow& change = rows_[it->second];
      change.*side.gpu += per_iteration(side.breakdown, row.gpu_time);
      change.*side.cpu += per_iteration(side.breakdown, row.cpu_time);
    }
  }
  std::vector<ChangeRow> take() { return std::move(rows_); }

 private:
  std::vector<ChangeRow> rows_;  // in first-seen order
  std::unordered_map<std::string, size_t> index_;
};

// The rows `rows` of both breakdowns, matched by name (replay order, then new rows).
std::vector<ChangeRow> match_rows(const Breakdown& replay, const Breakdown& predicted, Rows rows) {
  RowMatcher matcher;
  matcher.add({replay, &ChangeRow::gpu_replay, &ChangeRow::cpu_replay}, replay.*rows);
  matcher.add({predicted, &ChangeRow::gpu_predicted, &ChangeRow::cpu_predicted}, predicted.*rows);
  return matcher.take();
}

TimeNs replay_time(const ChangeRow& row) {
  return row.gpu_replay + row.cpu_replay;
}

// Largest change first, then most time in the replay; the name breaks the remaining ties so
// that the order is deterministic.
void sort_by_change(std::vector<ChangeRow>& rows, ChangeKey key) {
  std::sort(rows.begin(), rows.end(), [key](const ChangeRow& a, const ChangeRow& b) {
    if (key(a) != key(b)) return key(a) > key(b);
    if (replay_time(a) != replay_time(b)) return replay_time(a) > replay_time(b);
    return a.name < b.name;
  });
}

// The top kTopChangedLayers by change, the rest in one row, then the unattributed row.
std::vector<ChangeRow> layer_changes(std::vector<ChangeRow> all) {
  auto unattributed = std::find_if(all.begin(), all.end(),
                                   [](const ChangeRow& row) { return row.name == kUnattributed; });
  std::vector<ChangeRow> tail;
  if (unattributed != all.end()) {
    tail.push_back(std::move(*unattributed));
    all.erase(unattributed);
  }
  sort_by_change(all, total_change_key);
  if (all.size() > kTopChangedLayers) {
    ChangeRow rest{.name = "(" + std::to_string(all.size() - kTopChangedLayers) + " more layers)"};
    for (size_t i = kTopChangedLayers; i < all.size(); ++i) {
      rest.gpu_replay += all[i].gpu_replay;
      rest.gpu_predicted += all[i].gpu_predicted;
      rest.cpu_replay += all[i].cpu_replay;
      rest.cpu_predicted += all[i].cpu_predicted;
    }
    all.resize(kTopChangedLayers);
    all.push_back(std::move(rest));
  }
  all.insert(all.end(), tail.begin(), tail.end());
  return all;
}

CriticalPathChange critical_path_change(const Breakdown& replay, const Breakdown& predicted) {
  return {per_iteration(replay, replay.critical_path.length),
          per_iteration(predicted, predicted.critical_path.length), replay.verdict,
          predicted.verdict};
}

}  // namespace

WhatIfResult compare_whatif(const Graph& graph, const Timeline& measured, const Timeline& replayed,
                            const Graph& transformed, const Timeline& predicted,
                            std::vector<AppliedModelSummary> applied) {
  constexpr size_t kAllLayers = std::numeric_limits<size_t>::max();
  ReplayResult replay = compare_replay(graph, measured, replayed);
  Breakdown before = compute_breakdown(graph, replayed, kAllLayers);
  Breakdown after = compute_breakdown(transformed, predicted, kAllLayers);
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
  out.total = {"total", per_iteration(before, before.gpu_time),
               per_iteration(after, after.gpu_time), per_iteration(before, before.cpu_time),
               per_iteration(after, after.cpu_time)};
  out.phases = match_rows(before, after, &Breakdown::phases);
  out.layers = layer_changes(match_rows(before, after, &Breakdown::layers));
  out.kernel_classes = match_rows(before, after, &Breakdown::kernel_classes);
  sort_by_change(out.kernel_classes, gpu_change_key);
  out.critical_path = critical_path_change(before, after);
  return out;
}

}  // namespace dd
