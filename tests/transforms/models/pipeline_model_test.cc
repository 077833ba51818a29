// The `pipeline` model and its schedules: the orders and activations in flight of GPipe, 1F1B
// and the interleaved schedule; PipeDream's partitioner on hand-made costs; on hand-built
// loops (times worked out in the comments) GPipe's bubble of (K-1)/(M+K-1) and the cost of
// sending activations; errors; and on VGG-13, one stage reproduces the trace and more
// micro-batches never slow a pipeline down.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "transforms/model_test_support.h"
#include "transforms/models/pipeline_schedule.h"
#include "transforms/training_loop.h"

using dd::PipelineSchedule;
using dd::PipelineStep;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

std::string steps_text(const std::vector<PipelineStep>& order) {
  std::string text;
  for (const PipelineStep& s : order) {
    text += (s.forward ? "F" : "B") + std::to_string(s.microbatch);
    if (s.chunk > 9) text += "?";
    text += "c" + std::to_string(s.chunk) + " ";
  }
  return text;
}

}  // namespace

TEST_CASE("pipeline schedules order each device's work", "[transforms][pipeline]") {
  auto gpipe = dd::pipeline_order(PipelineSchedule::kGpipe, 2, 3, 1);
  CHECK(steps_text(gpipe[1]) == "F0c1 F1c1 F2c1 B0c1 B1c1 B2c1 ");
  // 1F1B over 4 devices, 6 micro-batches: device 0 warms up with 3 forwards, device 3 none.
  auto one = dd::pipeline_order(PipelineSchedule::kOneFOneB, 4, 6, 1);
  CHECK(steps_text(one[0]) == "F0c0 F1c0 F2c0 F3c0 B0c0 F4c0 B1c0 F5c0 B2c0 B3c0 B4c0 B5c0 ");
  CHECK(steps_text(one[3]) == "F0c3 B0c3 F1c3 B1c3 F2c3 B2c3 F3c3 B3c3 F4c3 B4c3 F5c3 B5c3 ");
  // Activations held at once: GPipe M, 1F1B min(K - s, M).
  CHECK(dd::activations_in_flight(gpipe[0], 0) == 3);
  for (uint32_t s = 0; s < 4; ++s) CHECK(dd::activations_in_flight(one[s], s) == 4 - s);
  CHECK(dd::activations_in_flight(dd::pipeline_order(PipelineSchedule::kOneFOneB, 4, 2, 1)[0], 0) == 2);
  // Interleaved, 2 devices x 2 chunks, 2 micro-batches: device 0 holds chunks 0 and 2 and warms
  // up with (2-0-1)*2 + (2-1)*2 = 4 forwards (all of them).
  auto interleaved = dd::pipeline_order(PipelineSchedule::kInterleaved, 2, 2, 2);
  CHECK(steps_text(interleaved[0]) == "F0c0 F1c0 F0c2 F1c2 B0c2 B1c2 B0c0 B1c0 ");
  CHECK(steps_text(interleaved[1]) == "F0c1 F1c1 F0c3 B0c3 F1c3 B1c3 B0c1 B1c1 ");
}

TEST_CASE("PipeDream's partitioner balances the slowest stage", "[transforms][pipeline]") {
  dd::PartitionInput input;
  input.compute = {4, 1, 1, 1, 1, 4};
  input.boundary = {0, 0, 0, 0, 0, 0};
  auto firsts = dd::partition_layers(input, 3);
  REQUIRE(firsts);
  CHECK(*firsts == std::vector<size_t>{0, 1, 5});  // 4 | 1 1 1 1 | 4
  // Cutting after layer 1 costs 10 (a large activation): the best cuts are elsewhere anyway.
  input.boundary = {0, 10, 0, 0, 0, 0};
  CHECK(*dd::partition_layers(input, 3) == std::vector<size_t>{0, 1, 5});
  // Cutting after layer 0 costs 10: the best keeps it whole with layer 1, slowest stage 5
  // (4 1 | 1 1 | 1 4 is the first such the program finds).
  input.boundary = {10, 0, 0, 0, 0, 0};
  CHECK(*dd::partition_layers(input, 3) == std::vector<size_t>{0, 2, 4});
  // A memory limit of 3 layers per stage: the 4-layer middle stage no longer fits.
  input.boundary = {0, 0, 0, 0, 0, 0};
  input.memory = [](size_t first, size_t last, size_t) { return last - first + 1; };
  input.memory_limit = 3;
  auto limited = dd::partition_layers(input, 3);
  REQUIRE(limited);
  CHECK(limited->size() == 3);
  CHECK((*limited)[1] >= 1);
  CHECK((*limited)[2] - (*limited)[1] <= 3);
  input.memory_limit = 1;
  CHECK_FALSE(dd::partition_layers(input, 3));
  CHECK_FALSE(dd::partition_layers(input, 7));  // more stages than layers
}

TEST_CASE("GPipe over balanced stages idles (K-1)/(M+K-1)", "[transforms][pipeline]") {
  // 4 layers, forward 100 us and backward 200 us each, optimizer 50 us: 1 + 1200 + 50 = 1251 us.
  // 4 stages of one layer, 4 micro-batches of 25 + 50 us, no transfers: (M+K-1)(f+b) = 7 * 75
  // = 525 us of pipeline after the 1 us launch; the optimizer shrinks to one stage's quarter,
  // 12.5 us: 1 + 525 + 12.5 = 538.5 us. Stage 0 works 4 * 75 = 300 of the 525 us: idle 3/7.
  dd::test::TrainingLoop loop({{"A", 100 * kUs, 200 * kUs}, {"B", 100 * kUs, 200 * kUs},
                               {"C", 100 * kUs, 200 * kUs}, {"D", 100 * kUs, 200 * kUs}},
                              50 * kUs, 3);
  REQUIRE(dd::test::simulated_iteration(loop.t.graph) == 1251 * kUs);
  auto outcome = dd::test::apply_model(
      loop.t.graph, "pipeline:stages=4,microbatches=4,schedule=gpipe,activation=0,topology=nvlink");
  REQUIRE(outcome);
  INFO(outcome->summary);
  REQUIRE(outcome->applicable);
  CHECK(outcome->summary.find("partition auto: A 300.000 us | B 300.000 us | C 300.000 us | D "
                              "300.000 us") != std::string::npos);
  CHECK(outcome->summary.find("bubble of balanced stages without transfers 42.9%") !=
        std::string::npos);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 538'500);
  dd::test::TrainingLoop one_f_one_b({{"A", 100 * kUs, 200 * kUs}, {"B", 100 * kUs, 200 * kUs},
                                      {"C", 100 * kUs, 200 * kUs}, {"D", 100 * kUs, 200 * kUs}},
                                     50 * kUs, 3);
  REQUIRE(dd::test::apply_model(one_f_one_b.t.graph,
                                "pipeline:stages=4,microbatches=4,activation=0,topology=nvlink"));
  CHECK(dd::test::simulated_iteration(one_f_one_b.t.graph) == 538'500);
}

TEST_CASE("pipeline stages send activations and their gradients", "[transforms][pipeline]") {
  // Layers A and B (forward 100 us, backward 200 us), 2 stages, 1 micro-batch, 0.1 MB of
  // activations at 1 GB/s: 100 us each way. F(A) [1,101], send [101,201], F(B) [201,301],
  // B(B) [301,501], send back [501,601], B(A) [601,801]; optimizer 50 us x 1/2 [801,826].
  dd::test::TrainingLoop loop({{"A", 100 * kUs, 200 * kUs}, {"B", 100 * kUs, 200 * kUs}},
                              50 * kUs, 3);
  auto outcome = dd::test::apply_model(
      loop.t.graph, "pipeline:stages=2,microbatches=1,activation=0.1,topology=nvlink-link,"
                    "bandwidth=1,latency=0");
  REQUIRE(outcome);
  REQUIRE(outcome->applicable);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 826 * kUs);
}

TEST_CASE("pipeline rejects what it cannot model", "[transforms][pipeline]") {
  dd::test::TrainingLoop loop({{"A", kUs, kUs}, {"B", kUs, kUs}}, kUs, 1);
  for (const auto& [apply, message] :
       {std::pair{"pipeline:stages=3,microbatches=2", "need at least as many layers"},
        std::pair{"pipeline:stages=2,microbatches=3,schedule=interleaved", "multiple of stages"},
        std::pair{"pipeline:stages=2,microbatches=2,partition=1+2", "adding up to"},
        std::pair{"pipeline:stages=2,microbatches=2,partition=1+x", "layer counts"},
        std::pair{"pipeline:stages=2,microbatches=2,schedule=zigzag", "gpipe, 1f1b or interleaved"},
        std::pair{"pipeline:stages=0,microbatches=2", "integer >= 1"}}) {
    dd::test::TrainingLoop fresh({{"A", kUs, kUs}, {"B", kUs, kUs}}, kUs, 1);
    auto bad = dd::test::apply_model(fresh.t.graph, apply);
    REQUIRE_FALSE(bad);
    INFO(apply << ": " << bad.error().message);
    CHECK(bad.error().message.find(message) != std::string::npos);
  }
  dd::test::TrainingLoop without_layers({{"", kUs, kUs}, {"", kUs, kUs}}, kUs, 1);
  auto no_layers = dd::test::apply_model(without_layers.t.graph, "pipeline:stages=2,microbatches=4");
  REQUIRE(no_layers);
  CHECK_FALSE(no_layers->applicable);
  CHECK(no_layers->summary.find("no layer attribution") != std::string::npos);

  // Layers in forward, none in backward (a recording without per-op ranges): the backward
  // work cannot be placed on stages.
  dd::test::TrainingLoop forward_only({{"A", kUs, kUs}, {"B", kUs, kUs}}, kUs, 1);
  for (dd::TaskId op : forward_only.iterations[0].backward) forward_only.t.graph.layer[op] = dd::kEmptyString;
  auto unplaced = dd::test::apply_model(forward_only.t.graph, "pipeline:stages=2,microbatches=2");
  REQUIRE(unplaced);
  CHECK_FALSE(unplaced->applicable);
  CHECK(unplaced->summary.find("100% of the backward GPU computation is in no layer") != std::string::npos);
}

TEST_CASE("pipeline on VGG-13: one stage is the trace, more micro-batches fill the pipe",
          "[transforms][pipeline][golden]") {
  const std::string trace = "vgg13_h100_iter41.pt.trace.json.gz";
  // One stage of one micro-batch runs the same GPU work without the recorded gaps between
  // kernels: replay 348.074 ms, predicted 347.522 ms.
  CHECK(dd::test::predicted_speedup(trace, "pipeline:stages=1,microbatches=1") ==
        Approx(1.0).epsilon(0.01));
  for (const char* schedule : {"gpipe", "1f1b"}) {
    double previous = 0;
    for (const char* microbatches : {"1", "2", "4", "8"}) {
      double speedup = dd::test::predicted_speedup(
          trace, std::string("pipeline:stages=4,schedule=") + schedule +
                     ",microbatches=" + microbatches);
      CHECK(speedup >= previous);
      CHECK(speedup < 4.0);  // never better than perfect 4-way scaling
      previous = speedup;
    }
  }
}
