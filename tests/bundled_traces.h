// The bundled real traces (traces/*.json.gz) loaded and built into graphs once per test run,
// and the simulated steady-state iteration time of a graph: shared by the replay property
// tests and the what-if model tests.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>

#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"
#include "test_paths.h"

namespace dd::test {

// Simulated steady-state iteration time, replaying from the graph's origin.
inline TimeNs simulated_iteration(const Graph& graph) {
  Timeline timeline = simulate(graph, graph_origin(graph));
  CHECK(timeline.forced_starts == 0);
  return iteration_times(graph, timeline).steady_state;
}

struct LoadedTrace {
  std::unique_ptr<Trace> trace;
  std::unique_ptr<Graph> graph;
};

// The graph of a bundled trace (traces/NAME), built once; tests transform copies of it.
inline const Graph& bundled_graph(const std::string& name) {
  static std::map<std::string, LoadedTrace> cache;
  if (auto it = cache.find(name); it != cache.end()) return *it->second.graph;
  auto trace = load_trace({trace_path(name)});
  REQUIRE(trace);
  LoadedTrace entry;
  entry.trace = std::make_unique<Trace>(std::move(*trace));
  auto graph = build_graph(*entry.trace);
  REQUIRE(graph);
  entry.graph = std::make_unique<Graph>(std::move(*graph));
  return *cache.emplace(name, std::move(entry)).first->second.graph;
}

}  // namespace dd::test
