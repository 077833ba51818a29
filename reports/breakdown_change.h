// Two Breakdowns (breakdown_metrics.h) of the same run compared group by group — what a
// what-if changes (replay vs prediction) and what a diff finds (base trace vs new trace).
// Rows are matched by name and turned into per-iteration times on each side; "replay" is the
// side before the change (a what-if's replay, a diff's base), "predicted" the side after it
// (a what-if's prediction, a diff's new trace).
#pragma once

#include <string>
#include <vector>

#include "reports/breakdown_metrics.h"

namespace dd {

// GPU time (GPU ops) and CPU time (API calls and CPU work) of one group, per iteration,
// before and after the change.
struct ChangeRow {
  std::string name;
  TimeNs gpu_replay = 0;
  TimeNs gpu_predicted = 0;
  TimeNs cpu_replay = 0;
  TimeNs cpu_predicted = 0;

  TimeNs gpu_change() const { return gpu_predicted - gpu_replay; }
  TimeNs cpu_change() const { return cpu_predicted - cpu_replay; }
};

// The critical path per iteration and the CPU/GPU-bound verdict, before and after.
struct CriticalPathChange {
  TimeNs replay = 0;
  TimeNs predicted = 0;
  Verdict replay_verdict = Verdict::kMixed;
  Verdict predicted_verdict = Verdict::kMixed;
};

using BreakdownRows = std::vector<BreakdownRow> Breakdown::*;
using ChangeKey = TimeNs (*)(const ChangeRow&);

TimeNs gpu_change_key(const ChangeRow& row);    // |GPU change|
TimeNs total_change_key(const ChangeRow& row);  // |GPU change| + |CPU change|

// A breakdown's total over its analysed windows, per window.
TimeNs per_iteration(const Breakdown& b, TimeNs total);

// The total GPU and CPU time of both breakdowns as one row named `name`.
ChangeRow total_change(const Breakdown& before, const Breakdown& after, std::string name);

CriticalPathChange critical_path_change(const Breakdown& before, const Breakdown& after);

// The rows `rows` of both breakdowns, matched by name (`before`'s order, then new rows).
std::vector<ChangeRow> match_rows(const Breakdown& before, const Breakdown& after,
                                  BreakdownRows rows);

// Largest change first, then most time before the change, then by name (deterministic).
void sort_by_change(std::vector<ChangeRow>& rows, ChangeKey key);

// The top `keep` layers by GPU + CPU change, the rest in one row, then the rows of work in no
// layer (kNoLayerRows order).
std::vector<ChangeRow> layer_changes(std::vector<ChangeRow> all, size_t keep);

}  // namespace dd
