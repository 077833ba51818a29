// `daydream breakdown` metrics and renderings on hand-built graphs whose totals, busy time,
// critical path and verdict are worked out by hand in the comments.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "reports/breakdown_metrics.h"
#include "reports/breakdown_report.h"
#include "simulator/simulator.h"
#include "collector/trace/trace_builder.h"
#include "graph/graph_builder.h"
#include "tiny_graph.h"
#include "trace_maker.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

dd::Breakdown replay_breakdown(const dd::Graph& graph) {
  return dd::compute_breakdown(graph, dd::simulate(graph, 0));
}

// CPU:        launch0 [0,10] fwd conv1, launch1 [10,20] fwd fc, work [20,40] data,
//             launch2 [40,50] optimizer, sync [145,150] other (waits for k2 and k1).
// stream s1:  k0 conv_fwd [15,115] fwd conv1 (launch latency 5), k2 add [115,145] optimizer.
// stream s2:  k1 sgemm [20,70] backward fc.
struct TwoStreamRun {
  dd::test::TinyGraph t;
  dd::ResourceId s2 = t.add_stream("s2");
  TaskId launch0 = t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "conv1");
  TaskId launch1 = t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "fc");
  TaskId work = t.cpu_task(TaskKind::kCpuWork, 20, Phase::kData, "");
  TaskId launch2 = t.cpu_task(TaskKind::kApiCall, 10, Phase::kOptimizer, "");
  TaskId sync = t.cpu_task(TaskKind::kApiCall, 5, Phase::kOther, "");
  TaskId k0 = t.gpu_op(t.gpu, 100, "conv_fwd", KernelClass::kConvolution, Phase::kForward, "conv1");
  TaskId k2 = t.gpu_op(t.gpu, 30, "add", KernelClass::kElementwise, Phase::kOptimizer, "");
  TaskId k1 = t.gpu_op(s2, 50, "sgemm", KernelClass::kGemm, Phase::kBackward, "fc");
  TwoStreamRun() {
    t.graph.add_edge(launch0, k0, EdgeKind::kLaunch, 5);
    t.graph.add_edge(launch1, k1, EdgeKind::kLaunch);
    t.graph.add_edge(launch2, k2, EdgeKind::kLaunch);
    t.graph.add_edge(k2, sync, EdgeKind::kHostWait);
    t.graph.add_edge(k1, sync, EdgeKind::kHostWait);
  }
};

dd::BreakdownOptions grouped(dd::LayerGrouping grouping) {
  dd::BreakdownOptions options;
  options.group_by = grouping;
  return options;
}

// A CPU chain `work` long, then a launch (10) of a kernel (30): the path is all three.
dd::Verdict verdict_for_cpu_work(dd::TimeNs work) {
  dd::test::TinyGraph t;
  t.add(t.cpu, work);
  TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId kernel = t.add(t.gpu, 30, TaskKind::kGpuOp);
  t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
  return replay_breakdown(t.graph).verdict;
}

}  // namespace

TEST_CASE("Phase, layer and class totals add up to the GPU and CPU time", "[breakdown]") {
  TwoStreamRun run;
  dd::Breakdown b = replay_breakdown(run.t.graph);
  CHECK(b.scope == "the whole trace (no iteration markers)");
  CHECK(b.windows == 1);
  CHECK(b.window_time == 150);
  CHECK(b.steady_state == 150);
  CHECK(b.gpu_time == 180);
  CHECK(b.cpu_time == 55);

  REQUIRE(b.phases.size() == dd::kPhaseCount);
  const auto& fwd = b.phases[static_cast<size_t>(Phase::kForward)];
  CHECK((fwd.name == "forward" && fwd.gpu_time == 100 && fwd.cpu_time == 20));
  const auto& bwd = b.phases[static_cast<size_t>(Phase::kBackward)];
  CHECK((bwd.gpu_time == 50 && bwd.cpu_time == 0));
  const auto& opt = b.phases[static_cast<size_t>(Phase::kOptimizer)];
  CHECK((opt.gpu_time == 30 && opt.cpu_time == 10));
  const auto& data = b.phases[static_cast<size_t>(Phase::kData)];
  CHECK((data.gpu_time == 0 && data.cpu_time == 20));
  const auto& other = b.phases[static_cast<size_t>(Phase::kOther)];
  CHECK((other.gpu_time == 0 && other.cpu_time == 5));

  // Work in no layer goes to the row of its phase: the optimizer step, data loading, the rest.
  REQUIRE(b.layers.size() == 5);
  CHECK((b.layers[0].name == "conv1" && b.layers[0].gpu_time == 100 && b.layers[0].cpu_time == 10));
  CHECK((b.layers[1].name == "fc" && b.layers[1].gpu_time == 50 && b.layers[1].cpu_time == 10));
  CHECK((b.layers[2].name == "(optimizer)" && b.layers[2].gpu_time == 30 && b.layers[2].cpu_time == 10));
  CHECK((b.layers[3].name == "(data loading)" && b.layers[3].gpu_time == 0 && b.layers[3].cpu_time == 20));
  CHECK((b.layers[4].name == "(unattributed)" && b.layers[4].gpu_time == 0 && b.layers[4].cpu_time == 5));

  REQUIRE(b.kernel_classes.size() == 3);
  CHECK((b.kernel_classes[0].name == "convolution" && b.kernel_classes[0].gpu_ops == 1));
  CHECK((b.kernel_classes[1].name == "gemm" && b.kernel_classes[1].gpu_time == 50));
  CHECK((b.kernel_classes[2].name == "elementwise" && b.kernel_classes[2].gpu_time == 30));

  REQUIRE(b.top_kernels.size() == 3);
  CHECK((b.top_kernels[0].name == "conv_fwd" && b.top_kernels[0].kernel_class == "convolution"));
  CHECK((b.top_kernels[2].name == "add" && b.top_kernels[2].gpu_time == 30));
}

TEST_CASE("GPU busy time is the union of op intervals, idle is the rest of the window",
          "[breakdown]") {
  TwoStreamRun run;
  dd::Breakdown b = replay_breakdown(run.t.graph);
  REQUIRE(b.gpu.streams.size() == 2);
  CHECK((b.gpu.streams[0].name == "gpu" && b.gpu.streams[0].time.busy == 130));  // [15,145]
  CHECK((b.gpu.streams[1].name == "s2" && b.gpu.streams[1].time.busy == 50));    // [20,70]
  CHECK(b.gpu.all_streams.busy == 130);
  CHECK(b.gpu.all_streams.idle_total() == 20);
}

TEST_CASE("The critical path is summarised per resource and layer, 130 of 150 ns on the GPU",
          "[breakdown]") {
  // Path: launch0 [0,10] -(5)-> k0 [15,115] -> k2 [115,145] -> sync [145,150].
  TwoStreamRun run;
  dd::Breakdown b = replay_breakdown(run.t.graph);
  const dd::CriticalPathSummary& path = b.critical_path;
  CHECK(path.length == 150);
  CHECK(path.wait_time == 5);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kGpuStream)] == 130);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kCpuThread)] == 15);
  REQUIRE(path.by_resource.size() == 2);
  CHECK((path.by_resource[0].name == "gpu" && path.by_resource[0].time == 130));
  CHECK((path.by_resource[1].name == "cpu" && path.by_resource[1].time == 15));
  REQUIRE(path.by_layer.size() == 3);
  CHECK((path.by_layer[0].name == "conv1" && path.by_layer[0].gpu_time == 100 &&
         path.by_layer[0].cpu_time == 10));
  CHECK((path.by_layer[1].name == "(optimizer)" && path.by_layer[1].gpu_time == 30 &&
         path.by_layer[1].cpu_time == 0));
  CHECK((path.by_layer[2].name == "(unattributed)" && path.by_layer[2].gpu_time == 0 &&
         path.by_layer[2].cpu_time == 5));
  CHECK(b.verdict == dd::Verdict::kGpuBound);
}

TEST_CASE("The verdict needs 70% of the critical path on one side", "[breakdown]") {
  CHECK(verdict_for_cpu_work(60) == dd::Verdict::kCpuBound);  // CPU 70 of 100
  CHECK(verdict_for_cpu_work(59) == dd::Verdict::kMixed);     // CPU 69 of 99
  CHECK(verdict_for_cpu_work(0) == dd::Verdict::kGpuBound);   // GPU 30 of 40: 75%
}

TEST_CASE("Critical-path time overlapping a predecessor counts once", "[breakdown]") {
  // launch [0,10]; the kernel starts 4 ns before the launch returns: [6,26].
  dd::test::TinyGraph t;
  TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId kernel = t.add(t.gpu, 20, TaskKind::kGpuOp);
  t.graph.add_edge(launch, kernel, EdgeKind::kLaunch, -4);
  const dd::CriticalPathSummary path = replay_breakdown(t.graph).critical_path;
  CHECK(path.length == 26);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kCpuThread)] == 10);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kGpuStream)] == 16);
  CHECK(path.wait_time == 0);
}

TEST_CASE("Top layers: the rest fold into one row and the unattributed row stays", "[breakdown]") {
  dd::test::TinyGraph t;
  for (dd::TimeNs i = 0; i < 20; ++i) {
    std::string layer = "layer" + std::to_string(100 + i);
    t.gpu_op(t.gpu, 10 + i, "k", KernelClass::kOther, Phase::kForward, layer.c_str());
  }
  t.gpu_op(t.gpu, 1, "k", KernelClass::kOther, Phase::kForward, "");
  dd::Breakdown b = replay_breakdown(t.graph);
  REQUIRE(b.layers.size() == dd::kTopLayers + 2);
  CHECK(b.layers.front().name == "layer119");  // 29 ns, the longest
  const dd::BreakdownRow& rest = b.layers[dd::kTopLayers];
  CHECK(rest.name == "(5 more layers)");
  CHECK(rest.gpu_time == 10 + 11 + 12 + 13 + 14);
  CHECK(b.layers.back().name == "(unattributed)");
  REQUIRE(b.top_kernels.size() == 1);  // one (name, class): all 21 ops
  CHECK(b.top_kernels[0].gpu_ops == 21);
}

namespace {

// Warm-up CPU work [0,100], then two marked iterations of: marker work (10), launch (10) of a
// kernel (50), sync (5) waiting for it; an end task [250,257] after them.
struct TwoIterations {
  dd::test::TinyGraph t;
  TaskId warmup = t.add(t.cpu, 100);
  TwoIterations() {
    TaskId starts[2];
    for (TaskId& start : starts) {
      start = t.add(t.cpu, 10);
      TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
      TaskId sync = t.add(t.cpu, 5, TaskKind::kApiCall);
      TaskId kernel = t.add(t.gpu, 50, TaskKind::kGpuOp);
      t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
      t.graph.add_edge(kernel, sync, EdgeKind::kHostWait);
    }
    TaskId end = t.add(t.cpu, 7);
    t.graph.iterations.push_back({0, t.graph.intern("it0"), starts[0], starts[1]});
    t.graph.iterations.push_back({1, t.graph.intern("it1"), starts[1], end});
  }
};

}  // namespace

TEST_CASE("With markers the steady-state iterations are the windows, work outside is left out",
          "[breakdown]") {
  TwoIterations run;
  dd::Breakdown b = replay_breakdown(run.t.graph);
  // The later half of two iterations is the second one: [175,250].
  CHECK(b.scope == "1 steady-state iteration (it1, the later half of 2 marked)");
  CHECK(b.windows == 1);
  CHECK(b.steady_state == 75);
  CHECK(b.window_time == 75);
  CHECK((b.shortest_window == 75 && b.longest_window == 75));
  CHECK(b.cpu_time == 25);  // no warm-up, no first iteration, no end task
  CHECK(b.gpu_time == 50);
  CHECK(b.gpu.all_streams.busy == 50);
  // The window's path: marker work, launch, kernel, sync: 25 CPU + 50 GPU of 75.
  CHECK(b.critical_path.length == 75);
  CHECK(b.critical_path.wait_time == 0);
  CHECK(b.verdict == dd::Verdict::kMixed);
}

TEST_CASE("An iteration's tables hold the GPU work it launched, wherever the GPU ran it",
          "[breakdown]") {
  // CPU: warm-up [0,100], it0: marker work [100,110], launch [110,120] of k0; it1: marker
  // work [120,130], launch [130,140] of k1; end task [140,147]. GPU: k0 [120,170], k1 [170,220]
  // (the GPU lags its host). The analysed window is it1 [120,140]: k0 starts in it but was
  // launched in it0; k1 was launched in it and runs after it.
  dd::test::TinyGraph t;
  t.add(t.cpu, 100);
  TaskId starts[2];
  for (int i = 0; i < 2; ++i) {
    starts[i] = t.add(t.cpu, 10);
    TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
    TaskId kernel = t.gpu_op(t.gpu, 50, i == 0 ? "k0" : "k1", KernelClass::kGemm, Phase::kForward, "fc");
    t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
  }
  TaskId end = t.add(t.cpu, 7);
  t.graph.iterations.push_back({0, t.graph.intern("it0"), starts[0], starts[1]});
  t.graph.iterations.push_back({1, t.graph.intern("it1"), starts[1], end});
  dd::Breakdown b = replay_breakdown(t.graph);
  REQUIRE(b.window_time == 20);
  CHECK(b.gpu_time == 50);
  REQUIRE(b.top_kernels.size() == 1);
  CHECK(b.top_kernels[0].name == "k1");
  CHECK(b.gpu.all_streams.busy == 20);  // busy time stays the window's own: k0 [120,140]
}

TEST_CASE("GPU work launched before the trace is in no iteration's tables", "[breakdown]") {
  // No markers: the whole trace is analysed. The stream opens with `queued`, which has no
  // launch (the window found it queued), then `k`, launched at [0,10].
  dd::test::TinyGraph t;
  t.gpu_op(t.gpu, 30, "queued", KernelClass::kElementwise, Phase::kOther, "");
  TaskId launch = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId kernel = t.gpu_op(t.gpu, 40, "k", KernelClass::kGemm, Phase::kForward, "fc");
  t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
  dd::Breakdown b = replay_breakdown(t.graph);
  CHECK(b.gpu_time == 40);
  CHECK(b.gpu.all_streams.busy == 70);  // both ran in the trace's span

  SECTION("a stream none of whose ops has a launch (GPU activity alone) counts them all") {
    dd::test::TinyGraph gpu_only;
    gpu_only.gpu_op(gpu_only.gpu, 30, "a", KernelClass::kElementwise, Phase::kOther, "");
    gpu_only.gpu_op(gpu_only.gpu, 40, "b", KernelClass::kGemm, Phase::kOther, "");
    CHECK(replay_breakdown(gpu_only.graph).gpu_time == 70);
  }
}

TEST_CASE("The JSON rendering parses and carries the per-iteration numbers", "[breakdown]") {
  TwoIterations run;
  std::ostringstream out;
  dd::print_breakdown_json(replay_breakdown(run.t.graph), out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(out.str())).get(doc) == simdjson::SUCCESS);
  CHECK(double(doc["iteration_ms"]) == Approx(75e-6));
  CHECK(double(doc["gpu_busy_pct"]) == Approx(100.0 * 50 / 75));
  CHECK(double(doc["gpu_idle_pct"]) == Approx(100.0 * 25 / 75));
  CHECK(std::string_view(doc["verdict"]) == "mixed");
  simdjson::dom::array phases = doc["phases"];
  CHECK(phases.size() == dd::kPhaseCount);
  CHECK(double(phases.at(4)["gpu_ms"]) == Approx(50e-6));  // all "other", per iteration
  CHECK(double(phases.at(4)["cpu_ms"]) == Approx(25e-6));
  for (const char* key : {"layers", "kernel_classes", "top_kernels"}) {
    CHECK(simdjson::dom::array(doc[key]).size() == 1);
  }
  simdjson::dom::object path = doc["critical_path"];
  CHECK(simdjson::dom::array(path["by_resource"]).size() == 3);  // cpu, gpu, wait
  CHECK(simdjson::dom::array(path["by_layer"]).size() == 1);
}

TEST_CASE("The text rendering names each section and states the verdict rule", "[breakdown]") {
  TwoStreamRun run;
  std::ostringstream out;
  dd::print_breakdown_text(replay_breakdown(run.t.graph), out);
  std::string text = out.str();
  for (const char* section : {"Phases", "Layers", "Kernel classes", "GPU busy and idle",
                              "Critical path", "Top 15 kernels", "Verdict: GPU-bound"}) {
    CHECK(text.find(section) != std::string::npos);
  }
  CHECK(text.find(dd::verdict_rule()) != std::string::npos);
}

TEST_CASE("Layer rows grouped by module type or by framework op", "[breakdown]") {
  // Attn_0 (10 + 20 ns, aten::mm and aten::softmax), Attn_1 (30 ns, aten::mm), MLP_0 (5 ns,
  // aten::mm); one op in no layer (aten::mm, 7 ns, forward) and an optimizer kernel (3 ns).
  dd::test::TinyGraph t;
  auto op = [&](TimeNs duration, const char* layer, const char* op_name, Phase phase) {
    TaskId task = t.gpu_op(t.gpu, duration, "k", KernelClass::kGemm, phase, layer);
    t.graph.op[task] = t.graph.intern(op_name);
  };
  op(10, "Attn_0", "aten::mm", Phase::kForward);
  op(20, "Attn_0", "aten::softmax", Phase::kForward);
  op(30, "Attn_1", "aten::mm", Phase::kBackward);
  op(5, "MLP_0", "aten::mm", Phase::kForward);
  op(7, "", "aten::mm", Phase::kForward);
  op(3, "", "", Phase::kOptimizer);
  for (const char* layer : {"Attn_0", "Attn_1"}) {
    t.graph.layer_types[t.graph.intern(layer)] = t.graph.intern("Attn");
  }
  t.graph.layer_types[t.graph.intern("MLP_0")] = t.graph.intern("MLP");
  dd::Timeline timeline = dd::simulate(t.graph, 0);

  dd::Breakdown by_type = dd::compute_breakdown(t.graph, timeline, grouped(dd::LayerGrouping::kType));
  REQUIRE(by_type.layers.size() == 4);
  CHECK((by_type.layers[0].name == "Attn" && by_type.layers[0].gpu_time == 60 && by_type.layers[0].gpu_ops == 3));
  CHECK((by_type.layers[1].name == "MLP" && by_type.layers[1].gpu_time == 5));
  CHECK((by_type.layers[2].name == "(optimizer)" && by_type.layers[2].gpu_time == 3));
  CHECK((by_type.layers[3].name == "(unattributed)" && by_type.layers[3].gpu_time == 7));

  dd::Breakdown by_op = dd::compute_breakdown(t.graph, timeline, grouped(dd::LayerGrouping::kOp));
  REQUIRE(by_op.layers.size() == 3);
  CHECK((by_op.layers[0].name == "aten::mm" && by_op.layers[0].gpu_time == 10 + 30 + 5 + 7));
  CHECK((by_op.layers[1].name == "aten::softmax" && by_op.layers[1].gpu_time == 20));
  CHECK((by_op.layers[2].name == "(optimizer)" && by_op.layers[2].gpu_time == 3));

  dd::Breakdown by_module = dd::compute_breakdown(t.graph, timeline);
  REQUIRE(by_module.layers.size() == 5);  // Attn_0 and Attn_1 (30 ns each: by name), MLP_0, ...
  CHECK((by_module.layers[0].name == "Attn_0" && by_module.layers[1].name == "Attn_1"));
  CHECK(by_module.group_by == dd::LayerGrouping::kModule);
}

TEST_CASE("The measured breakdown carries the replay beside it", "[breakdown]") {
  // Four kernels queued back to back on one stream, the last after a 10 ns gap the replay's
  // one measured gap between queued ops does not reproduce; a sync waits for the last.
  // Measured: launches [0,1] [1,2] [2,3] [3,4], kernels [10,20] [21,31] [32,42] [52,62], sync
  // [4,63]: 63 ns, GPU busy 40, idle 23.
  dd::test::TraceMaker m;
  for (uint64_t i = 0; i < 4; ++i) {
    auto start = static_cast<TimeNs>(i);
    m.api(m.main_thread, "cudaLaunchKernel", start, start + 1, i + 1);
  }
  m.api(m.main_thread, "cudaStreamSynchronize", 4, 63, 5);
  TimeNs starts[] = {10, 21, 32, 52};
  for (uint64_t i = 0; i < 4; ++i) m.kernel("k", starts[i], starts[i] + 10, i + 1, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  dd::Timeline replayed = dd::simulate(*graph, dd::graph_origin(*graph));
  dd::Breakdown b = dd::measured_breakdown(*graph, dd::measured_timeline(*graph), replayed);
  CHECK(b.measured);
  CHECK(b.window_time == 63);
  CHECK(b.gpu.all_streams.busy == 40);
  CHECK(b.gpu.all_streams.idle_total() == 23);
  REQUIRE(b.replay_check);
  CHECK(b.replay_check->measured_iteration == 63);
  CHECK(b.replay_check->measured_gpu_idle == 23);
  dd::Breakdown replay = dd::compute_breakdown(*graph, replayed);
  CHECK(b.replay_check->replayed_iteration == replay.steady_state);
  CHECK(b.replay_check->replayed_gpu_idle == replay.gpu.all_streams.idle_total());
  CHECK(b.replay_check->replayed_gpu_idle < 23);
  std::ostringstream text;
  dd::print_breakdown_text(b, text);
  CHECK(text.str().find("Breakdown of the measured run") != std::string::npos);
  CHECK(text.str().find("the model's check: replaying this graph gives") != std::string::npos);
}
