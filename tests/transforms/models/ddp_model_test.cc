// The `ddp` and `ps` models and the gradient discovery they share: on a hand-built training
// loop (times worked out in the comments) only the last bucket's all-reduce is exposed with
// overlap, all of it without; DDP's bucketing; push/pull over parameter servers; gradient
// sizes of the bundled traces against what is known of them; and on the real traces, one GPU
// changes nothing while more GPUs and slower links never make an iteration faster.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "transforms/cost/gradients.h"
#include "transforms/model_test_support.h"
#include "transforms/models/data_parallel.h"
#include "transforms/primitives.h"
#include "transforms/training_loop.h"

using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// Layers A and B: forward 100 us, backward 200 us each; optimizer 50 us; 3 iterations of
// 1 + 650 = 651 us. params=0.2 spreads 200 kB over the two backward GEMMs by duration: 100 kB
// each. On a 1 GB/s link without latency an all-reduce of 100 kB over 2 GPUs takes
// 2 * 1/2 * 100e3 / 1e9 = 100 us. bucket=0.05 MiB puts each gradient in its own bucket.
dd::test::TrainingLoop two_layers() { return {{{"A", 100 * kUs, 200 * kUs}, {"B", 100 * kUs, 200 * kUs}}, 50 * kUs, 3}; }

const std::string kLink = ",params=0.2,bucket=0.05,topology=nvlink-link,bandwidth=1,latency=0";

TimeNs predicted(const std::string& apply) {
  dd::test::TrainingLoop loop = two_layers();
  auto outcome = dd::test::apply_model(loop.t.graph, apply);
  REQUIRE(outcome);
  INFO(outcome->summary);
  REQUIRE(outcome->applicable);
  return dd::test::simulated_iteration(loop.t.graph);
}

dd::IterationGradients gradients_of(const std::vector<uint64_t>& sizes) {
  dd::IterationGradients it;
  for (size_t i = 0; i < sizes.size(); ++i) it.gradients.push_back({static_cast<dd::TaskId>(i), sizes[i], dd::kEmptyString});
  return it;
}

}  // namespace

TEST_CASE("ddp exposes only the all-reduce that outlasts backward", "[transforms][ddp]") {
  dd::test::TrainingLoop loop = two_layers();
  REQUIRE(dd::test::simulated_iteration(loop.t.graph) == 651 * kUs);
  // From the iteration's start: forward [1,201], backward B [201,401], backward A [401,601].
  // Bucket B all-reduces [401,501] under backward A; bucket A [601,701] after it; the
  // optimizer waits for it: [701,751]. 751 us.
  CHECK(predicted("ddp:gpus=2" + kLink) == 751 * kUs);
  // overlap=off: both after backward, [601,701] and [701,801]; optimizer [801,851].
  CHECK(predicted("ddp:gpus=2,overlap=off" + kLink) == 851 * kUs);
  // One GPU communicates with nobody: the trace's own time.
  CHECK(predicted("ddp:gpus=1" + kLink) == 651 * kUs);
}

TEST_CASE("ddp inserts one all-reduce per bucket on a communication stream", "[transforms][ddp]") {
  dd::test::TrainingLoop loop = two_layers();
  size_t resources = loop.t.graph.resources.size();
  auto outcome = dd::test::apply_model(loop.t.graph, "ddp:gpus=2" + kLink);
  REQUIRE(outcome);
  INFO(outcome->summary);
  CHECK(outcome->summary.find("2 gradients, 0.2 MB per iteration (params=0.2 MB spread over the "
                              "backward GEMM/convolution ops by duration") != std::string::npos);
  CHECK(outcome->summary.find("2 buckets per iteration, all-reduce 200.000 us") != std::string::npos);
  REQUIRE(loop.t.graph.resources.size() == resources + 1);
  const dd::Resource& stream = loop.t.graph.resources.back();
  size_t ops = 0;
  for (dd::TaskId t = stream.first; t != dd::kNone; t = loop.t.graph.next_on_resource[t]) {
    CHECK(loop.t.graph.kernel_class[t] == dd::KernelClass::kCommunication);
    CHECK(loop.t.graph.duration[t] == 100 * kUs);
    ++ops;
  }
  CHECK(ops == 6);  // 2 buckets x 3 iterations
}

TEST_CASE("ddp buckets follow DDP's caps", "[transforms][ddp]") {
  constexpr uint64_t kMiB = 1 << 20;
  // The first bucket closes at 1 MiB (0.5 + 0.7 MiB), the next at 25 MiB (10 + 20), the rest
  // is the last bucket (5).
  auto buckets = dd::make_buckets(
      gradients_of({kMiB / 2, 7 * kMiB / 10, 10 * kMiB, 20 * kMiB, 5 * kMiB}), 25 * kMiB);
  REQUIRE(buckets.size() == 3);
  CHECK(buckets[0].gradients == 2);
  CHECK(buckets[1].bytes == 30 * kMiB);
  CHECK(buckets[1].ready == 3);
  CHECK(buckets[2].bytes == 5 * kMiB);
  // A cap below 1 MiB caps the first bucket too.
  CHECK(dd::make_buckets(gradients_of({100, 100, 100}), 150).size() == 2);
}

TEST_CASE("ps pushes and pulls each bucket over the two link directions", "[transforms][ps]") {
  // One server, 2 workers: a server link carries both workers' shards, 2 * 100 us per push or
  // pull. Push B [401,601], pull B [601,801]; push A after backward A [601,801], pull A
  // [801,1001]; optimizer [1001,1051].
  CHECK(predicted("ps:servers=1,gpus=2" + kLink) == 1051 * kUs);
  // Two servers: 100 us each. Push B [401,501], pull B [501,601], push A [601,701], pull A
  // [701,801], optimizer [801,851].
  CHECK(predicted("ps:servers=2,gpus=2" + kLink) == 851 * kUs);
}

TEST_CASE("data-parallel models say why they cannot apply, and reject bad parameters",
          "[transforms][ddp][ps]") {
  dd::test::TinyGraph forward_only;
  forward_only.gpu_op(forward_only.gpu, 100 * kUs, "gemm", dd::KernelClass::kGemm,
                      dd::Phase::kForward, "A");
  auto none = dd::test::apply_model(forward_only.graph, "ddp:gpus=8,params=10,topology=pcie4");
  REQUIRE(none);
  CHECK_FALSE(none->applicable);
  CHECK(none->summary.find("no backward GPU work") != std::string::npos);

  dd::test::TrainingLoop loop = two_layers();
  auto no_sizes = dd::test::apply_model(loop.t.graph, "ps:servers=1,gpus=8,topology=pcie4");
  REQUIRE(no_sizes);
  CHECK_FALSE(no_sizes->applicable);
  CHECK(no_sizes->summary.find("pass params=MB") != std::string::npos);

  for (const auto& [apply, message] :
       {std::pair{"ddp:gpus=0", "integer >= 1"}, std::pair{"ddp:gpus=2,overlap=maybe", "on or off"},
        std::pair{"ddp:gpus=2,bucket=0", "must be > 0"},
        std::pair{"ddp:gpus=2,params=-1", "must be > 0"},
        std::pair{"ps:servers=0,gpus=2", "integer >= 1"},
        std::pair{"ddp:gpus=2,topology=4:nvlink", "no '/'"}}) {
    dd::test::TrainingLoop fresh = two_layers();
    auto bad = dd::test::apply_model(fresh.t.graph, apply);
    REQUIRE_FALSE(bad);
    INFO(apply << ": " << bad.error().message);
    CHECK(bad.error().message.find(message) != std::string::npos);
  }
}

TEST_CASE("gradient sizes of the bundled traces", "[transforms][ddp][golden]") {
  dd::ModelArguments automatic(std::map<std::string, std::string>{{"params", "auto"}});
  // VGG-13 has 133,047,848 fp32 parameters in 26 tensors: 532.19 MB. The allocator reports
  // its blocks, rounded up (the 294,912-parameter conv weight, 1,179,648 bytes, has a
  // 1.5 MiB block), which adds 0.07% here.
  auto vgg = dd::find_gradients(dd::test::bundled_graph("vgg13_h100_iter41.pt.trace.json.gz"),
                                automatic);
  REQUIRE(vgg);
  REQUIRE(vgg->iterations.size() == 1);
  CHECK(vgg->iterations[0].gradients.size() == 26);
  CHECK(vgg->iterations[0].total_bytes() >= 532'191'392);
  CHECK(vgg->iterations[0].total_bytes() <= 532'191'392 + 532'191); // 0.1%
  // The DDP trace accumulates into existing gradients (AccumulateGrad frees each new one) and
  // all-reduces 404 gradients per step (its NCCL kernels); one more block per step lives past
  // the backward pass.
  auto matmul = dd::find_gradients(
      dd::test::bundled_graph("matmul_v100_memory.pt.trace.json.gz"), automatic);
  REQUIRE(matmul);
  REQUIRE(matmul->iterations.size() == 5);
  for (const dd::IterationGradients& it : matmul->iterations) {
    CHECK(it.gradients.size() >= 404);
    CHECK(it.gradients.size() <= 405);
  }
  // ResNet-50's trace has no allocator events.
  auto resnet = dd::find_gradients(
      dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz"), automatic);
  REQUIRE_FALSE(resnet);
  CHECK(resnet.error().message.find("params=MB") != std::string::npos);
}

TEST_CASE("ddp on the bundled traces: one GPU is the trace, more GPUs and slower links cost",
          "[transforms][ddp][golden]") {
  for (const auto& [trace, params] :
       {std::pair{"vgg13_h100_iter41.pt.trace.json.gz", "auto"},
        std::pair{"resnet50_v100_rank0.pt.trace.json.gz", "102"}}) {
    INFO(trace);
    std::string base = std::string("ddp:params=") + params;
    CHECK(dd::test::predicted_speedup(trace, base + ",gpus=1") == Approx(1.0).epsilon(1e-9));
    double previous = 2.0;
    for (const char* gpus : {"2", "8", "32", "128"}) {
      double speedup = dd::test::predicted_speedup(trace, base + ",gpus=" + gpus);
      CHECK(speedup <= previous);
      previous = speedup;
    }
    double nvlink = dd::test::predicted_speedup(trace, base + ",gpus=8,topology=nvlink");
    double pcie = dd::test::predicted_speedup(trace, base + ",gpus=8,topology=pcie");
    double ethernet = dd::test::predicted_speedup(trace, base + ",gpus=8,topology=eth-10g");
    CHECK(pcie <= nvlink);
    CHECK(ethernet <= pcie);
    CHECK(ethernet < 1.0);  // 10 Gb/s cannot hide ~100 MB of gradients per step
  }
}

TEST_CASE("ddp on a multi-rank trace scales from the job's own world size",
          "[transforms][ddp][compose]") {
  // The matmul trace is rank 1 of a 2-rank DDP job (traces/SOURCES.md; its distributedInfo).
  const dd::Graph& matmul = dd::test::bundled_graph("matmul_v100_memory.pt.trace.json.gz");
  REQUIRE(dd::recorded_world_size(matmul) == 2);
  std::vector<dd::TaskId> collectives =
      dd::select_tasks(matmul, *dd::parse_selector("kind:gpu_op+class:communication"));
  REQUIRE(!collectives.empty());

  dd::Graph same(matmul);
  auto two = dd::test::apply_model(same, "ddp:gpus=2");
  REQUIRE(two);
  CHECK_FALSE(two->applicable);
  CHECK(two->summary.find("already runs on 2 ranks") != std::string::npos);
  CHECK(same.duration == matmul.duration);

  dd::Graph more(matmul);
  auto sixteen = dd::test::apply_model(more, "ddp:gpus=16");
  REQUIRE(sixteen);
  CHECK(sixteen->applicable);
  // Each collective stays, scaled by the model's ring all-reduce of one 25 MiB bucket at 16
  // ranks (two nodes of 8 on the default topology) over the same at 2.
  auto arguments = dd::parse_apply("ddp:gpus=16");
  REQUIRE(arguments);
  auto at16 = dd::communication_setup(matmul, arguments->arguments, 16);
  auto at2 = dd::communication_setup(matmul, arguments->arguments, 2);
  REQUIRE(at16);
  REQUIRE(at2);
  constexpr uint64_t kBucket = 25 << 20;
  auto all_reduce = [&](const dd::CommSetup& setup) {
    return static_cast<double>(dd::collective_time(dd::Collective::kAllReduce, kBucket, setup));
  };
  double ratio = all_reduce(*at16) / all_reduce(*at2);
  CHECK(ratio > 1);
  for (dd::TaskId op : collectives) {
    CHECK(!more.removed[op]);
    CHECK(more.duration[op] ==
          std::llround(static_cast<double>(matmul.duration[op]) * ratio));
  }
  CHECK(dd::select_tasks(more, *dd::parse_selector("kind:gpu_op+class:communication")).size() ==
        collectives.size());
}
