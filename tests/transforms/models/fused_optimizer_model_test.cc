// The `fused-optimizer` model: on a hand-built optimizer step (times worked out in the
// comments) 50 update kernels and their launches become N fused kernels that keep the step's
// dependencies; an already fused optimizer and a trace without one say so; on the bundled
// VGG13 trace (foreach Adam: 49 multi_tensor_apply kernels) the step fuses and the GPU-bound
// iteration gains only the removed fixed costs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
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

TaskId launch(dd::test::TinyGraph& t, Phase phase, TimeNs op, const char* name, KernelClass k) {
  TaskId l = t.cpu_task(TaskKind::kApiCall, 10 * kUs, phase, "");
  TaskId op_task = t.gpu_op(t.gpu, op, name, k, phase, "");
  t.graph.add_edge(l, op_task, EdgeKind::kLaunch);
  return op_task;
}

// A forward kernel of 4 us (the trace's shortest: the per-kernel floor), then an optimizer
// step of 50 update kernels of 20 us, every launch 10 us, and a sync (1 us) on the last one.
// Eager: f [10,14]; launch i ends at 10 + 10i, so update i runs [20i, 20i + 20] -> the last
// ends at 1020, the sync at 1021 us.
struct OptimizerStep {
  dd::test::TinyGraph t;
  TaskId forward = launch(t, Phase::kForward, 4 * kUs, "relu_kernel", KernelClass::kElementwise);
  std::vector<TaskId> updates;
  TaskId sync = dd::kNone;
  OptimizerStep() {
    for (int i = 0; i < 50; ++i) {
      updates.push_back(
          launch(t, Phase::kOptimizer, 20 * kUs, "adam_kernel", KernelClass::kOptimizer));
    }
    sync = t.cpu_task(TaskKind::kApiCall, kUs, Phase::kOptimizer, "");
    t.graph.add_edge(updates.back(), sync, EdgeKind::kHostWait);
  }
  std::vector<TaskId> fused() const {
    return dd::select_tasks(t.graph, *dd::parse_selector("name:fused_optimizer_step"));
  }
};

}  // namespace

TEST_CASE("fused-optimizer replaces 50 update kernels by one", "[transforms][fused-optimizer]") {
  // Fused: 50 * 20 - 49 * 4 = 804 us; its launch (10 us, the median) runs [10,20], the kernel
  // [20,824], the sync waits for it: [824,825].
  OptimizerStep step;
  REQUIRE(dd::test::simulated_iteration(step.t.graph) == 1021 * kUs);
  auto outcome = dd::test::apply_model(step.t.graph, "fused-optimizer");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("50 optimizer update kernels") != std::string::npos);
  REQUIRE(step.fused().size() == 1);
  CHECK(step.t.graph.duration[step.fused().front()] == 804 * kUs);
  CHECK(dd::select_tasks(step.t.graph, *dd::parse_selector("kind:api_call")).size() == 3);
  CHECK(step.t.graph.removed[step.updates.front()]);
  CHECK(dd::test::simulated_iteration(step.t.graph) == 825 * kUs);
}

TEST_CASE("fused-optimizer with kernels=2 splits the fused time", "[transforms][fused-optimizer]") {
  // Two kernels keep two fixed costs: 50 * 20 - 48 * 4 = 808 us, 404 us each, launched
  // [10,20] and [20,30]: [20,424] and [424,828]; the sync waits for the second -> 829 us.
  OptimizerStep step;
  REQUIRE(dd::test::apply_model(step.t.graph, "fused-optimizer:kernels=2")->applicable);
  REQUIRE(step.fused().size() == 2);
  CHECK(step.t.graph.duration[step.fused()[0]] == 404 * kUs);
  CHECK(step.t.graph.duration[step.fused()[1]] == 404 * kUs);
  CHECK(dd::test::simulated_iteration(step.t.graph) == 829 * kUs);
}

TEST_CASE("fused-optimizer says when there is nothing to fuse", "[transforms][fused-optimizer]") {
  dd::test::TinyGraph no_optimizer;
  launch(no_optimizer, Phase::kForward, 4 * kUs, "relu_kernel", KernelClass::kElementwise);
  auto none = dd::test::apply_model(no_optimizer.graph, "fused-optimizer");
  REQUIRE(none);
  CHECK_FALSE(none->applicable);
  CHECK(none->summary.find("no optimizer-phase update kernels") != std::string::npos);

  dd::test::TinyGraph named;
  for (int i = 0; i < 3; ++i) {
    launch(named, Phase::kOptimizer, 100 * kUs,
           "multi_tensor_apply_kernel<FusedOptimizerTensorListMetadata<4>, FusedAdamMathFunctor>",
           KernelClass::kOptimizer);
  }
  auto fused_by_name = dd::test::apply_model(named.graph, "fused-optimizer");
  REQUIRE(fused_by_name);
  CHECK_FALSE(fused_by_name->applicable);
  CHECK(fused_by_name->summary.find("already is fused") != std::string::npos);

  dd::test::TinyGraph few;
  for (int i = 0; i < 2; ++i)
    launch(few, Phase::kOptimizer, 100 * kUs, "adam_kernel", KernelClass::kOptimizer);
  auto at_most = dd::test::apply_model(few.graph, "fused-optimizer:kernels=2");
  REQUIRE(at_most);
  CHECK_FALSE(at_most->applicable);
  CHECK(at_most->summary.find("at most 2") != std::string::npos);

  auto bad = dd::test::apply_model(few.graph, "fused-optimizer:kernels=0.5");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("integer >= 1") != std::string::npos);
}

TEST_CASE("fused-optimizer fuses VGG13's foreach Adam and gains only fixed costs",
          "[transforms][fused-optimizer][golden]") {
  const dd::Graph& vgg = dd::test::bundled_graph("vgg13_h100_iter41.pt.trace.json.gz");
  auto updates = dd::select_tasks(vgg, *dd::parse_selector("phase:optimizer+class:optimizer"));
  REQUIRE(updates.size() == 49);  // 7 foreach kernels (lerp, mul, add, addcmul, ...) x 7 chunks
  TimeNs floor = INT64_MAX, before = 0;
  for (TaskId t = 0; t < vgg.task_count(); ++t) {
    KernelClass k = vgg.kernel_class[t];
    if (vgg.kind[t] == TaskKind::kGpuOp && k != KernelClass::kMemset && k != KernelClass::kCopy) {
      floor = std::min(floor, vgg.duration[t]);
    }
  }
  for (TaskId t : updates) before += vgg.duration[t];
  dd::Graph fused = vgg;
  auto outcome = dd::test::apply_model(fused, "fused-optimizer");
  REQUIRE(outcome);
  REQUIRE(outcome->applicable);
  auto after = dd::select_tasks(fused, *dd::parse_selector("phase:optimizer+class:optimizer"));
  REQUIRE(after.size() == 1);
  CHECK(fused.duration[after.front()] == before - 48 * floor);
  TimeNs replay = dd::test::simulated_iteration(vgg);
  TimeNs predicted = dd::test::simulated_iteration(fused);
  CHECK(predicted <= replay);
  CHECK(static_cast<double>(replay) / static_cast<double>(predicted) < 1.01);
}
