// The `gpu` model: a tiny GPU-bound V100 graph moved to an H100 with its durations computed by
// hand from the roofline rules (kernel_cost.h), a CPU-bound graph that gains nothing, the
// errors, the composition of moves (twice is once, there and back is the replay, amp after gpu
// uses the new GPU's tensor cores), the memory fit, and the bundled real traces.
#include <catch2/catch.hpp>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

namespace {

// cpu: launch (10 us) -> gpu: sgemm 128x64 100 us, relu 40 us, fill 2 us (the shortest kernel:
// the fixed cost), all-reduce 30 us; 182 us on the V100.
struct V100Graph {
  dd::test::TinyGraph t;
  TaskId launch, gemm, relu, fill, nccl;
  V100Graph() {
    dd::test::record_device(t, "Tesla V100-SXM2-32GB");
    launch = t.cpu_task(TaskKind::kApiCall, 10'000, Phase::kForward, "");
    gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm_128x64_nn", KernelClass::kGemm,
                    Phase::kForward, "fc");
    relu = t.gpu_op(t.gpu, 40'000, "relu_kernel<float>", KernelClass::kElementwise,
                    Phase::kForward, "fc");
    fill = t.gpu_op(t.gpu, 2'000, "fill_kernel<float>", KernelClass::kElementwise,
                    Phase::kForward, "fc");
    nccl = t.gpu_op(t.gpu, 30'000, "ncclKernel_AllReduce", KernelClass::kCommunication,
                    Phase::kBackward, "");
    t.graph.add_edge(launch, gemm, dd::EdgeKind::kLaunch);
  }
};

}  // namespace

TEST_CASE("gpu: a GPU-bound V100 graph on an H100, by hand", "[transforms][gpu]") {
  // V100 -> H100, fp32, fixed part 2 us (the fill kernel). sgemm 128x64 (85.333 FLOPs per
  // element): compute-bound on both, 98 us x 15.7/67 = 22.964 -> 24.964 us. relu: 38 us x
  // 900/3350 = 10.209 -> 12.209 us. fill stays 2 us, the all-reduce 30 us:
  // 10 + 24.964 + 12.209 + 2 + 30 = 79.173 us.
  V100Graph g;
  CHECK(dd::test::simulated_iteration(g.t.graph) == 182'000);
  auto outcome = dd::test::apply_model(g.t.graph, "gpu:target=H100");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("Tesla V100-SXM2 -> NVIDIA H100 SXM") != std::string::npos);
  CHECK(g.t.graph.duration[g.gemm] == 24'964);
  CHECK(g.t.graph.duration[g.relu] == 12'209);
  CHECK(g.t.graph.duration[g.fill] == 2'000);
  CHECK(g.t.graph.duration[g.nccl] == 30'000);
  CHECK(g.t.graph.duration[g.launch] == 10'000);
  CHECK(dd::test::simulated_iteration(g.t.graph) == 79'173);
  CHECK(g.t.graph.execution.device == "NVIDIA H100 SXM");
}

TEST_CASE("gpu: a CPU-bound graph gains nothing", "[transforms][gpu]") {
  // The GPU kernel runs beside 1 ms of CPU work that ends the iteration: 2 ms either way.
  dd::test::TinyGraph t;
  dd::test::record_device(t, "Tesla V100-SXM2-32GB");
  TaskId a = t.add(t.cpu, 1'000'000, TaskKind::kApiCall);
  t.add(t.cpu, 1'000'000);
  TaskId gemm = t.gpu_op(t.gpu, 100'000, "volta_sgemm", KernelClass::kGemm, Phase::kForward, "");
  t.gpu_op(t.gpu, 1'000, "fill", KernelClass::kElementwise, Phase::kForward, "");
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
  auto bad_target = dd::test::apply_model(t.graph, "gpu:target=GV100");
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

TEST_CASE("gpu: moves compose", "[transforms][gpu][compose]") {
  SECTION("twice is once") {
    dd::test::check_twice_is_once<V100Graph>("gpu:target=A100",
                                             "already run on NVIDIA A100-SXM4-80GB");
  }
  SECTION("there and back is the trace, to the rounding of durations to whole ns") {
    V100Graph g;
    auto recorded = g.t.graph.duration;
    REQUIRE(dd::test::apply_model(g.t.graph, "gpu:target=H100"));
    auto back = dd::test::apply_model(g.t.graph, "gpu:target=V100");
    REQUIRE(back);
    CHECK(back->summary.find("NVIDIA H100 SXM -> Tesla V100-SXM2") != std::string::npos);
    for (TaskId t = 0; t < recorded.size(); ++t) {
      CHECK(g.t.graph.duration[t] == Approx(recorded[t]).margin(1));
    }
    CHECK(dd::test::simulated_iteration(g.t.graph) == Approx(182'000).margin(2));
  }
  SECTION("through a third GPU is straight there, within rounding") {
    V100Graph direct;
    REQUIRE(dd::test::apply_model(direct.t.graph, "gpu:target=H100"));
    V100Graph via;
    REQUIRE(dd::test::apply_model(via.t.graph, "gpu:target=MI300X"));
    REQUIRE(dd::test::apply_model(via.t.graph, "gpu:target=H100"));
    for (TaskId op : {direct.gemm, direct.relu, direct.fill}) {
      CHECK(via.t.graph.duration[op] == Approx(direct.t.graph.duration[op]).margin(1));
    }
  }
  SECTION("a move to another vendor says what it does not model; one within a vendor not") {
    V100Graph g;
    auto amd = dd::test::apply_model(g.t.graph, "gpu:target=MI300X");
    REQUIRE(amd);
    CHECK(amd->caution.starts_with("another vendor's kernel libraries"));
    auto nvidia = dd::test::apply_model(g.t.graph, "gpu:target=H100");
    REQUIRE(nvidia);
    CHECK_FALSE(nvidia->caution.empty());  // MI300X -> H100: across vendors too
    auto same_vendor = dd::test::apply_model(g.t.graph, "gpu:target=A100");
    REQUIRE(same_vendor);
    CHECK(same_vendor->caution.empty());
  }
  SECTION("amp after gpu uses the new GPU's tensor cores") {
    V100Graph g;
    auto refused = dd::test::apply_model(g.t.graph, "amp:dtype=bf16");  // a V100 has none
    REQUIRE(refused);
    CHECK_FALSE(refused->applicable);
    REQUIRE(dd::test::apply_model(g.t.graph, "gpu:target=A100"));
    dd::TimeNs fp32 = g.t.graph.duration[g.gemm];
    auto amp = dd::test::apply_model(g.t.graph, "amp:dtype=bf16");
    REQUIRE(amp);
    CHECK(amp->applicable);
    CHECK(amp->summary.find("bf16 on NVIDIA A100-SXM4-80GB") != std::string::npos);
    // On the A100, sgemm 128x64 in fp32: max(85.333/19.5e12, 4/2039e9) = 4.376e-12 s per
    // element; in bf16: max(85.333/312e12, 2/2039e9) = 9.809e-13: x 0.22415 above the fixed 2 us.
    CHECK(g.t.graph.duration[g.gemm] ==
          2'000 + std::llround(static_cast<double>(fp32 - 2'000) * (2 / 2039e9) /
                               (2 * 128.0 * 64 / 192 / 19.5e12)));
  }
  SECTION("amp after a move to a GPU without bf16 says which GPU") {
    V100Graph g;
    REQUIRE(dd::test::apply_model(g.t.graph, "gpu:target=T4"));
    auto amp = dd::test::apply_model(g.t.graph, "amp");
    REQUIRE(amp);
    CHECK_FALSE(amp->applicable);
    CHECK(amp->summary.find("Tesla T4 has no bf16 tensor cores") != std::string::npos);
    auto fp16 = dd::test::apply_model(g.t.graph, "amp:dtype=fp16");
    REQUIRE(fp16);
    CHECK(fp16->applicable);
    CHECK(fp16->summary.find("fp16 on Tesla T4") != std::string::npos);
  }
}

TEST_CASE("gpu: a run that does not fit in the target's memory is not timed",
          "[transforms][gpu]") {
  const dd::Graph& vgg = dd::test::bundled_graph("vgg13_h100_iter41.pt.trace.json.gz");
  int64_t peak = 0;  // the allocator's own running total, as the trace recorded it
  const dd::MemoryEventTable& events = vgg.trace().memory_events;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events.device[i] >= 0) peak = std::max(peak, events.total_allocated[i]);
  }
  REQUIRE(peak > int64_t{16} << 30);  // more than a T4's 16 GiB, less than an A100's 80
  REQUIRE(peak < int64_t{80} << 30);
  dd::Graph on_t4(vgg);
  auto t4 = dd::test::apply_model(on_t4, "gpu:target=T4");
  REQUIRE(t4);
  CHECK_FALSE(t4->timed);
  CHECK_FALSE(t4->applicable);
  CHECK(t4->summary.find("DOES NOT FIT") != std::string::npos);
  CHECK(on_t4.duration == vgg.duration);
  dd::Graph on_a100(vgg);
  auto a100 = dd::test::apply_model(on_a100, "gpu:target=A100");
  REQUIRE(a100);
  CHECK(a100->timed);
  CHECK(a100->summary.find("fits in memory") != std::string::npos);
}

TEST_CASE("gpu: the bundled traces on other GPUs", "[transforms][gpu]") {
  // ResNet-50 is GPU-bound on its V100; an H100 makes every kernel faster, so the iteration,
  // until the trace's own CPU time (about a third of it) binds; an A100 less.
  const std::string resnet = "resnet50_v100_rank0.pt.trace.json.gz";
  double h100 = dd::test::predicted_speedup(resnet, "gpu:target=H100");
  double a100 = dd::test::predicted_speedup(resnet, "gpu:target=A100");
  CHECK(h100 > 2.0);
  CHECK(a100 > 1.8);
  CHECK(a100 < h100);
  // The matmul trace is CPU-bound: a faster GPU buys almost nothing.
  double matmul = dd::test::predicted_speedup("matmul_v100_memory.pt.trace.json.gz", "gpu:target=H100");
  CHECK(matmul > 0.99);
  CHECK(matmul < 1.05);
  // VGG-13 from its H100 to an A100 gets slower.
  CHECK(dd::test::predicted_speedup("vgg13_h100_iter41.pt.trace.json.gz", "gpu:target=A100") <
        0.8);
  // There and back through any GPU is the replay, on every bundled trace with a known GPU,
  // to the nanosecond rounding of each move (a whole-ns duration on a GPU up to ~10x faster
  // comes back within 10 ns).
  struct Bundled {
    const char* name;
    const char* own;
  };
  for (Bundled trace : {Bundled{"resnet50_v100_rank0.pt.trace.json.gz", "V100"},
                        Bundled{"vgg13_h100_iter41.pt.trace.json.gz", "H100"},
                        Bundled{"resnet50_h100_record.sqlite", "H100"}}) {
    const dd::Graph& measured = dd::test::bundled_graph(trace.name);
    for (const char* via : {"A100", "MI300X", "B200"}) {
      INFO(trace.name << " via " << via);
      dd::Graph graph(measured);
      REQUIRE(dd::test::apply_model(graph, std::string("gpu:target=") + via));
      REQUIRE(dd::test::apply_model(graph, std::string("gpu:target=") + trace.own));
      dd::TimeNs worst = 0;
      for (TaskId t = 0; t < graph.task_count(); ++t) {
        worst = std::max(worst, std::abs(graph.duration[t] - measured.duration[t]));
      }
      CHECK(worst <= 10);
      CHECK(static_cast<double>(dd::test::simulated_iteration(graph)) ==
            Approx(static_cast<double>(dd::test::simulated_iteration(measured))).epsilon(1e-4));
    }
  }
}
