// `daydream breakdown --html`: the breakdown as one self-contained HTML page — a summary with
// the replay check, the timeline of one typical steady-state iteration per resource, bars of
// the time per phase, layer, kernel class and critical-path resource, the operator and GPU
// idle tables, the launch queue over one iteration, and the top kernels as a table.
// Figures are per iteration, counted exactly as the text report counts them.
#pragma once

#include <ostream>
#include <string_view>

#include "graph/graph.h"
#include "reports/breakdown_metrics.h"
#include "simulator/timeline.h"

namespace dd::html {

// `breakdown` was computed on `timeline`, a timeline of `graph`; `source` names the trace(s).
void write_breakdown_html(const Breakdown& breakdown, const Graph& graph,
                          const Timeline& timeline, std::string_view source, std::ostream& out);

}  // namespace dd::html
