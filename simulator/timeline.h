// Timeline: start and end of every task, simulated or measured, plus the bookkeeping of how
// the simulation went (tasks that had to be forced past a dependency cycle).
#pragma once

#include <cstdint>
#include <vector>

#include "collector/trace/trace.h"

namespace dd {

class Graph;

inline constexpr TimeNs kNotRun = INT64_MIN;

struct Timeline {
  std::vector<TimeNs> start, end;  // indexed by TaskId; kNotRun for removed tasks
  uint64_t forced_starts = 0;      // tasks started despite unmet dependencies (cycles)
};

// The run as recorded: each task at its recorded start and end.
Timeline measured_timeline(const Graph& graph);

}  // namespace dd
