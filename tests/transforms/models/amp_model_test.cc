// The `amp` model: a tiny V100 graph under fp16 with every duration and the added cast
// computed by hand from the roofline rules (kernel_cost.h), what stays fp32 (optimizer, ops
// autocast keeps in fp32), ops already in 16 bit left alone, bf16 refused where there are no
// bf16 tensor cores, casts captured in a CUDA graph, a CPU-bound graph, and the bundled real
// traces. Every graph has a 1 us optimizer kernel: the shortest kernel, the fixed part of every
// kernel's time (kernel_cost.h, rule 4).
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"
#include "transforms/primitives.h"

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

// The 1 us optimizer kernel that sets the fixed part of every kernel (see the header).
TaskId add_floor_kernel(dd::test::TinyGraph& t) {
  return t.gpu_op(t.gpu, 1'000, "fill_kernel<float>", KernelClass::kElementwise,
                  Phase::kOptimizer, "");
}

// A tiny V100 graph: sgemm 128x64 100 us (fwd), relu 40 us (fwd), relu backward 4 us, SGD step
// 20 us and the 1 us fill (optimizer), each launched by a 5 us call: the GPU runs 5..105,
// 105..145, 145..149, 149..169, 169..170 -> 170 us.
struct V100Graph {
  dd::test::TinyGraph t;
  TaskId gemm, relu, relu_backward, sgd, fill;
  V100Graph() {
    dd::test::record_device(t, "Tesla V100-SXM2-32GB");
    gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm_128x64_nn", KernelClass::kGemm,
                    Phase::kForward, "fc");
    relu = t.gpu_op(t.gpu, 40'000, "relu_kernel<float>", KernelClass::kElementwise,
                    Phase::kForward, "fc");
    relu_backward = t.gpu_op(t.gpu, 4'000, "threshold_backward<float>",
                             KernelClass::kElementwise, Phase::kBackward, "fc");
    sgd = t.gpu_op(t.gpu, 20'000, "sgd_update<float>", KernelClass::kOptimizer,
                   Phase::kOptimizer, "");
    fill = add_floor_kernel(t);
    launch_all(t, {gemm, relu, relu_backward, sgd, fill});
  }
};

}  // namespace

TEST_CASE("amp fp16 on a tiny V100 graph, by hand", "[transforms][amp]") {
  // fp16, above the fixed 1 us: the sgemm (85.333 FLOPs per element) is bound by its traffic
  // on the tensor cores, max(85.333/125e12, 2/900e9) = 2.222e-12 s per element against
  // max(85.333/15.7e12, 4/900e9) = 5.435e-12 in fp32: 99 us x 0.40885 = 40.477 -> 41.477 us
  // (not 15.7/125 of it); relu 39 x 0.5 -> 20.5 us, relu backward 3 x 0.5 -> 2.5 us; SGD and the
  // fill stay. One cast (4 us: the shortest measured forward/backward elementwise kernel) ahead
  // of the gemm, launched by a new 5 us call (the median launch) ahead of the gemm's: cpu
  // 0..30; gpu: cast 5..9, gemm 10..51.477, relu ..71.977, relu backward ..74.477, SGD
  // ..94.477, fill ..95.477.
  V100Graph g;
  dd::test::TinyGraph& t = g.t;
  CHECK(dd::test::simulated_iteration(t.graph) == 170'000);
  size_t tasks_before = t.graph.task_count();

  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=fp16");
  REQUIRE(outcome);
  INFO(outcome->summary);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[g.gemm] == 41'477);
  CHECK(t.graph.duration[g.relu] == 20'500);
  CHECK(t.graph.duration[g.relu_backward] == 2'500);
  CHECK(t.graph.duration[g.sgd] == 20'000);
  CHECK(t.graph.duration[g.fill] == 1'000);
  REQUIRE(t.graph.task_count() == tasks_before + 2);
  TaskId cast = t.graph.prev_on_resource[g.gemm];
  REQUIRE(cast != dd::kNone);
  CHECK(t.graph.str(t.graph.name[cast]) == "amp cast fp32 -> fp16");
  CHECK(t.graph.duration[cast] == 4'000);
  CHECK(t.graph.kind[t.graph.resources[t.cpu].first] == TaskKind::kApiCall);
  CHECK(dd::test::simulated_iteration(t.graph) == 95'477);
}

TEST_CASE("amp twice is amp once; 16-bit ops are left alone", "[transforms][amp][compose]") {
  dd::test::check_twice_is_once<V100Graph>("amp:dtype=fp16", "already in 16 bit");

  // A bf16 trace on an H100: its bf16 GEMM and softmax stay, its fp32 add halves, no cast.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  TaskId gemm =
      t.gpu_op(t.gpu, 100'000, "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64",
               KernelClass::kGemm, Phase::kForward, "fc");
  TaskId softmax = t.gpu_op(t.gpu, 50'000, "cunn_SoftMaxForward<8, c10::BFloat16, float>",
                            KernelClass::kReduction, Phase::kForward, "attn");
  TaskId add = t.gpu_op(t.gpu, 21'000, "CUDAFunctor_add<float>", KernelClass::kElementwise,
                        Phase::kForward, "fc");
  add_floor_kernel(t);
  size_t tasks = t.graph.task_count();
  auto outcome = dd::test::apply_model(t.graph, "amp");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[gemm] == 100'000);
  CHECK(t.graph.duration[softmax] == 50'000);
  CHECK(t.graph.duration[add] == 11'000);  // 1 + 20 x 2/4 us
  CHECK(t.graph.task_count() == tasks);
}

TEST_CASE("amp leaves kernels that spell no data type, and integer work, alone",
          "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  TaskId triton = t.gpu_op(t.gpu, 21'000, "triton_poi_fused_add_relu_0", KernelClass::kElementwise,
                           Phase::kForward, "fc");
  TaskId counter = t.gpu_op(t.gpu, 21'000, "vectorized_elementwise_kernel<4, "
                                           "CUDAFunctorOnSelf_add<long>>",
                            KernelClass::kElementwise, Phase::kForward, "bn");
  TaskId add = t.gpu_op(t.gpu, 21'000, "CUDAFunctor_add<float>", KernelClass::kElementwise,
                        Phase::kForward, "fc");
  add_floor_kernel(t);
  auto outcome = dd::test::apply_model(t.graph, "amp");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[triton] == 21'000);
  CHECK(t.graph.duration[counter] == 21'000);
  CHECK(t.graph.duration[add] == 11'000);
  CHECK(outcome->summary.find("1 model GPU ops whose kernel names spell no data type left alone") !=
        std::string::npos);
}

TEST_CASE("amp's casts join the CUDA graph of the op they feed", "[transforms][amp][compose]") {
  V100Graph g;
  REQUIRE(dd::test::apply_model(g.t.graph, "cuda-graphs"));
  size_t calls_before = dd::select_tasks(g.t.graph, *dd::parse_selector("kind:api_call")).size();
  auto outcome = dd::test::apply_model(g.t.graph, "amp:dtype=fp16");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  TaskId cast = g.t.graph.prev_on_resource[g.gemm];
  CHECK(g.t.graph.str(g.t.graph.name[cast]) == "amp cast fp32 -> fp16");
  CHECK(g.t.graph.execution.launch_of(cast) == dd::LaunchMode::kGraph);
  // No eager launch call was added for it.
  CHECK(dd::select_tasks(g.t.graph, *dd::parse_selector("kind:api_call")).size() == calls_before);
}

TEST_CASE("amp keeps autocast's fp32 ops and the optimizer in fp32", "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA A100-SXM4-80GB");
  TaskId softmax = t.gpu_op(t.gpu, 10'000, "softmax_warp_forward<float>",
                            KernelClass::kReduction, Phase::kForward, "attn");
  t.graph.op[softmax] = t.graph.intern("aten::_softmax");
  TaskId layer_norm = t.gpu_op(t.gpu, 10'000, "vectorized_layer_norm_kernel<float>",
                               KernelClass::kNormalization, Phase::kBackward, "ln");
  t.graph.op[layer_norm] = t.graph.intern("NativeLayerNormBackward0");
  TaskId adam = t.gpu_op(t.gpu, 10'000, "multi_tensor_apply_kernel<float>",
                         KernelClass::kElementwise, Phase::kOptimizer, "");
  TaskId gemm = t.gpu_op(t.gpu, 10'000, "ampere_sgemm", KernelClass::kGemm, Phase::kBackward, "");
  add_floor_kernel(t);
  auto outcome = dd::test::apply_model(t.graph, "amp");  // bf16 by default
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(t.graph.duration[softmax] == 10'000);
  CHECK(t.graph.duration[layer_norm] == 10'000);
  CHECK(t.graph.duration[adam] == 10'000);
  // No tile in the name: 128x128, 128 FLOPs per element. fp32 max(128/19.5e12, 4/2039e9) =
  // 6.564e-12, bf16 max(128/312e12, 2/2039e9) = 9.809e-13 s: 1 + 9 us x 0.14943 = 2.345 us.
  CHECK(t.graph.duration[gemm] == 2'345);
  CHECK(t.graph.task_count() == 5);  // no forward GEMM: no cast
}

TEST_CASE("amp bf16 on a TF32 H100 convolution halves it", "[transforms][amp]") {
  dd::test::TinyGraph t;
  dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
  TaskId conv = t.gpu_op(t.gpu, 100'000, "sm90_xmma_fprop_implicit_gemm_tf32",
                         KernelClass::kConvolution, Phase::kBackward, "conv1");
  add_floor_kernel(t);
  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=bf16");
  REQUIRE(outcome);
  // 128 FLOPs per element is memory-bound on both (TF32: 128/494.7e12 < 4/3.35e12; bf16:
  // 128/989.4e12 < 2/3.35e12): half the bytes, 1 + 99 x 0.5 us.
  CHECK(t.graph.duration[conv] == 50'500);
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
  add_floor_kernel(t);
  t.add(t.cpu, 1'000'000);
  CHECK(dd::test::simulated_iteration(t.graph) == 1'005'000);
  auto outcome = dd::test::apply_model(t.graph, "amp:dtype=fp16");
  REQUIRE(outcome);
  // 128x128 assumed: max(128/125e12, 2/900e9) / max(128/15.7e12, 4/900e9) = 0.27257 above 1 us.
  CHECK(t.graph.duration[gemm] == 27'984);
  // Only the cast's launch (5 us) lands on the CPU: 1.010 ms.
  CHECK(dd::test::simulated_iteration(t.graph) == 1'010'000);
}

TEST_CASE("amp on the bundled traces", "[transforms][amp]") {
  // ResNet-50 on its V100 is GPU-bound; its memory-bound kernels get at most 2x (half the
  // bytes) and its convolutions and GEMMs at most what their tile intensity allows on the
  // fp16 tensor cores (2.44x for a 128x64 tile, kernel_cost.h), less the fixed part and casts.
  double resnet = dd::test::predicted_speedup("resnet50_v100_rank0.pt.trace.json.gz", "amp:dtype=fp16");
  CHECK(resnet > 1.8);
  CHECK(resnet < 2.44);
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
  // TF32 convolutions get at most 2x (memory-bound at their tiles either way); those cuDNN
  // ran on the fp32 cores (sm80 xmma f32f32, 256x64 tiles) at most 2.56x.
  CHECK(vgg > 1.2);
  CHECK(vgg < 2.56);
}
