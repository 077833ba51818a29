// Shared by the what-if model tests: applying a model by its --apply text, the simulated
// steady-state iteration time, and the bundled real traces loaded once per test run.
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
#include "transforms/whatif_model.h"

namespace dd::test {

// Parses `text` as --apply does and applies it to `graph`.
inline Result<ModelOutcome> apply_model(Graph& graph, const std::string& text) {
  auto applied = parse_apply(text);
  REQUIRE(applied);
  return applied->model->apply(graph, applied->arguments);
}

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
