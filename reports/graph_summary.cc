// Graph summary renderings (see graph_summary.h).
#include "reports/graph_summary.h"

#include <array>

#include "reports/text_table.h"

namespace dd {

namespace {

constexpr size_t kEdgeKinds = 7;

std::array<uint64_t, kEdgeKinds> edges_by_kind(const Graph& graph) {
  std::array<uint64_t, kEdgeKinds> counts{};
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (!graph.edge_removed[e]) ++counts[static_cast<size_t>(graph.edge_kind[e])];
  }
  return counts;
}

uint64_t live_tasks(const Graph& graph) {
  uint64_t n = 0;
  for (uint8_t r : graph.removed) n += r == 0;
  return n;
}

}  // namespace

void print_graph_summary_text(const Graph& graph, std::ostream& out) {
  size_t threads = 0, streams = 0;
  for (const Resource& r : graph.resources) {
    (r.kind == ResourceKind::kCpuThread ? threads : streams)++;
  }
  out << "graph: " << format_count(live_tasks(graph)) << " tasks on " << threads
      << " CPU threads and " << streams << " GPU streams; edges:";
  auto counts = edges_by_kind(graph);
  for (size_t k = 0; k < kEdgeKinds; ++k) {
    if (counts[k] > 0) {
      out << " " << edge_kind_name(static_cast<EdgeKind>(k)) << " " << format_count(counts[k]);
    }
  }
  out << "\n";
  const SystemParameters& p = graph.parameters;
  out << "measured system parameters: launch latency " << format_fixed(static_cast<double>(p.launch_latency_ns) / 1e3, 2)
      << " us, GPU op gap " << format_fixed(static_cast<double>(p.gpu_op_gap_ns) / 1e3, 2)
      << " us, launch queue depth " << p.launch_queue_depth << "\n";
  if (!graph.diagnostics.empty()) {
    out << "graph diagnostics:";
    for (const auto& [name, counter] : graph.diagnostics.counters()) {
      out << " " << name << "=" << counter.count;
    }
    out << "\n";
  }
}

void write_graph_summary_json(const Graph& graph, JsonWriter& json) {
  json.begin_object();
  json.field("tasks", live_tasks(graph));
  json.key("edges").begin_object();
  auto counts = edges_by_kind(graph);
  for (size_t k = 0; k < kEdgeKinds; ++k) {
    json.field(edge_kind_name(static_cast<EdgeKind>(k)), counts[k]);
  }
  json.end_object();
  json.key("resources").begin_array();
  for (const Resource& r : graph.resources) {
    json.begin_object().field("kind", resource_kind_name(r.kind)).field("name", r.name).end_object();
  }
  json.end_array();
  json.key("parameters").begin_object();
  json.field("launch_latency_ns", graph.parameters.launch_latency_ns);
  json.field("gpu_op_gap_ns", graph.parameters.gpu_op_gap_ns);
  json.field("launch_queue_depth", static_cast<uint64_t>(graph.parameters.launch_queue_depth));
  json.end_object();
  json.key("diagnostics").begin_object();
  for (const auto& [name, counter] : graph.diagnostics.counters()) json.field(name, counter.count);
  json.end_object();
  json.end_object();
}

}  // namespace dd
