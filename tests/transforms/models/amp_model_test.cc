// The `amp` model: a tiny V100 graph under fp16 with every duration and the added cast
// computed by hand from the roofline rules (kernel_cost.h), what stays fp32 (optimizer, ops
// autocast keeps in fp32), bf16 refused where there are no bf16 tensor cores, a CPU-bound graph,
// and the bundled real traces.
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

namespace {


// One launch call (5 us) per GPU op, in order, on the CPU thread.
void launch_all(dd::test::TinyGraph& t, std::initializer_list<TaskId> ops) {
  for (TaskId op : ops) {
    TaskId call = t.cpu_task(TaskKind::kApiCall, 5'000, t.graph.phase[op], "");
    t.graph.add_edge(call, op, dd::EdgeKind::kLaunch);
  }
}


}  // namespace

TEST_CASE("amp fp16 on a tiny V100 graph, by hand", "[transforms][amp]") {
  // gpu: gemm 100 us (fwd), relu 40 us (fwd), relu backward 4 us, SGD step 20 us (optimizer),
  // each launched by a 5 us call: gpu runs 5..105, 105..145, 145..149, 149..169 -> 169 us.
  // fp16: gemm -> 50 us (memory bound: half the bytes, not 100 x 15.7/125 = 12.56 us),
  // relu -> 20 us, relu backward -> 2 us, SGD stays 20 us. One cast (4 us: the shortest
  // measured forward/backward elementwise kernel) ahead of the gemm, launched by a new 5 us
  // call (the median launch) ahead of the gemm's: cpu 0..25; gpu: cast 5..9, gemm 10..60,
  // relu 60..80, relu backward 80..82, SGD 82..102 -> 102 us.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "fc");
  TaskId relu = t.gpu_op(t.gpu, 40'000, "relu", KernelClass::kElementwise, Phase::kForward, "fc");
  TaskId relu_backward = t.gpu_op(t.gpu, 4'000, "threshold_backward", KernelClass::kElementwise,
                                  Phase::kBackward, "fc");
  TaskId sgd = t.gpu_op(t.gpu, 20'000, "sgd_update", KernelClass::kOptimizer, Phase::kOptimizer,
                        "");
  launch_all(t, {gemm, relu, relu_backward, sgd});
  CHECK(dd::test::simulated_iteration(t.graph) == 169'000);
  size_t tasks_before = t.graph.task_count();

  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=fp16");
  REQUIRE(outcome);
  INFO(outcome->summary);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[gemm] == 50'000);
  CHECK(t.graph.duration[relu] == 20'000);
  CHECK(t.graph.duration[relu_backward] == 2'000);
  CHECK(t.graph.duration[sgd] == 20'000);
  REQUIRE(t.graph.task_count() == tasks_before + 2);
  TaskId cast = t.graph.prev_on_resource[gemm];
  REQUIRE(cast != dd::kNone);
  CHECK(t.graph.str(t.graph.name[cast]) == "amp cast fp32 -> fp16");
  CHECK(t.graph.duration[cast] == 4'000);
  CHECK(t.graph.kind[t.graph.resources[t.cpu].first] == TaskKind::kApiCall);
  CHECK(dd::test::simulated_iteration(t.graph) == 102'000);
}

TEST_CASE("amp keeps autocast's fp32 ops and the optimizer in fp32", "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA A100-SXM4-80GB");
  TaskId softmax = t.gpu_op(t.gpu, 10'000, "softmax_warp_forward", KernelClass::kReduction,
                            Phase::kForward, "attn");
  t.graph.op[softmax] = t.graph.intern("aten::_softmax");
  TaskId layer_norm = t.gpu_op(t.gpu, 10'000, "vectorized_layer_norm_kernel",
                               KernelClass::kNormalization, Phase::kBackward, "ln");
  t.graph.op[layer_norm] = t.graph.intern("NativeLayerNormBackward0");
  TaskId adam = t.gpu_op(t.gpu, 10'000, "multi_tensor_apply_kernel", KernelClass::kElementwise,
                         Phase::kOptimizer, "");
  TaskId gemm = t.gpu_op(t.gpu, 10'000, "ampere_sgemm", KernelClass::kGemm, Phase::kBackward, "");
  auto outcome = dd::test::apply_model(t.graph, "amp");  // bf16 by default
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[softmax] == 10'000);
  CHECK(t.graph.duration[layer_norm] == 10'000);
  CHECK(t.graph.duration[adam] == 10'000);
  CHECK(t.graph.duration[gemm] == 5'000);  // 19.5/312 compute, half the bytes: memory 5 us
  CHECK(t.graph.task_count() == 4);        // no forward GEMM: no cast
}

TEST_CASE("amp bf16 on a TF32 H100 convolution halves it", "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  TaskId conv = t.gpu_op(t.gpu, 100'000, "sm90_xmma_fprop_implicit_gemm_tf32",
                         KernelClass::kConvolution, Phase::kBackward, "conv1");
  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=bf16");
  REQUIRE(outcome);
  CHECK(t.graph.duration[conv] == 50'000);  // 494.7 -> 989.4 TFLOPS, and half the bytes
}

TEST_CASE("amp refuses bf16 without bf16 tensor cores, and bad dtypes", "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=bf16");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary.find("no bf16 tensor cores") != std::string::npos);
  CHECK(outcome->summary.find("dtype=fp16") != std::string::npos);
  CHECK(t.graph.duration[gemm] == 100'000);
  auto bad = dd::test::apply_model(t.graph, "amp:dtype=int8");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("bf16 or fp16") != std::string::npos);
}

TEST_CASE("amp on a CPU-bound graph gains nothing", "[transforms][amp]") {
  // 1 ms of CPU after the launch ends the iteration; the 100 us GEMM runs beside it.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  launch_all(t, {gemm});
  t.add(t.cpu, 1'000'000);
  CHECK(dd::test::simulated_iteration(t.graph) == 1'005'000);
  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=fp16");
  REQUIRE(outcome);
  CHECK(t.graph.duration[gemm] == 50'000);
  // Only the cast's launch (5 us) lands on the CPU: 1.010 ms.
  CHECK(dd::test::simulated_iteration(t.graph) == 1'010'000);
}

TEST_CASE("amp on the bundled traces", "[transforms][amp]") {
  // ResNet-50 on its V100 is GPU-bound and all of its GPU time is convolutions, GEMMs and
  // memory-bound kernels that rules 3/4 of kernel_cost.h make at most 2x faster (predicted:
  // 1.94x); the added casts and the unchanged launch latency and gaps keep it under 2x.
  double resnet = dd::test::predicted_speedup("resnet50_v100_rank0.pt.trace.json.gz", "amp:dtype=fp16");
  CHECK(resnet > 1.5);
  CHECK(resnet < 2.0);
  // The matmul trace is CPU-bound: almost nothing.
  double matmul = dd::test::predicted_speedup("matmul_v100_memory.pt.trace.json.gz", "amp:dtype=fp16");
  CHECK(matmul > 0.97);
  CHECK(matmul < 1.05);
  // bf16 on a V100: refused, with the reason.
  dd::Graph graph(dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz"));
  auto bf16 = dd::test::apply_model(graph, "amp:dtype=bf16");
  REQUIRE(bf16);
  CHECK_FALSE(bf16->applicable);
  // VGG-13 on its H100 (fp32 with TF32 convolutions) under bf16.
  double vgg = dd::test::predicted_speedup("vgg13_h100_iter41.pt.trace.json.gz", "amp:dtype=bf16");
  CHECK(vgg > 1.2);
  CHECK(vgg < 2.0);
}
