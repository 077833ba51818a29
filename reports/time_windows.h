// Time spans and the analysed windows of a breakdown: interval unions, the time of a union
// inside the windows, and whether an instant falls in one. Shared by the breakdown's tables
// (breakdown_metrics.h), its GPU activity (gpu_activity.h) and its operator table
// (operator_table.h), which all count only what lies inside the windows.
#pragma once

#include <vector>

#include "collector/trace/trace.h"

namespace dd {

struct Span {
  TimeNs start = 0;
  TimeNs end = 0;
};

// Sorted, disjoint spans covering the same time as `spans`.
std::vector<Span> merge_spans(std::vector<Span> spans);

// Time of the merged spans that lies inside the windows (sorted by start, disjoint).
TimeNs covered_time(const std::vector<Span>& merged, const std::vector<Span>& windows);

// The parts of two merged span lists that overlap, merged.
std::vector<Span> intersect_spans(const std::vector<Span>& a, const std::vector<Span>& b);

// Whether `time` falls in one of the windows (sorted by start).
bool in_windows(const std::vector<Span>& windows, TimeNs time);

}  // namespace dd
