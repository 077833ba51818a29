// The `priority-comm` model: on a hand-built loop where the first layer's gradient becomes
// ready while the second layer's is still being sent (times worked out in the comments),
// sending it first lets the next forward start 300 us earlier than first-come first-served;
// it needs layer attribution, and on the bundled VGG-13 trace (one iteration, nothing to
// overlap with the next) it can only add time.
#include <catch2/catch.hpp>
#include <string>

#include "transforms/model_test_support.h"
#include "transforms/training_loop.h"

using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// Layers A (forward 100 us, backward 50 us) and B (forward 100 us, backward 200 us),
// optimizer 50 us, 3 iterations. params=0.5 spreads 500 kB by backward time: B 400 kB, A
// 100 kB; chunks of 0.1 MB over 2 GPUs at 1 GB/s without latency take 100 us each: B is 4
// chunks, A one.
struct Run {
  dd::test::TrainingLoop loop{{{"A", 100 * kUs, 50 * kUs}, {"B", 100 * kUs, 200 * kUs}},
                              50 * kUs, 3};
  dd::Timeline timeline;
  explicit Run(const std::string& policy) {
    auto outcome = dd::test::apply_model(
        loop.t.graph, "priority-comm:gpus=2,chunk=0.1,params=0.5,topology=nvlink-link,"
                      "bandwidth=1,latency=0,policy=" + policy);
    REQUIRE(outcome);
    INFO(outcome->summary);
    REQUIRE(outcome->applicable);
    CHECK(outcome->summary.find("5 chunks of at most 0.1 MB per iteration") != std::string::npos);
    timeline = dd::simulate(loop.t.graph, 0);
  }
  TimeNs start(dd::TaskId t) const { return timeline.start[t]; }
};

}  // namespace

TEST_CASE("priority-comm sends the first layer's gradient first", "[transforms][priority-comm]") {
  // Iteration 0: forward [1,201], backward B [201,401], backward A [401,451], optimizer
  // [451,501] (it waits for no gradient: each layer's next forward does). B's chunks are ready
  // at 401, A's at 451.
  // fifo: B1..B4 [401,801], A1 [801,901]: iteration 1's forward A waits until 901, forward B
  // (B4 done at 801) runs after it, [1001,1101].
  // priority: B1 [401,501], then A1 (layer A comes first in the forward pass) [501,601], B2-B4
  // [601,901]: forward A at 601, forward B waits for B4: [901,1001].
  Run fifo("fifo");
  Run priority("priority");
  const auto& next = fifo.loop.iterations[1];
  CHECK(fifo.start(fifo.loop.iterations[0].optimizer) == 451 * kUs);
  CHECK(fifo.start(next.forward[0]) == 901 * kUs);
  CHECK(fifo.start(next.forward[1]) == 1001 * kUs);
  CHECK(priority.start(priority.loop.iterations[1].forward[0]) == 601 * kUs);
  CHECK(priority.start(priority.loop.iterations[1].forward[1]) == 901 * kUs);
  CHECK(dd::test::simulated_iteration(priority.loop.t.graph) <
        dd::test::simulated_iteration(fifo.loop.t.graph));
}

TEST_CASE("priority-comm needs layers and valid parameters", "[transforms][priority-comm]") {
  dd::test::TrainingLoop no_layers{{{"", kUs, kUs}}, kUs, 1};
  auto outcome = dd::test::apply_model(no_layers.t.graph, "priority-comm:gpus=8,params=102");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary.find("no layer attribution") != std::string::npos);

  dd::test::TrainingLoop loop{{{"A", kUs, kUs}}, kUs, 1};
  auto bad = dd::test::apply_model(loop.t.graph, "priority-comm:gpus=2,policy=random");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("priority or fifo") != std::string::npos);
  auto chunk = dd::test::apply_model(loop.t.graph, "priority-comm:gpus=2,chunk=0");
  REQUIRE_FALSE(chunk);
  CHECK(chunk.error().message.find("must be > 0") != std::string::npos);
}

TEST_CASE("priority-comm on VGG-13: communication can only cost", "[transforms][priority-comm][golden]") {
  // One iteration: no next forward to start early, so every chunk makes the optimizer wait;
  // the model can only add time, and none with one GPU.
  const std::string trace = "vgg13_h100_iter41.pt.trace.json.gz";
  CHECK(dd::test::predicted_speedup(trace, "priority-comm:gpus=1") == Approx(1.0).epsilon(1e-9));
  CHECK(dd::test::predicted_speedup(trace, "priority-comm:gpus=64") <= 1.0);
}
