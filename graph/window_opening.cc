// Streams busy with unrecorded work when the trace began (see window_opening.h).
#include "graph/window_opening.h"

#include <algorithm>

#include "graph/system_parameters.h"

namespace dd {

namespace {

// Where a trace has no launch on an idle stream to compare with: a launch reaches an idle GPU
// within a millisecond. The median launch latencies measured on the corpus's traces (NVIDIA
// P100 to B200, AMD MI250 and MI300X; bench/corpus/RESULTS.md) lie between -1 and 21 µs, or
// below zero where HIP launch calls return after their kernel started, so 1 ms is fifty times
// the slowest of them.
constexpr TimeNs kSlowestPlausibleLaunchNs = 1'000'000;

}  // namespace

void mark_streams_busy_at_start(Graph& g, const BuildState& s, TimeNs origin) {
  std::vector<TimeNs> latencies = idle_stream_launch_latencies(g, s);
  TimeNs slowest_launch = latencies.empty()
                              ? kSlowestPlausibleLaunchNs
                              : *std::max_element(latencies.begin(), latencies.end());
  for (Resource& r : g.resources) {
    TaskId first = r.first;
    if (r.kind != ResourceKind::kGpuStream || first == kNone || s.launcher[first] == kNone) continue;
    // The op could start once launched and, if it waited for work on another stream, once the
    // device's last recorded op before it had ended.
    TimeNs ready = std::max(g.recorded_end[s.launcher[first]],
                            latest_end_by(s.device_ends.of(g, r), g.recorded_start[first]));
    if (g.recorded_start[first] - ready <= slowest_launch) continue;
    r.busy_at_start_ns = g.recorded_start[first] - origin;
    g.diagnostics.add("stream_busy_before_trace", Severity::kWarning);
  }
}

}  // namespace dd
