// The graph facts every graph-based report opens with: tasks, edges by kind, resources, the
// measured system parameters, and the builder's diagnostics.
#pragma once

#include <ostream>

#include "graph/graph.h"
#include "reports/json_writer.h"

namespace dd {

void print_graph_summary_text(const Graph& graph, std::ostream& out);
void write_graph_summary_json(const Graph& graph, JsonWriter& json);

}  // namespace dd
