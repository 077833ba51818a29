// The `virtual-nodes` model: on the hand-built training loop of the ddp tests (times worked
// out in the comments) V virtual nodes on N GPUs repeat forward and backward ceil(V/N) times
// and all-reduce once after the last wave; bad parameters are usage errors; on VGG-13 the
// same global batch on fewer GPUs takes proportionally more waves.
#include <catch2/catch.hpp>
#include <string>

#include "transforms/model_test_support.h"
#include "transforms/training_loop.h"

using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// Layers A and B (forward 100 us, backward 200 us), optimizer 50 us: 651 us per iteration.
// Gradients 100 kB each (params=0.2 over the two backward GEMMs), one per bucket, on a 1 GB/s
// link without latency.
TimeNs predicted(const std::string& apply) {
  dd::test::TrainingLoop loop({{"A", 100 * kUs, 200 * kUs}, {"B", 100 * kUs, 200 * kUs}},
                              50 * kUs, 3);
  auto outcome = dd::test::apply_model(
      loop.t.graph, apply + ",params=0.2,bucket=0.05,topology=nvlink-link,bandwidth=1,latency=0");
  REQUIRE(outcome);
  INFO(outcome->summary);
  REQUIRE(outcome->applicable);
  return dd::test::simulated_iteration(loop.t.graph);
}

}  // namespace

TEST_CASE("virtual-nodes runs waves and all-reduces after the last", "[transforms][virtual-nodes]") {
  // One GPU, 2 virtual nodes: two waves of 600 us, no communication: 1 + 1200 + 50 = 1251 us.
  CHECK(predicted("virtual-nodes:gpus=1,virtual=2") == 1251 * kUs);
  // 2 GPUs, 4 nodes: two waves [1,601] [601,1201]; the second wave's backward B [801,1001]
  // and A [1001,1201] complete the buckets: all-reduces (100 us) [1001,1101] and [1201,1301];
  // optimizer [1301,1351].
  CHECK(predicted("virtual-nodes:gpus=2,virtual=4") == 1351 * kUs);
  // 4 GPUs, 4 nodes: one wave; all-reduce over 4: 2*3/4 * 100 us = 150 us, [401,551] and
  // [601,751]; optimizer [751,801].
  CHECK(predicted("virtual-nodes:gpus=4,virtual=4") == 801 * kUs);
  // 3 GPUs for 4 nodes still need 2 waves.
  dd::test::TrainingLoop loop({{"A", kUs, kUs}}, kUs, 2);
  auto idle = dd::test::apply_model(loop.t.graph, "virtual-nodes:gpus=3,virtual=4,params=1");
  REQUIRE(idle);
  CHECK(idle->summary.find("2 waves of forward and backward per global step (the last wave "
                           "leaves GPUs idle)") != std::string::npos);
}

TEST_CASE("virtual-nodes rejects bad parameters", "[transforms][virtual-nodes]") {
  for (const auto& [apply, message] :
       {std::pair{"virtual-nodes:gpus=0,virtual=4", "integer >= 1"},
        std::pair{"virtual-nodes:gpus=2,virtual=0", "integer >= 1"},
        std::pair{"virtual-nodes:gpus=2,virtual=2.5", "integer >= 1"}}) {
    dd::test::TrainingLoop loop({{"A", kUs, kUs}}, kUs, 1);
    auto bad = dd::test::apply_model(loop.t.graph, apply);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find(message) != std::string::npos);
  }
}

TEST_CASE("virtual-nodes on VGG-13: fewer GPUs, more waves", "[transforms][virtual-nodes][golden]") {
  // The trace's step is one node: 8 nodes on 8 GPUs is one wave plus an all-reduce, on 4 GPUs
  // two waves, on 1 GPU eight waves and no communication.
  const std::string trace = "vgg13_h100_iter41.pt.trace.json.gz";
  double eight = dd::test::predicted_speedup(trace, "virtual-nodes:gpus=8,virtual=8");
  double four = dd::test::predicted_speedup(trace, "virtual-nodes:gpus=4,virtual=8");
  double one = dd::test::predicted_speedup(trace, "virtual-nodes:gpus=1,virtual=8");
  CHECK(eight <= 1.0);
  CHECK(four == Approx(eight / 2).epsilon(0.05));
  CHECK(one == Approx(1.0 / 8).epsilon(0.05));
}
