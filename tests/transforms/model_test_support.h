// Shared by the what-if model tests: applying a model by its --apply text, a recorded device
// for hand-built graphs, a device table row, the "twice is once" check of a composing model,
// and a model's predicted speedup on a bundled real trace.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "bundled_traces.h"
#include "tiny_graph.h"
#include "transforms/cost/device_model.h"
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

// The device table's row for `name` (a test of it must find one).
inline DeviceSpec device_spec(const char* name) {
  auto spec = find_device(name);
  REQUIRE(spec);
  return *spec;
}

// `apply` on a fresh Fixture (a struct with a TinyGraph `t`) once, and on another twice: the
// second time it must not apply, saying `why`, and both end with the same durations.
template <typename Fixture>
void check_twice_is_once(const std::string& apply, const std::string& why) {
  Fixture once;
  REQUIRE(apply_model(once.t.graph, apply));
  Fixture twice;
  REQUIRE(apply_model(twice.t.graph, apply));
  auto second = apply_model(twice.t.graph, apply);
  REQUIRE(second);
  CHECK_FALSE(second->applicable);
  CHECK(second->summary.find(why) != std::string::npos);
  CHECK(twice.t.graph.duration == once.t.graph.duration);
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
