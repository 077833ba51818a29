// The `fuse-elementwise` model: on a hand-built GPU-bound graph (times worked out in the
// comments) a chain of four elementwise kernels between two GEMMs becomes one fused kernel
// launched once; a GEMM splits a chain, a lone elementwise kernel stays, max_chain cuts chains,
// and a graph with nothing to fuse says so. On the bundled GPU-bound ResNet-50 trace fusion
// speeds the iteration up; on the CPU-bound matmul trace only the removed launches count.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"
#include "transforms/primitives.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// A 5 us launch call and the forward kernel it launches, both of layer "block".
TaskId launch(dd::test::TinyGraph& t, TimeNs op, const char* name, KernelClass k) {
  TaskId call = t.cpu_task(TaskKind::kApiCall, 5 * kUs, Phase::kForward, "block");
  TaskId kernel = t.gpu_op(t.gpu, op, name, k, Phase::kForward, "block");
  t.graph.add_edge(call, kernel, EdgeKind::kLaunch);
  return kernel;
}

// A 2 us kernel (the trace's shortest: the per-kernel floor), then a 20 us GEMM, the kernels
// `pattern` names ('e': 10 us elementwise, 'g': 20 us GEMM), a last 20 us GEMM and a 1 us
// sync on it. Launches end at 5, 10, 15, ...: the floor kernel runs [5,7], the first GEMM
// [10,30], then the GPU stays busy.
struct Step {
  dd::test::TinyGraph t;
  std::vector<TaskId> elementwise;
  explicit Step(const std::string& pattern) {
    launch(t, 2 * kUs, "fill_kernel", KernelClass::kOther);
    launch(t, 20 * kUs, "sgemm", KernelClass::kGemm);
    for (char c : pattern) {
      if (c == 'e') {
        elementwise.push_back(launch(t, 10 * kUs, "elementwise_kernel", KernelClass::kElementwise));
      } else {
        launch(t, 20 * kUs, "sgemm", KernelClass::kGemm);
      }
    }
    TaskId last = launch(t, 20 * kUs, "sgemm", KernelClass::kGemm);
    TaskId sync = t.cpu_task(TaskKind::kApiCall, kUs, Phase::kForward, "block");
    t.graph.add_edge(last, sync, EdgeKind::kHostWait);
  }
  std::vector<TaskId> fused() const {
    return dd::select_tasks(t.graph, *dd::parse_selector("name:fused_elementwise_chain"));
  }
  size_t calls() const {
    return dd::select_tasks(t.graph, *dd::parse_selector("kind:api_call")).size();
  }
};

}  // namespace

TEST_CASE("fuse-elementwise fuses a chain of four elementwise kernels", "[transforms][fusion]") {
  // Eager: 4 x 10 us run [30,70] after the first GEMM, the last GEMM [70,90], the sync ends at
  // 91 us. Fused: (40 - 4 x 2) x 5/8 + 2 = 22 us (>= the longest op, 10 us), launched by one
  // 5 us call [10,15]; it runs [30,52], the GEMM [52,72], the sync ends at 73 us.
  Step step("eeee");
  REQUIRE(dd::test::simulated_iteration(step.t.graph) == 91 * kUs);
  REQUIRE(step.calls() == 8);
  auto outcome = dd::test::apply_model(step.t.graph, "fuse-elementwise");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  INFO(outcome->summary);
  CHECK(outcome->summary.find("4 elementwise kernels in 1 chains") != std::string::npos);
  CHECK(outcome->summary.find("3 launch calls removed") != std::string::npos);
  REQUIRE(step.fused().size() == 1);
  CHECK(step.t.graph.duration[step.fused().front()] == 22 * kUs);
  CHECK(step.t.graph.kernel_class[step.fused().front()] == KernelClass::kElementwise);
  CHECK(step.t.graph.removed[step.elementwise.front()]);
  CHECK(step.calls() == 5);
  CHECK(dd::test::simulated_iteration(step.t.graph) == 73 * kUs);
}

TEST_CASE("fuse-elementwise: a GEMM splits a chain, a lone kernel stays", "[transforms][fusion]") {
  // Two chains of two: (20 - 2 x 2) x 3/4 + 2 = 14 us each, the lone kernel keeps its 10 us.
  Step step("eegeege");
  auto outcome = dd::test::apply_model(step.t.graph, "fuse-elementwise");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  REQUIRE(step.fused().size() == 2);
  for (TaskId t : step.fused()) CHECK(step.t.graph.duration[t] == 14 * kUs);
  CHECK_FALSE(step.t.graph.removed[step.elementwise.back()]);
  CHECK(step.calls() == 11 - 2);
}

TEST_CASE("fuse-elementwise with max_chain=2 splits a chain of four", "[transforms][fusion]") {
  // Two fused kernels of 14 us launched [10,15] and [15,20]: [30,44], [44,58]; the last GEMM
  // [58,78], the sync ends at 79 us.
  Step step("eeee");
  REQUIRE(dd::test::apply_model(step.t.graph, "fuse-elementwise:max_chain=2")->applicable);
  REQUIRE(step.fused().size() == 2);
  for (TaskId t : step.fused()) CHECK(step.t.graph.duration[t] == 14 * kUs);
  CHECK(step.calls() == 6);
  CHECK(dd::test::simulated_iteration(step.t.graph) == 79 * kUs);

  auto bad = dd::test::apply_model(step.t.graph, "fuse-elementwise:max_chain=1");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("integer >= 2") != std::string::npos);
}

TEST_CASE("fuse-elementwise says when there is nothing to fuse", "[transforms][fusion]") {
  Step lone("ege");
  auto outcome = dd::test::apply_model(lone.t.graph, "fuse-elementwise");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary.find("no chain") != std::string::npos);
  CHECK(lone.fused().empty());
  CHECK(lone.calls() == 7);
}

TEST_CASE("fuse-elementwise speeds up GPU-bound ResNet-50", "[transforms][fusion][golden]") {
  double speedup =
      dd::test::predicted_speedup("resnet50_v100_rank0.pt.trace.json.gz", "fuse-elementwise");
  WARN("ResNet-50 fuse-elementwise speedup " << speedup);
  CHECK(speedup > 1.0);
}

TEST_CASE("fuse-elementwise on CPU-bound matmul gains only the removed launches",
          "[transforms][fusion][golden]") {
  // CPU-bound: the fused kernels' durations do not matter; making them twice as long predicts
  // the same iteration, so the whole change comes from the launch calls that went.
  const std::string trace = "matmul_v100_memory.pt.trace.json.gz";
  double speedup = dd::test::predicted_speedup(trace, "fuse-elementwise");
  WARN("matmul fuse-elementwise speedup " << speedup);
  CHECK(speedup >= 1.0);
  dd::Graph fused(dd::test::bundled_graph(trace));
  REQUIRE(dd::test::apply_model(fused, "fuse-elementwise")->applicable);
  dd::Graph slower(fused);
  auto kernels = dd::select_tasks(slower, *dd::parse_selector("name:fused_elementwise_chain"));
  dd::scale_durations(slower, kernels, 2.0);
  CHECK(dd::test::simulated_iteration(slower) == dd::test::simulated_iteration(fused));
}
