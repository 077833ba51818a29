// `daydream whatif --html`: a what-if prediction as one self-contained HTML page — the models
// applied, measured / replayed / predicted iteration time, the timelines of one steady-state
// iteration measured, replayed and predicted on one time scale, and replayed-vs-predicted
// bars per phase, layer and kernel class (the same numbers as the text report).
#pragma once

#include <ostream>
#include <string_view>

#include "graph/graph.h"
#include "reports/whatif_metrics.h"
#include "simulator/timeline.h"

namespace dd::html {

// The timelines a what-if compared: `measured` and `replayed` cover `graph`, `predicted`
// covers `transformed` (the graph with the models applied).
struct WhatIfTimelines {
  const Graph& graph;
  const Timeline& measured;
  const Timeline& replayed;
  const Graph& transformed;
  const Timeline& predicted;
};

void write_whatif_html(const WhatIfResult& result, const WhatIfTimelines& timelines,
                       std::string_view source, std::ostream& out);

// A typical iteration of each timeline, measured, replayed and predicted, on one time scale
// (also on the advise page, for its top suggestion).
class Document;
void add_whatif_timelines(Document& page, const WhatIfTimelines& timelines);

}  // namespace dd::html
