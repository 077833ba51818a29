// The replay mechanisms that real traces of every vintage need (issue: faithful replay on every
// trace), each on a hand-built trace whose replay is computed by hand: HIP API names, the launch
// queue's depth (slow launches that a full queue does not explain; a queue that really fills),
// GPU ops launched before the trace began, cross-stream waits without event records, streams
// busy with work the trace does not show, and iterations between optimizer steps.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/trace/iterations.h"
#include "collector/trace/trace_builder.h"
#include "graph/api_semantics.h"
#include "graph/graph_builder.h"
#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"
#include "collector/kineto_fixture.h"
#include "trace_maker.h"

namespace {

using dd::TimeNs;
using dd::test::TraceMaker;

dd::TaskId task_of_op(const dd::Graph& g, uint32_t row) {
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    if (g.source_table[t] == dd::TraceTable::kGpuOps && g.source_row[t] == row) return t;
  }
  return dd::kNone;
}

dd::TaskId task_of_api(const dd::Graph& g, uint32_t row) {
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    if (g.source_table[t] == dd::TraceTable::kApiCalls && g.source_row[t] == row) return t;
  }
  return dd::kNone;
}

size_t edges_of_kind(const dd::Graph& g, dd::EdgeKind kind) {
  size_t n = 0;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) n += g.edge_kind[e] == kind ? 1 : 0;
  return n;
}

bool has_edge(const dd::Graph& g, dd::TaskId from, dd::TaskId to, dd::EdgeKind kind) {
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_from[e] == from && g.edge_to[e] == to && g.edge_kind[e] == kind) return true;
  }
  return false;
}

// Every task of the replay ends where it was recorded, and every GPU op starts there too (a
// blocking call runs only its post-wait part, so it starts later than recorded).
void check_replay_is_exact(const dd::Graph& g) {
  dd::Timeline replay = dd::simulate(g, dd::graph_origin(g));
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    INFO("task " << t << " " << g.str(g.name[t]));
    if (g.kind[t] == dd::TaskKind::kGpuOp) CHECK(replay.start[t] == g.recorded_start[t]);
    CHECK(replay.end[t] == g.recorded_end[t]);
  }
}

// A launch call and the kernel it launched (correlation = its index + 1), on `stream`.
struct Launches : TraceMaker {
  uint64_t correlation = 0;
  uint32_t launch(const char* api, TimeNs call_start, TimeNs call_end, TimeNs op_start,
                  TimeNs op_end, uint32_t on_stream) {
    ++correlation;
    api_call(api, call_start, call_end, correlation);
    kernel("kernel", op_start, op_end, correlation, on_stream);
    return static_cast<uint32_t>(trace.gpu_ops.size() - 1);
  }
  void api_call(const char* name, TimeNs start, TimeNs end, uint64_t with_correlation = 0) {
    api(main_thread, name, start, end, with_correlation);
  }
};

}  // namespace

TEST_CASE("HIP calls take the role of their CUDA namesakes", "[graph][fidelity]") {
  using dd::ApiRole;
  CHECK(dd::api_role("hipLaunchKernel") == ApiRole::kLaunch);
  CHECK(dd::api_role("hipExtModuleLaunchKernel") == ApiRole::kLaunch);
  CHECK(dd::api_role("hipModuleLaunchKernel") == ApiRole::kLaunch);
  CHECK(dd::api_role("hipGraphLaunch") == ApiRole::kLaunch);
  CHECK(dd::api_role("hipMemcpyAsync") == ApiRole::kLaunch);
  CHECK(dd::api_role("hipMemcpyWithStream") == ApiRole::kBlockingCopy);
  CHECK(dd::api_role("hipDeviceSynchronize") == ApiRole::kDeviceSync);
  CHECK(dd::api_role("hipFree") == ApiRole::kDeviceSync);
  CHECK(dd::api_role("hipStreamSynchronize") == ApiRole::kStreamSync);
  CHECK(dd::api_role("hipEventSynchronize") == ApiRole::kEventSync);
  CHECK(dd::api_role("hipEventRecord") == ApiRole::kEventRecord);
  CHECK(dd::api_role("hipStreamWaitEvent") == ApiRole::kStreamWaitEvent);
  CHECK(dd::api_role("hipStreamGetCaptureInfo_v2") == ApiRole::kOther);
  CHECK(dd::api_role("hipGetDevicePropertiesR0600") == ApiRole::kOther);

  // hipDeviceSynchronize [20,130] waits for the kernel [12,120]: it keeps 130 - 120.
  Launches m;
  m.launch("hipLaunchKernel", 0, 10, 12, 120, m.stream);
  m.api_call("hipDeviceSynchronize", 20, 130);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  CHECK(graph->duration[task_of_api(*graph, 1)] == 10);
  CHECK(edges_of_kind(*graph, dd::EdgeKind::kHostWait) == 1);
  check_replay_is_exact(*graph);
}

TEST_CASE("Slow launches that a full queue does not explain leave the queue unbounded",
          "[graph][fidelity]") {
  // Launches every 100 ns. "idle": the previous kernel ended before the call; "busy": it runs
  // past the call, which returns at once (5 ns); "slow": the call takes 80 ns and returns 5 ns
  // after the previous kernel ends, as if a queue of depth 1 had held it. Four busy calls
  // returned with an op in flight and no completion: no queue of depth 1 allows that.
  Launches m;
  const std::string pattern = "IBSBSBSBI";
  struct Slot {
    TimeNs call_end, op_start;
  };
  std::vector<Slot> slots;
  for (size_t i = 0; i < pattern.size(); ++i) {
    TimeNs t = 100 * static_cast<TimeNs>(i);
    TimeNs call_end = pattern[i] == 'S' ? t + 80 : t + 5;
    TimeNs previous_end = i == 0 ? -1 : (pattern[i] == 'I' ? t - 5 : pattern[i] == 'B' ? t + 40 : t + 75);
    TimeNs op_start = pattern[i] == 'B' ? previous_end + 1 : call_end + 2;
    slots.push_back({call_end, op_start});
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    TimeNs t = 100 * static_cast<TimeNs>(i);
    TimeNs next = t + 100;
    char after = i + 1 < pattern.size() ? pattern[i + 1] : 'I';
    TimeNs op_end = after == 'I' ? next - 5 : after == 'B' ? next + 40 : next + 75;
    m.launch("cudaLaunchKernel", t, slots[i].call_end, slots[i].op_start, op_end, m.stream);
  }
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  CHECK(graph->parameters.launch_queue_depth == 1024);
  CHECK(edges_of_kind(*graph, dd::EdgeKind::kQueueSlot) == 0);
  CHECK(graph->parameters.launch_latency_ns == 2);
  CHECK(graph->parameters.gpu_op_gap_ns == 1);
  check_replay_is_exact(*graph);
}

TEST_CASE("A launch queue that fills is measured at its depth and replayed exactly",
          "[graph][fidelity]") {
  // CUDA with a queue of 3: kernels of 100 ns run back to back; launch calls take 10 ns, or,
  // with 3 ops in flight, return 2 ns after the oldest completes. Recorded as CUDA would run it:
  //   L0 [0,10] K0 [12,112]; L1 [10,20] K1 [112,212]; L2 [20,30] K2 [212,312];
  //   L3 [30,114] (waits for K0) K3 [312,412]; L4 [114,214] K4 [412,512]; L5 [214,314] ...
  Launches m;
  m.launch("cudaLaunchKernel", 0, 10, 12, 112, m.stream);
  m.launch("cudaLaunchKernel", 10, 20, 112, 212, m.stream);
  m.launch("cudaLaunchKernel", 20, 30, 212, 312, m.stream);
  TimeNs call_start = 30;
  for (int k = 3; k < 8; ++k) {
    TimeNs released = 112 + 100 * (k - 3);
    m.launch("cudaLaunchKernel", call_start, released + 2, 12 + 100 * k, 112 + 100 * k, m.stream);
    call_start = released + 2;
  }
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  CHECK(g.parameters.launch_queue_depth == 3);
  CHECK(edges_of_kind(g, dd::EdgeKind::kQueueSlot) == 5);  // K0..K4 release L3..L7
  CHECK(has_edge(g, task_of_op(g, 0), task_of_api(g, 3), dd::EdgeKind::kQueueSlot));
  CHECK(g.duration[task_of_api(g, 3)] == 2);  // the post-wait part of the blocked call
  check_replay_is_exact(g);
}

TEST_CASE("GPU ops opening a stream without a launch were queued before the trace",
          "[graph][fidelity]") {
  // Two ops with correlation ids the trace has no call for run first on the stream; then the
  // launched op queued behind them. An op without a launch later in the stream is a lost record.
  Launches m;
  m.kernel("backlog_a", 0, 50, 901, m.stream);
  m.kernel("backlog_b", 50, 100, 902, m.stream);
  m.launch("cudaLaunchKernel", 10, 15, 100, 130, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  CHECK(graph->diagnostics.count("gpu_ops_launched_before_trace") == 2);
  CHECK(graph->diagnostics.count("gpu_op_without_launch") == 0);
  check_replay_is_exact(*graph);

  m.kernel("lost_record", 200, 210, 903, m.stream);
  dd::finish_trace(m.trace);
  auto with_lost = dd::build_graph(m.trace);
  REQUIRE(with_lost);
  CHECK(with_lost->diagnostics.count("gpu_ops_launched_before_trace") == 2);
  CHECK(with_lost->diagnostics.count("gpu_op_without_launch") == 1);
}

TEST_CASE("Without event records a stream wait joins the op the event can have captured",
          "[graph][fidelity]") {
  // Stream 7: K1 [10,200], then K2 [200,220]. The thread records an event after launching K1
  // (not in the trace), launches K2, then makes stream 8 wait for the event: stream 8's K3
  // starts at 200, when K1 ends. K2, the last op launched on stream 7 before the wait, was still
  // running at 200, so the event cannot have captured it: the dependency is K1 -> K3.
  Launches m;
  uint32_t other = m.builder.stream(m.process, 0, 8);
  m.launch("cudaLaunchKernel", 0, 5, 10, 200, m.stream);
  m.launch("cudaLaunchKernel", 8, 9, 200, 220, m.stream);
  m.api_call("cudaStreamWaitEvent", 20, 22);
  m.launch("cudaLaunchKernel", 30, 35, 200, 230, other);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  CHECK(has_edge(g, task_of_op(g, 0), task_of_op(g, 2), dd::EdgeKind::kCrossStream));
  CHECK_FALSE(has_edge(g, task_of_op(g, 1), task_of_op(g, 2), dd::EdgeKind::kCrossStream));
  CHECK(g.parameters.launch_latency_ns == 5);  // K3 waited for K1: not a latency sample
  check_replay_is_exact(g);
}

TEST_CASE("A stream whose first op waits for unrecorded work is busy from the trace's start",
          "[graph][fidelity]") {
  // Stream 7 shows launch latencies of 2 ns. Stream 8's first op, launched at 35, starts at 5000
  // with nothing running on the device since 37: the stream was busy with work from before the
  // trace until 5000.
  Launches m;
  uint32_t other = m.builder.stream(m.process, 0, 8);
  m.launch("cudaLaunchKernel", 0, 5, 7, 17, m.stream);
  m.launch("cudaLaunchKernel", 20, 25, 27, 37, m.stream);
  m.launch("cudaLaunchKernel", 30, 35, 5000, 5010, other);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  CHECK(graph->parameters.launch_latency_ns == 2);
  CHECK(graph->resources[graph->resource[task_of_op(*graph, 2)]].busy_at_start_ns == 5000);
  CHECK(graph->resources[graph->resource[task_of_op(*graph, 0)]].busy_at_start_ns == 0);
  CHECK(graph->diagnostics.count("stream_busy_before_trace") == 1);
  check_replay_is_exact(*graph);
}

TEST_CASE("A first op that waited for recorded work on another stream is not marked busy",
          "[graph][fidelity]") {
  Launches m;
  uint32_t other = m.builder.stream(m.process, 0, 8);
  m.launch("cudaLaunchKernel", 0, 5, 7, 3000, m.stream);
  m.api_call("cudaStreamWaitEvent", 8, 9);
  m.launch("cudaLaunchKernel", 10, 15, 3000, 3010, other);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  for (const dd::Resource& r : graph->resources) CHECK(r.busy_at_start_ns == 0);
  check_replay_is_exact(*graph);
}

TEST_CASE("Iterations between optimizer steps replay start to start", "[graph][fidelity]") {
  // Three optimizer steps at 0, 1000 and 2500 on the training thread, one launch in each
  // iteration: two iterations, of 1000 and 1500 ns, measured and replayed.
  Launches m;
  for (TimeNs at : {0, 1000, 2500}) {
    m.range(m.main_thread, "Optimizer.step#SGD.step", at, at + 100, dd::RangeKind::kUserAnnotation);
  }
  m.launch("cudaLaunchKernel", 200, 210, 212, 400, m.stream);
  m.launch("cudaLaunchKernel", 1200, 1210, 1212, 1400, m.stream);
  m.api_call("cudaDeviceSynchronize", 2400, 2450);
  dd::finish_trace(m.trace);
  REQUIRE(m.trace.iterations.size() == 2);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  REQUIRE(graph->iterations.size() == 2);
  dd::IterationTimes measured = dd::iteration_times(*graph, dd::measured_timeline(*graph));
  dd::IterationTimes replayed =
      dd::iteration_times(*graph, dd::simulate(*graph, dd::graph_origin(*graph)));
  CHECK(measured.per_iteration == std::vector<TimeNs>{1000, 1500});
  CHECK(replayed.per_iteration == measured.per_iteration);
}

TEST_CASE("An MTIA trace loads, counts what it cannot model, and replay says why it cannot run",
          "[graph][fidelity]") {
  dd::Trace trace = dd::test::import_json(R"({"traceEvents": [
    {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 0, "dur": 10},
    {"ph": "X", "cat": "mtia_runtime", "name": "runFunction", "pid": 1, "tid": 1, "ts": 2, "dur": 3},
    {"ph": "X", "cat": "mtia_ccp_events", "name": "mm", "pid": 1, "tid": 2, "ts": 6, "dur": 30},
    {"ph": "X", "cat": "mtia_ccp_events", "name": "dma_request", "pid": 1, "tid": 2, "ts": 40, "dur": 5}
  ]})");
  CHECK(trace.ranges.size() == 1);
  CHECK(trace.diagnostics.count("mtia_device_events_not_modeled") == 2);
  CHECK(trace.diagnostics.count("mtia_runtime_calls_not_modeled") == 1);
  CHECK(trace.diagnostics.count("kineto_unknown_category") == 0);
  auto graph = dd::build_graph(trace);
  REQUIRE_FALSE(graph);
  CHECK_THAT(graph.error().message,
             Catch::Contains("Meta MTIA trace (2 MTIA device events, 1 MTIA runtime calls)") &&
                 Catch::Contains("does not model MTIA devices yet"));
}
