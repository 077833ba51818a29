// The range of recorded times. Importers keep only events whose times lie strictly within
// ±2^62 ns (±146 years) of the trace's time base, so that the distance between any two recorded
// times fits in int64 nanoseconds and the graph builder's durations and gaps cannot overflow.
// Epoch-based times of today (~1.8e18 ns) are well inside. Events outside are counted as
// malformed by the importer that dropped them.
#pragma once

#include "collector/trace/trace.h"

namespace dd {

inline constexpr TimeNs kTraceTimeLimit = TimeNs{1} << 62;

inline bool is_trace_time(TimeNs time) {
  return time > -kTraceTimeLimit && time < kTraceTimeLimit;
}

}  // namespace dd
