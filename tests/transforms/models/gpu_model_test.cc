// The `gpu` model: a tiny GPU-bound graph moved from a V100 to an H100 with its durations
// computed by hand from the datasheet roofline (kernel_cost.h), a CPU-bound graph that gains
// nothing, the errors, and the bundled real traces.
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

TEST_CASE("gpu: a GPU-bound V100 graph on an H100, by hand", "[transforms][gpu]") {
  // cpu: launch (10 us) -> gpu: gemm 100 us, relu 40 us, all-reduce 30 us; CPU waits at the end.
  // V100 -> H100 fp32: gemm 26.866 us and relu 10.746 us (bandwidth 900 -> 3350 GB/s, the
  // larger roofline bound), all-reduce unchanged: 10 + 26.866 + 10.746 + 30 = 77.612 us.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId launch = t.cpu_task(TaskKind::kApiCall, 10'000, Phase::kForward, "");
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm_128x64_nn", KernelClass::kGemm,
                         Phase::kForward, "fc");
  TaskId relu = t.gpu_op(t.gpu, 40'000, "relu_kernel", KernelClass::kElementwise,
                         Phase::kForward, "fc");
  TaskId nccl = t.gpu_op(t.gpu, 30'000, "ncclKernel_AllReduce", KernelClass::kCommunication,
                         Phase::kBackward, "");
  t.graph.add_edge(launch, gemm, dd::EdgeKind::kLaunch);
  CHECK(dd::test::simulated_iteration(t.graph) == 180'000);
  auto outcome = dd::test::apply_model(t.graph, "gpu:target=H100");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("Tesla V100-SXM2 -> NVIDIA H100 SXM") != std::string::npos);
  CHECK(t.graph.duration[gemm] == 26'866);
  CHECK(t.graph.duration[relu] == 10'746);
  CHECK(t.graph.duration[nccl] == 30'000);
  CHECK(t.graph.duration[launch] == 10'000);
  CHECK(dd::test::simulated_iteration(t.graph) == 77'612);
}

TEST_CASE("gpu: a CPU-bound graph gains nothing", "[transforms][gpu]") {
  // The GPU kernel runs beside 1 ms of CPU work that ends the iteration: 2 ms either way.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId a = t.add(t.cpu, 1'000'000, TaskKind::kApiCall);
  t.add(t.cpu, 1'000'000);
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  t.graph.add_edge(a, gemm, dd::EdgeKind::kLaunch);
  auto outcome = dd::test::apply_model(t.graph, "gpu:target=A100");
  REQUIRE(outcome);
  CHECK(t.graph.duration[gemm] < 100'000);
  CHECK(dd::test::simulated_iteration(t.graph) == 2'000'000);
}

TEST_CASE("gpu: unknown targets and trace devices say why", "[transforms][gpu]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  t.gpu_op(t.gpu, 10, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  auto bad_target = dd::test::apply_model(t.graph, "gpu:target=MI300X");
  REQUIRE_FALSE(bad_target);
  CHECK(bad_target.error().message.find("known:") != std::string::npos);
  CHECK_FALSE(dd::parse_apply("gpu"));  // target is required

  dd::test::TinyGraph unknown;
  dd::test::record_device(unknown, "Quadro GV100");
  unknown.gpu_op(unknown.gpu, 10, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  auto outcome = dd::test::apply_model(unknown.graph, "gpu:target=H100");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary.find("Quadro GV100") != std::string::npos);

  dd::test::TinyGraph communication_only;
  dd::test::record_device(communication_only, "Tesla V100-SXM2-32GB");
  communication_only.gpu_op(communication_only.gpu, 10, "ncclKernel_AllReduce",
                            KernelClass::kCommunication, Phase::kBackward, "");
  auto nothing = dd::test::apply_model(communication_only.graph, "gpu:target=H100");
  REQUIRE(nothing);
  CHECK_FALSE(nothing->applicable);
}

TEST_CASE("gpu: the bundled traces on other GPUs", "[transforms][gpu]") {
  // ResNet-50 is GPU-bound on its V100: an H100 (3.7x the bandwidth, the bound of most of its
  // kernels here) speeds it up a lot, an A100 80GB (2.3x) less.
  double h100 = dd::test::predicted_speedup("resnet50_v100_rank0.pt.trace.json.gz", "gpu:target=H100");
  double a100 = dd::test::predicted_speedup("resnet50_v100_rank0.pt.trace.json.gz", "gpu:target=A100");
  CHECK(h100 > 2.5);
  CHECK(h100 < 3.73);  // never more than the largest bound ratio (bandwidth 3350/900)
  CHECK(a100 > 1.8);
  CHECK(a100 < h100);
  // The matmul trace is CPU-bound: a faster GPU buys almost nothing.
  double matmul = dd::test::predicted_speedup("matmul_v100_memory.pt.trace.json.gz", "gpu:target=H100");
  CHECK(matmul > 0.99);
  CHECK(matmul < 1.05);
  // VGG-13 from its H100 to a V100 gets slower.
  CHECK(dd::test::predicted_speedup("vgg13_h100_iter41.pt.trace.json.gz", "gpu:target=V100") < 0.5);
}
