// The graph side of the HTML timeline chart: which window of a timeline to show — one
// representative steady-state iteration — and one lane per resource (CPU threads, then GPU
// streams) with a box per task in it, colored by phase; CPU work between CUDA calls is drawn
// paler than the calls themselves, so a thread blocked in a synchronize stands out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "reports/html/svg_charts.h"
#include "simulator/timeline.h"

namespace dd::html {

struct TimeWindow {
  TimeNs start = 0;
  TimeNs end = 0;
  int32_t iteration = -1;  // index into Graph::iterations; -1: the whole trace
  std::string name;        // "ProfilerStep#103", or "the whole trace"
};

// The window of iteration `iteration` of `timeline` (-1, or a graph without iterations: the
// whole trace), as iteration_times() measures it.
TimeWindow iteration_window(const Graph& graph, const Timeline& timeline, int32_t iteration);

// The steady-state iteration whose length is closest to the steady-state median (the earliest
// of equals): a typical iteration, not an outlier. The whole trace when there are no markers.
int32_t representative_iteration(const Graph& graph, const Timeline& timeline);

// The window of the representative iteration: a typical steady-state iteration of `timeline`.
TimeWindow typical_window(const Graph& graph, const Timeline& timeline);

// What a window is, for a chart's caption: "ProfilerStep#103, the steady-state iteration
// closest to the median", or "the whole trace (it has no iteration markers)".
std::string describe_window(const TimeWindow& window);

// One color per Phase, in enum order (the categories of resource_timeline's boxes).
std::vector<Series> phase_series();

TimelineChart resource_timeline(const Graph& graph, const Timeline& timeline,
                                const TimeWindow& window, std::string title);

}  // namespace dd::html
