// The GPU's activity within a breakdown's windows (gpu_activity.h) and the operator table
// (operator_table.h) on hand-built graphs with hand-set timelines, every number worked out in
// the comments; and the critical path on a measured timeline through a blocking call.
#include "reports/gpu_activity.h"

#include <catch2/catch.hpp>

#include "collector/trace/trace_builder.h"
#include "graph/graph_builder.h"
#include "reports/breakdown_metrics.h"
#include "reports/operator_table.h"
#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "trace_maker.h"

using dd::EdgeKind;
using dd::IdleCause;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

namespace {

// Window [0,100]. CPU launches (start): L1 0, L4 1, L3 5, L5 6, L2 40, each 1 ns long.
// Stream s1: k1 [10,20] (L1), k2 [50,60] (L2), k3 [70,80] (L3, and waits for k4),
//            k5 [85,90] (L5). Stream s2: k4 [30,65] (L4), a collective.
struct Activity {
  dd::test::TinyGraph t;
  dd::ResourceId s2 = t.add_stream("s2");
  TaskId l1 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l4 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l3 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l5 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l2 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId k1 = t.gpu_op(t.gpu, 10, "k1", KernelClass::kGemm, Phase::kForward, "");
  TaskId k2 = t.gpu_op(t.gpu, 10, "k2", KernelClass::kGemm, Phase::kForward, "");
  TaskId k3 = t.gpu_op(t.gpu, 10, "k3", KernelClass::kGemm, Phase::kForward, "");
  TaskId k5 = t.gpu_op(t.gpu, 5, "k5", KernelClass::kGemm, Phase::kForward, "");
  TaskId k4 = t.gpu_op(s2, 35, "nccl", KernelClass::kCommunication, Phase::kBackward, "");
  dd::Timeline timeline;

  Activity() {
    for (auto [call, op] : {std::pair{l1, k1}, {l2, k2}, {l3, k3}, {l4, k4}, {l5, k5}}) {
      t.graph.add_edge(call, op, EdgeKind::kLaunch);
    }
    t.graph.add_edge(k4, k3, EdgeKind::kCrossStream);
    timeline.start.assign(t.graph.task_count(), 0);
    timeline.end.assign(t.graph.task_count(), 0);
    auto at = [&](TaskId task, dd::TimeNs start, dd::TimeNs end) {
      timeline.start[task] = start;
      timeline.end[task] = end;
    };
    at(l1, 0, 1), at(l4, 1, 2), at(l3, 5, 6), at(l5, 6, 7), at(l2, 40, 41);
    at(k1, 10, 20), at(k2, 50, 60), at(k3, 70, 80), at(k5, 85, 90), at(k4, 30, 65);
  }

  dd::GpuActivity measure() const {
    return dd::measure_gpu_activity(t.graph, timeline, {{0, 100}});
  }
};

dd::TimeNs idle(const dd::GpuTime& time, IdleCause cause) {
  return time.idle[static_cast<size_t>(cause)];
}

}  // namespace

TEST_CASE("Idle GPU time is charged to what the op ending each gap waited for",
          "[breakdown][gpu_activity]") {
  dd::GpuActivity a = Activity().measure();
  REQUIRE(a.streams.size() == 2);
  // s1: [0,10] k1's launch came at 0 (host); [20,50] k2 launched at 40 (host); [60,70] k3
  // launched at 5 but waited for k4, which ended at 65 (other stream); [80,85] k5 launched at
  // 6 (other); [90,100] after the last op (other).
  const dd::GpuTime& s1 = a.streams[0].time;
  CHECK(s1.busy == 35);
  CHECK(idle(s1, IdleCause::kHost) == 10 + 30);
  CHECK(idle(s1, IdleCause::kOtherStream) == 10);
  CHECK(idle(s1, IdleCause::kOther) == 5 + 10);
  // s2: [0,30] before k4, launched at 1 (host); [65,100] after it.
  const dd::GpuTime& s2 = a.streams[1].time;
  CHECK(s2.busy == 35);
  CHECK(idle(s2, IdleCause::kHost) == 30);
  CHECK(idle(s2, IdleCause::kOther) == 35);
  // All streams: busy [10,20] [30,65] [70,80] [85,90] = 60; gaps [0,10] ends with k1 (host),
  // [20,30] with k4 (launched at 1: other), [65,70] with k3 (k4 ended at 65, not after the
  // gap began: other), [80,85] with k5 (other), [90,100] (other).
  const dd::GpuTime& all = a.all_streams;
  CHECK(all.busy == 60);
  CHECK(idle(all, IdleCause::kHost) == 10);
  CHECK(idle(all, IdleCause::kOtherStream) == 0);
  CHECK(idle(all, IdleCause::kOther) == 10 + 5 + 5 + 10);
}

TEST_CASE("Communication overlapped with computation, and the exposed rest",
          "[breakdown][gpu_activity]") {
  // The collective [30,65] runs alongside k2 [50,60] only.
  dd::CommunicationOverlap c = Activity().measure().communication;
  CHECK(c.present);
  CHECK(c.communication == 35);
  CHECK(c.overlapped == 10);
  CHECK(c.exposed() == 25);
}

TEST_CASE("The launch queue counts ops from their launch call's start to their end",
          "[breakdown][gpu_activity]") {
  // In flight: [0,1) 1, [1,5) 2, [5,6) 3, [6,20) 4, [20,40) 3, [40,60) 4, [60,65) 3,
  // [65,80) 2, [80,90) 1, [90,100) 0: 263 op-ns over 100 ns.
  dd::LaunchQueue q = Activity().measure().queue;
  CHECK(q.present);
  CHECK(q.mean == Approx(2.63));
  CHECK(q.max == 4);
  CHECK(q.empty_time == 10);
  REQUIRE(q.series.size() == 100);  // 1 ns steps over the 100 ns window
  CHECK(q.series_step == 1);
  CHECK(q.series[0] == 1);
  CHECK(q.series[5] == 3);
  CHECK(q.series[19] == 4);
  CHECK(q.series[20] == 3);
  CHECK(q.series[99] == 0);
}

TEST_CASE("The operator table counts calls, CPU and GPU time and launch delays per op",
          "[breakdown][operators]") {
  // aten::conv2d called twice ([0,100) and [200,300)), each launching one kernel 20 ns after
  // its launch call began; aten::relu once ([400,450)), its kernel 5 ns after; one kernel
  // launched outside any op. A nested op (aten::convolution) is no call of its own.
  dd::test::TraceMaker m;
  m.range(m.main_thread, "aten::conv2d", 0, 100, dd::RangeKind::kFrameworkOp);
  m.range(m.main_thread, "aten::convolution", 5, 95, dd::RangeKind::kFrameworkOp);
  m.api(m.main_thread, "cudaLaunchKernel", 10, 15, 1);
  m.kernel("conv", 30, 80, 1, m.stream);
  m.range(m.main_thread, "aten::conv2d", 200, 300, dd::RangeKind::kFrameworkOp);
  m.api(m.main_thread, "cudaLaunchKernel", 210, 215, 2);
  m.kernel("conv", 230, 290, 2, m.stream);
  m.range(m.main_thread, "aten::relu", 400, 450, dd::RangeKind::kFrameworkOp);
  m.api(m.main_thread, "cudaLaunchKernel", 410, 412, 3);
  m.kernel("relu", 415, 425, 3, m.stream);
  m.api(m.main_thread, "cudaMemsetAsync", 500, 505, 4);
  m.kernel("memset", 510, 512, 4, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  dd::Timeline measured = dd::measured_timeline(*graph);
  auto counted = dd::counted_instants(*graph, measured);
  auto rows = dd::operator_table(*graph, measured, {{0, 1000}}, counted);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].name == "aten::conv2d");
  CHECK(rows[0].calls == 2);
  CHECK(rows[0].cpu_time == 200);
  CHECK(rows[0].gpu_time == 50 + 60);
  CHECK(rows[0].gpu_ops == 2);
  CHECK(rows[0].launched_ops == 2);
  CHECK(rows[0].launch_delay == 20 + 20);
  CHECK(rows[1].name == "aten::relu");
  CHECK((rows[1].calls == 1 && rows[1].cpu_time == 50 && rows[1].gpu_time == 10));
  CHECK(rows[1].launch_delay == 5);
  CHECK(rows[2].name == dd::kNoOperator);
  CHECK((rows[2].calls == 0 && rows[2].gpu_time == 2 && rows[2].gpu_ops == 1));

  auto folded = dd::operator_table(*graph, measured, {{0, 1000}}, counted, {}, 1);
  REQUIRE(folded.size() == 3);
  CHECK(folded[1].name == "(1 more ops)");
  CHECK(folded[1].gpu_time == 10);
}

TEST_CASE("On the measured timeline a blocking call's path runs through what it waited for",
          "[breakdown][critical_path]") {
  // Launch [0,10], CPU work [10,20], cudaDeviceSynchronize [20,130] waiting for the kernel
  // [12,120]. The sync's own work begins at 120 (its post-wait part is 10 ns), so the kernel
  // released it: path launch -> kernel -> sync, 10 + 108 + 10 ns of 130, 2 ns of launch
  // latency waited. (Read from the recorded starts alone, the CPU work would have released
  // the sync at 20 and the path would be all CPU.)
  dd::test::TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 10, 1);
  m.api(m.main_thread, "cudaDeviceSynchronize", 20, 130, 2);
  m.kernel("volta_sgemm_128x64_nn", 12, 120, 1, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  dd::Breakdown b = dd::measured_breakdown(*graph, dd::measured_timeline(*graph), dd::simulate(*graph, 0));
  const dd::CriticalPathSummary& path = b.critical_path;
  CHECK(path.length == 130);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kGpuStream)] == 108);
  CHECK(path.by_kind[static_cast<size_t>(dd::ResourceKind::kCpuThread)] == 20);
  CHECK(path.wait_time == 2);
  CHECK(b.verdict == dd::Verdict::kGpuBound);
}
