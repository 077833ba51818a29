// Properties of the simulator on the bundled real traces (issue: the replay accuracy bar).
//  - Replaying the unmodified graph reproduces the measured steady-state iteration time
//    within ±2%.
//  - Making tasks shorter never makes the iteration longer.
//  - Halving every GPU op shortens a GPU-bound iteration by close to half and leaves a
//    CPU-bound one nearly unchanged.
//  - The same input gives the same timeline, bit for bit.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "bundled_traces.h"
#include "collector/trace_loader.h"
#include "graph/graph_builder.h"
#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"
#include "test_paths.h"

namespace {

dd::TimeNs measured_iteration(const dd::Graph& graph) {
  return dd::iteration_times(graph, dd::measured_timeline(graph)).steady_state;
}

double ratio(dd::TimeNs a, dd::TimeNs b) { return static_cast<double>(a) / static_cast<double>(b); }

dd::Graph with_gpu_ops_scaled(const dd::Graph& graph, double factor) {
  dd::Graph scaled = graph;
  for (dd::TaskId t = 0; t < scaled.task_count(); ++t) {
    if (scaled.kind[t] == dd::TaskKind::kGpuOp) {
      scaled.duration[t] = static_cast<dd::TimeNs>(std::llround(static_cast<double>(scaled.duration[t]) * factor));
    }
  }
  return scaled;
}

}  // namespace

TEST_CASE("Replay reproduces the measured steady-state iteration within 2%",
          "[simulator][replay][golden]") {
  auto name = GENERATE(as<std::string>{}, "resnet50_v100_rank0.pt.trace.json.gz",
                       "vgg13_h100_iter41.pt.trace.json.gz", "matmul_v100_memory.pt.trace.json.gz");
  const dd::Graph& graph = dd::test::bundled_graph(name);
  dd::TimeNs measured = measured_iteration(graph);
  dd::TimeNs simulated = dd::test::simulated_iteration(graph);
  INFO(name << ": measured " << measured << " ns, simulated " << simulated << " ns");
  REQUIRE(measured > 0);
  CHECK(std::abs(ratio(simulated, measured) - 1.0) <= 0.02);
}

TEST_CASE("Measured iteration times are the ProfilerStep spans", "[simulator][replay][golden]") {
  // From the raw JSON text (exact decimals): ProfilerStep#101 ts 1712195495502094.565,
  // #102 ts 1712195495537248.299; the last iteration is #105's own dur 95699.037 us.
  const dd::Graph& graph = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
  dd::IterationTimes times = dd::iteration_times(graph, dd::measured_timeline(graph));
  REQUIRE(times.per_iteration.size() == 5);
  CHECK(times.per_iteration[0] == 35'153'734);
  CHECK(times.per_iteration[4] == 95'699'037);
}

TEST_CASE("Shortening tasks never lengthens the iteration", "[simulator][properties]") {
  const dd::Graph& graph = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
  dd::TimeNs base = dd::test::simulated_iteration(graph);
  std::mt19937_64 random(20261122);
  for (int trial = 0; trial < 4; ++trial) {
    dd::Graph shorter = graph;
    std::uniform_int_distribution<dd::TaskId> pick(0, static_cast<dd::TaskId>(graph.task_count() - 1));
    for (int i = 0; i < 2000; ++i) {
      dd::TaskId t = pick(random);
      shorter.duration[t] = shorter.duration[t] * (trial + 1) / (trial + 2);
    }
    CHECK(dd::test::simulated_iteration(shorter) <= base);
  }
}

TEST_CASE("Halving GPU work helps a GPU-bound trace and not a CPU-bound one",
          "[simulator][properties]") {
  SECTION("ResNet-50 on V100 is GPU-bound: the iteration shrinks towards half") {
    const dd::Graph& graph = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
    double r = ratio(dd::test::simulated_iteration(with_gpu_ops_scaled(graph, 0.5)), dd::test::simulated_iteration(graph));
    INFO("iteration ratio after halving GPU ops: " << r);
    CHECK(r < 0.55);  // GPU busy ~100%: about half, plus the unchanged launch gaps
    CHECK(r >= 0.5);
  }
  SECTION("The matmul DDP trace is CPU-bound (GPU busy ~37%): nearly unchanged") {
    const dd::Graph& graph = dd::test::bundled_graph("matmul_v100_memory.pt.trace.json.gz");
    double r = ratio(dd::test::simulated_iteration(with_gpu_ops_scaled(graph, 0.5)), dd::test::simulated_iteration(graph));
    INFO("iteration ratio after halving GPU ops: " << r);
    CHECK(r > 0.97);
    CHECK(r <= 1.0);
  }
}

TEST_CASE("The same input gives the same timeline bit for bit", "[simulator][properties]") {
  auto trace = dd::load_trace({dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz")});
  REQUIRE(trace);
  auto first = dd::build_graph(*trace);
  auto second = dd::build_graph(*trace);
  REQUIRE(first);
  REQUIRE(second);
  dd::Timeline a = dd::simulate(*first, dd::graph_origin(*first));
  dd::Timeline b = dd::simulate(*second, dd::graph_origin(*second));
  CHECK(a.start == b.start);
  CHECK(a.end == b.end);
  CHECK(first->edge_from == second->edge_from);
}
