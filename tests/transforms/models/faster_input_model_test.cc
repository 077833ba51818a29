// The `faster-input` model: on a hand-built loop whose data loading runs inline before each
// step (times worked out in the comments) a speedup shortens it and DataLoader workers overlap
// it with compute, at most N batches ahead; bad parameters are usage errors; the bundled
// traces, which record no data loading, say so.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;
constexpr TimeNs kMs = 1000 * kUs;

// 4 iterations of: data (40 ms, phase data), launch (10 us) of a 50 ms kernel, framework work
// (1 ms), sync (0) on the kernel. Eager: data [0,40], kernel [40.01,90.01], sync at 90.01 ->
// 90.01 ms per iteration.
struct InputBoundLoop {
  dd::test::TinyGraph t;
  std::vector<TaskId> data;
  InputBoundLoop() {
    for (int32_t i = 0; i < 4; ++i) {
      std::vector<TaskId> tasks{t.cpu_task(TaskKind::kCpuWork, 40 * kMs, Phase::kData, "")};
      tasks.push_back(t.cpu_task(TaskKind::kApiCall, 10 * kUs, Phase::kForward, ""));
      tasks.push_back(t.cpu_task(TaskKind::kCpuWork, kMs, Phase::kForward, ""));
      tasks.push_back(t.cpu_task(TaskKind::kApiCall, 0, Phase::kForward, ""));
      tasks.push_back(
          t.gpu_op(t.gpu, 50 * kMs, "conv", KernelClass::kConvolution, Phase::kForward, ""));
      t.graph.add_edge(tasks[1], tasks[4], EdgeKind::kLaunch);
      t.graph.add_edge(tasks[4], tasks[3], EdgeKind::kHostWait);
      for (TaskId task : tasks) t.graph.iteration[task] = i;
      if (i > 0) t.graph.iterations.back().end_task = tasks[0];
      t.graph.iterations.push_back({i, dd::kEmptyString, tasks[0], dd::kNone});
      data.push_back(tasks[0]);
    }
  }
};

}  // namespace

TEST_CASE("faster-input speedup shortens inline data loading", "[transforms][faster-input]") {
  // Data 10 ms: 10 + 0.01 + 50 = 60.01 ms per iteration.
  InputBoundLoop loop;
  REQUIRE(dd::test::simulated_iteration(loop.t.graph) == 90 * kMs + 10 * kUs);
  auto outcome = dd::test::apply_model(loop.t.graph, "faster-input:speedup=4");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("4 data-loading CPU tasks made 4x faster") != std::string::npos);
  CHECK(loop.t.graph.duration[loop.data[0]] == 10 * kMs);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 60 * kMs + 10 * kUs);
}

TEST_CASE("faster-input workers overlap loading with compute, N batches in flight",
          "[transforms][faster-input]") {
  // workers=2, hand-off 1 ms (the median non-data CPU work). Batches 0 and 1 load on the two
  // workers from 0 to 40 ms; batch 2 may start only after batch 0's hand-off [40,41], so at
  // 41 ms. Training: hand-off 1 ms, launch 10 us, kernel 50 ms -> 51.01 ms per iteration.
  InputBoundLoop loop;
  size_t resources = loop.t.graph.resources.size();
  auto outcome = dd::test::apply_model(loop.t.graph, "faster-input:workers=2");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("2 DataLoader workers in 4 batches") != std::string::npos);
  REQUIRE(loop.t.graph.resources.size() == resources + 2);
  CHECK(loop.t.graph.duration[loop.data[0]] == kMs);
  dd::Timeline timeline = dd::simulate(loop.t.graph, 0);
  TaskId batch0 = loop.t.graph.resources[resources].first;
  TaskId batch2 = loop.t.graph.next_on_resource[batch0];
  CHECK(loop.t.graph.duration[batch0] == 40 * kMs);
  CHECK(timeline.start[batch0] == 0);
  CHECK(timeline.start[batch2] == 41 * kMs);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 51 * kMs + 10 * kUs);
}

TEST_CASE("faster-input rejects bad parameters", "[transforms][faster-input]") {
  InputBoundLoop loop;
  auto zero = dd::test::apply_model(loop.t.graph, "faster-input:speedup=0");
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message.find("must be > 0") != std::string::npos);
  auto fraction = dd::test::apply_model(loop.t.graph, "faster-input:workers=1.5");
  REQUIRE_FALSE(fraction);
  CHECK(fraction.error().message.find("integer >= 0") != std::string::npos);
}

TEST_CASE("faster-input says so on the bundled traces, which record no data loading",
          "[transforms][faster-input][golden]") {
  for (const char* name :
       {"matmul_v100_memory.pt.trace.json.gz", "resnet50_v100_rank0.pt.trace.json.gz",
        "vgg13_h100_iter41.pt.trace.json.gz"}) {
    dd::Graph graph = dd::test::bundled_graph(name);
    auto outcome = dd::test::apply_model(graph, "faster-input:speedup=2,workers=4");
    REQUIRE(outcome);
    CHECK_FALSE(outcome->applicable);
    CHECK(outcome->summary.find("no data-loading CPU work") != std::string::npos);
  }
}
