// `daydream export --perfetto`: timelines of a run as Chrome/Perfetto trace-event JSON, one
// process track per timeline ("measured", "predicted: <models>", ...), one thread track per
// resource (CPU thread or GPU stream, named as in the graph), a slice per task carrying its
// layer, op, phase, iteration and kernel class, and a flow arrow per dependency edge (launch,
// host wait, cross-stream, ...), so a person can open it in ui.perfetto.dev and see side by
// side what an optimization changes. Streams through TraceEventWriter: memory does not grow
// with the number of tasks.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "collector/trace/progress.h"
#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

// One timeline to export as its own process track.
struct ExportedTimeline {
  std::string label;  // the process name, e.g. "measured" or "predicted: amp"
  const Graph* graph = nullptr;
  const Timeline* timeline = nullptr;  // covers `graph`
  // Adds the task's recorded duration as an argument (for simulated timelines, so a slice
  // says how long the same task took in the trace).
  bool show_recorded_duration = false;
};

struct ExportedTrackStats {
  std::string label;
  uint64_t slices = 0;
  uint64_t flows = 0;
};

struct PerfettoExportStats {
  std::vector<ExportedTrackStats> tracks;
  uint64_t bytes = 0;
  bool written = false;  // false: the stream failed
};

// Writes `timelines` as processes 1..N in that order, times relative to `origin`.
PerfettoExportStats write_perfetto_trace(std::span<const ExportedTimeline> timelines,
                                         TimeNs origin, std::ostream& out,
                                         Progress* progress = nullptr);

}  // namespace dd
