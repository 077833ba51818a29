// Shared by the what-if model tests: applying a model by its --apply text, a recorded device
// for hand-built graphs, and a model's predicted speedup on a bundled real trace.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "bundled_traces.h"
#include "tiny_graph.h"
#include "transforms/whatif_model.h"

namespace dd::test {

// Parses `text` as --apply does and applies it to `graph`.
inline Result<ModelOutcome> apply_model(Graph& graph, const std::string& text) {
  auto applied = parse_apply(text);
  REQUIRE(applied);
  return applied->model->apply(graph, applied->arguments);
}

// Gives a hand-built graph's trace one device, as a profiler would have recorded it (0: a
// property the trace does not record). Call it before adding named tasks: the graph numbers
// its own names after the trace's (see Graph::intern).
inline void record_device(TinyGraph& t, const char* name, int32_t sm_count = 0,
                          double bandwidth = 0) {
  DeviceRow row;
  row.name = t.trace.strings.intern(name);
  row.sm_count = sm_count;
  row.memory_bandwidth_bytes_per_s = bandwidth;
  t.trace.devices.append(row);
}

// Replayed / predicted steady-state iteration time of `apply` on the bundled trace `trace`.
inline double predicted_speedup(const std::string& trace, const std::string& apply) {
  const Graph& measured = bundled_graph(trace);
  Graph graph(measured);
  auto outcome = apply_model(graph, apply);
  REQUIRE(outcome);
  INFO(outcome->summary);
  CHECK(outcome->applicable);
  return static_cast<double>(simulated_iteration(measured)) /
         static_cast<double>(simulated_iteration(graph));
}

}  // namespace dd::test
