// The `scale` model on tiny hand-built graphs: a GPU-bound chain gets as much faster as its
// kernels, a CPU-bound one barely moves, a selector that matches nothing says so, and bad
// parameters are usage errors. Iteration times are worked out by hand in the comments.
#include <catch2/catch.hpp>
#include <string>

#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "transforms/whatif_model.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

TimeNs iteration_time(const dd::Graph& graph) {
  return dd::iteration_times(graph, dd::simulate(graph, 0)).steady_state;
}

dd::Result<dd::ModelOutcome> apply(dd::Graph& graph, const std::string& text) {
  auto applied = dd::parse_apply(text);
  REQUIRE(applied);
  CHECK(applied->model->name() == "scale");
  return applied->model->apply(graph, applied->arguments);
}

// CPU: launch0 (1), launch1 (1), sync (1) waiting for k1.
// GPU: k0 gemm (100) launched by launch0, k1 gemm (100) launched by launch1.
// Replay: launch0 [0,1], launch1 [1,2], k0 [1,101], k1 [101,201], sync [201,202] -> 202.
struct GpuBoundChain {
  dd::test::TinyGraph t;
  TaskId launch0 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId launch1 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId sync = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId k0 = t.gpu_op(t.gpu, 100, "sgemm", KernelClass::kGemm, Phase::kForward, "fc1");
  TaskId k1 = t.gpu_op(t.gpu, 100, "sgemm", KernelClass::kGemm, Phase::kForward, "fc2");
  GpuBoundChain() {
    t.graph.add_edge(launch0, k0, EdgeKind::kLaunch);
    t.graph.add_edge(launch1, k1, EdgeKind::kLaunch);
    t.graph.add_edge(k1, sync, EdgeKind::kHostWait);
  }
};

}  // namespace

TEST_CASE("scale by 2 on the kernels of a GPU-bound chain halves its iteration",
          "[transforms][whatif]") {
  GpuBoundChain run;
  REQUIRE(iteration_time(run.t.graph) == 202);
  auto outcome = apply(run.t.graph, "scale:select=class:gemm,factor=2");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("2 tasks") != std::string::npos);
  CHECK(run.t.graph.duration[run.k0] == 50);
  CHECK(run.t.graph.duration[run.launch0] == 1);
  // k0 [1,51], k1 [51,101], sync [101,102].
  CHECK(iteration_time(run.t.graph) == 102);
}

TEST_CASE("scale selects by every selector term, e.g. one layer only", "[transforms][whatif]") {
  GpuBoundChain run;
  REQUIRE(apply(run.t.graph, "scale:select=layer:fc2+class:gemm,factor=4"));
  CHECK(run.t.graph.duration[run.k0] == 100);
  CHECK(run.t.graph.duration[run.k1] == 25);
  // k0 [1,101], k1 [101,126], sync [126,127].
  CHECK(iteration_time(run.t.graph) == 127);
}

TEST_CASE("scale on the kernels of a CPU-bound graph barely moves it", "[transforms][whatif]") {
  // CPU: work (1000), launch (10), sync (1) waiting for k; GPU: k gemm (20).
  // Replay: work [0,1000], launch [1000,1010], k [1010,1030], sync [1030,1031] -> 1031;
  // kernels 2x faster: k [1010,1020], sync [1020,1021] -> 1021, 1% faster.
  dd::test::TinyGraph t;
  t.add(t.cpu, 1000);
  TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId sync = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId k = t.gpu_op(t.gpu, 20, "sgemm", KernelClass::kGemm, Phase::kForward, "fc");
  t.graph.add_edge(launch, k, EdgeKind::kLaunch);
  t.graph.add_edge(k, sync, EdgeKind::kHostWait);
  REQUIRE(iteration_time(t.graph) == 1031);
  REQUIRE(apply(t.graph, "scale:select=kind:gpu_op,factor=2"));
  CHECK(iteration_time(t.graph) == 1021);
}

TEST_CASE("scale with a selector that matches nothing is not applicable and changes nothing",
          "[transforms][whatif]") {
  GpuBoundChain run;
  auto outcome = apply(run.t.graph, "scale:select=class:attention,factor=2");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary == "no task matches select=class:attention");
  CHECK(iteration_time(run.t.graph) == 202);
}

TEST_CASE("scale rejects bad parameters as usage errors", "[transforms][whatif]") {
  GpuBoundChain run;
  for (const char* text :
       {"scale:select=class:gemm,factor=0", "scale:select=class:gemm,factor=-1",
        "scale:select=class:gemm,factor=fast", "scale:select=colour:red,factor=2",
        // 1e24x slower: past any run, and past the int64 nanoseconds the simulator adds up
        "scale:select=class:gemm,factor=8e-25"}) {
    auto outcome = apply(run.t.graph, text);
    INFO(text);
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == dd::ErrorKind::kUsage);
  }
  CHECK(run.t.graph.duration[run.k0] == 100);
  auto missing = dd::parse_apply("scale:select=class:gemm");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("'factor' is required") != std::string::npos);
}
