// The graph builder on hand-built traces: tasks per resource, launch and host-wait edges,
// post-wait durations, and that replaying the result reproduces the recorded times.
#include "graph/graph_builder.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <vector>

#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite/sqlite_writer.h"
#include "collector/trace/trace_builder.h"
#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"
#include "trace_maker.h"

namespace {

using dd::test::TraceMaker;

using dd::test::task_of_api;
using dd::test::task_of_op;

// One iteration as `daydream record` writes it: the shim's NVTX ranges (iteration, phases,
// module `fc`) are on the training thread, where the forward kernel (GPU op row 0) is launched;
// the autograd thread launches the backward kernel (row 1, API row 1) inside none of them.
struct ShimIteration : TraceMaker {
  uint32_t autograd_thread = builder.thread(process, 200);
  ShimIteration() {
    range(main_thread, "dd:iteration#1", 0, 1000, dd::RangeKind::kNvtx);
    range(main_thread, "dd:phase:forward", 10, 200, dd::RangeKind::kNvtx);
    range(main_thread, "dd:module:fc|Linear", 20, 100, dd::RangeKind::kNvtx);
    api(main_thread, "cudaLaunchKernel", 40, 50, 1);
    kernel("volta_sgemm_128x64_nn", 60, 70, 1, stream);
    range(main_thread, "dd:phase:backward", 300, 450, dd::RangeKind::kNvtx);
    api(autograd_thread, "cudaLaunchKernel", 310, 320, 2);
    kernel("volta_sgemm_128x64_nt", 330, 340, 2, stream);
  }
  // The trace as a recording reads back: written to a daydream SQLite file and read again.
  std::optional<dd::Trace> recorded(const char* file) {
    dd::finish_trace(trace);
    auto path = std::filesystem::temp_directory_path() / file;
    std::filesystem::remove(path);
    REQUIRE(dd::write_sqlite_trace(trace, path.string()));
    auto read = dd::read_sqlite_trace(path.string());
    std::filesystem::remove(path);
    if (!read) return std::nullopt;
    return std::move(*read);
  }
};

}  // namespace

TEST_CASE("A launch, a kernel and a device synchronize become tasks and edges",
          "[graph][builder]") {
  // Thread: launch [0,10], CPU work [10,20], cudaDeviceSynchronize [20,130].
  // GPU: kernel [12,120] launched by correlation 1.
  TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 10, 1);
  m.api(m.main_thread, "cudaDeviceSynchronize", 20, 130, 2);
  m.kernel("volta_sgemm_128x64_nn", 12, 120, 1, m.stream);
  dd::finish_trace(m.trace);

  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  REQUIRE(g.resources.size() == 2);
  CHECK(g.task_count() == 4);  // launch, CPU work, sync, kernel
  dd::TaskId launch = task_of_api(g, 0), sync = task_of_api(g, 1), kernel = task_of_op(g, 0);
  CHECK(g.kind[g.next_on_resource[launch]] == dd::TaskKind::kCpuWork);
  CHECK(g.duration[g.next_on_resource[launch]] == 10);
  // The sync keeps only its post-wait part: 130 - max(20, 120).
  CHECK(g.duration[sync] == 10);
  CHECK(g.parameters.launch_latency_ns == 2);  // kernel start 12 - launch end 10

  int launches = 0, waits = 0;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_kind[e] == dd::EdgeKind::kLaunch) {
      ++launches;
      CHECK(g.edge_from[e] == launch);
      CHECK(g.edge_to[e] == kernel);
    }
    if (g.edge_kind[e] == dd::EdgeKind::kHostWait) {
      ++waits;
      CHECK(g.edge_from[e] == kernel);
      CHECK(g.edge_to[e] == sync);
    }
  }
  CHECK(launches == 1);
  CHECK(waits == 1);

  dd::Timeline timeline = dd::simulate(g, dd::graph_origin(g));
  CHECK(timeline.start[kernel] == 12);
  CHECK(timeline.end[kernel] == 120);
  CHECK(timeline.end[sync] == 130);
  // Halving the kernel shortens the sync wait by the same amount.
  dd::Graph faster = g;
  faster.duration[kernel] /= 2;
  dd::Timeline fast = dd::simulate(faster, dd::graph_origin(faster));
  CHECK(fast.end[sync] == 130 - 54);
}

TEST_CASE("A blocking copy is launched from the work before it and waited for",
          "[graph][builder]") {
  TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 5, 1);
  m.api(m.main_thread, "cudaMemcpy", 10, 200, 2);
  m.kernel("elementwise_kernel", 7, 150, 1, m.stream);
  dd::GpuOpRow copy;
  copy.kind = dd::GpuOpKind::kMemcpy;
  copy.start = 152;
  copy.end = 190;
  copy.stream = m.stream;
  copy.correlation = 2;
  copy.name = m.builder.intern("Memcpy DtoH (Device -> Pageable)");
  m.trace.gpu_ops.append(copy);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  dd::TaskId memcpy_call = task_of_api(*graph, 1);
  CHECK(graph->duration[memcpy_call] == 10);  // 200 - copy end 190
  dd::Timeline timeline = dd::simulate(*graph, dd::graph_origin(*graph));
  // Copy: ready at 10 + 2 (launch latency), stream busy until 150, runs 38 → 188; the call
  // then ends 10 later. (Recorded: 200; the 2 ns the copy queued behind the kernel are the
  // GPU op gap, which this trace has no queued sample to measure.)
  CHECK(timeline.end[memcpy_call] == 198);
}

TEST_CASE("Iterations, phases and layers are attributed from the range stack",
          "[graph][attribution]") {
  TraceMaker m;
  uint32_t backward_thread = m.builder.thread(m.process, 200);
  m.range(m.main_thread, "ProfilerStep#1", 0, 1000, dd::RangeKind::kUserAnnotation);
  m.range(m.main_thread, "nn.Module: Linear_0", 10, 100, dd::RangeKind::kPythonFunction);
  m.range(m.main_thread, "aten::linear", 20, 90, dd::RangeKind::kFrameworkOp, 42);
  m.range(m.main_thread, "aten::addmm", 30, 80, dd::RangeKind::kFrameworkOp);
  m.api(m.main_thread, "cudaLaunchKernel", 40, 50, 1);
  m.kernel("volta_sgemm_128x64_nn", 60, 70, 1, m.stream);
  m.range(backward_thread, "autograd::engine::evaluate_function: AddmmBackward0", 300, 400,
          dd::RangeKind::kFrameworkOp, 42);
  m.api(backward_thread, "cudaLaunchKernel", 310, 320, 2);
  m.kernel("volta_sgemm_128x64_nt", 330, 340, 2, m.stream);
  m.range(m.main_thread, "Optimizer.step#SGD.step", 500, 600, dd::RangeKind::kUserAnnotation);
  m.api(m.main_thread, "cudaLaunchKernel", 510, 520, 3);
  m.kernel("multi_tensor_apply_kernel", 530, 540, 3, m.stream);
  m.api(m.main_thread, "cudaLaunchKernel", 1100, 1110, 4);
  m.kernel("elementwise_kernel", 1120, 1130, 4, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  REQUIRE(g.iterations.size() == 1);
  dd::TaskId forward = task_of_op(g, 0), backward = task_of_op(g, 1), optimizer = task_of_op(g, 2),
             after = task_of_op(g, 3);
  CHECK(g.str(g.op[forward]) == "aten::linear");
  CHECK(g.str(g.layer[forward]) == "Linear_0");
  CHECK(g.phase[forward] == dd::Phase::kForward);
  CHECK(g.phase[backward] == dd::Phase::kBackward);
  CHECK(g.str(g.layer[backward]) == "Linear_0");  // via the shared sequence number
  CHECK(g.phase[optimizer] == dd::Phase::kOptimizer);
  CHECK(g.iteration[optimizer] == 0);
  CHECK(g.iteration[after] == -1);
  CHECK(g.phase[after] == dd::Phase::kOther);
  CHECK(g.kernel_class[forward] == dd::KernelClass::kGemm);

  dd::Timeline measured = dd::measured_timeline(g);
  dd::IterationTimes times = dd::iteration_times(g, measured);
  REQUIRE(times.per_iteration.size() == 1);
  CHECK(times.per_iteration[0] == 1000);
}

TEST_CASE("Threads without phase ranges take the dd:phase range open at the time",
          "[graph][attribution]") {
  ShimIteration m;
  m.range(m.main_thread, "dd:phase:optimizer", 500, 600, dd::RangeKind::kNvtx);
  m.api(m.autograd_thread, "cudaLaunchKernel", 510, 520, 3);  // another thread, same phase
  m.kernel("multi_tensor_apply_kernel", 530, 540, 3, m.stream);
  m.api(m.autograd_thread, "cudaLaunchKernel", 700, 710, 4);  // in the iteration, no phase
  m.kernel("elementwise_kernel", 720, 730, 4, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  REQUIRE(g.iterations.size() == 1);
  dd::TaskId forward = task_of_op(g, 0), backward = task_of_op(g, 1), optimizer = task_of_op(g, 2),
             outside = task_of_op(g, 3);
  CHECK(g.phase[forward] == dd::Phase::kForward);
  CHECK(g.str(g.layer[forward]) == "fc");
  CHECK(g.phase[backward] == dd::Phase::kBackward);
  CHECK(g.phase[task_of_api(g, 1)] == dd::Phase::kBackward);
  CHECK(g.phase[optimizer] == dd::Phase::kOptimizer);
  CHECK(g.iteration[outside] == 0);
}

TEST_CASE("emit_nvtx ranges of a recorded trace give backward kernels their forward layer",
          "[graph][attribution]") {
  // `daydream record --annotate ops`: PyTorch's per-op NVTX ranges inside the shim's module
  // ranges on the training thread; the backward function's range on the autograd thread
  // carries the forward op's sequence number.
  ShimIteration m;
  m.range(m.main_thread, "aten::addmm, seq = 42, op_id = 7", 30, 90, dd::RangeKind::kNvtx);
  m.range(m.autograd_thread, "AddmmBackward0, seq = 42, op_id = 30", 305, 400,
          dd::RangeKind::kNvtx);
  auto recorded = m.recorded("dd_emit_nvtx_attribution.sqlite");
  REQUIRE(recorded);
  auto graph = dd::build_graph(*recorded);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  dd::TaskId forward = task_of_op(g, 0), backward = task_of_op(g, 1);
  CHECK(g.str(g.op[forward]) == "aten::addmm");
  CHECK(g.str(g.layer[forward]) == "fc");
  CHECK(g.str(g.op[backward]) == "AddmmBackward0");
  CHECK(g.phase[backward] == dd::Phase::kBackward);
  CHECK(g.str(g.layer[backward]) == "fc");  // via sequence number 42
  CHECK(recorded->diagnostics.count("nvtx_ranges_read_as_framework_ops") == 2);
}

TEST_CASE("The shim's module backward ranges give backward kernels their layer",
          "[graph][attribution]") {
  // `daydream record --annotate modules`: the shim opens `dd:module:fc|Linear` on the autograd
  // thread when autograd reaches the node that made fc's output; a second module's backward
  // range follows it. The kernels launched inside each are that module's backward.
  ShimIteration m;
  m.range(m.autograd_thread, "dd:module:fc|Linear", 305, 330, dd::RangeKind::kNvtx);
  m.range(m.autograd_thread, "dd:module:conv1|Conv2d", 330, 440, dd::RangeKind::kNvtx);
  m.api(m.autograd_thread, "cudaLaunchKernel", 335, 345, 3);
  m.kernel("sm80_xmma_dgrad_implicit_gemm", 350, 360, 3, m.stream);
  auto recorded = m.recorded("dd_shim_backward_modules.sqlite");
  REQUIRE(recorded);
  auto graph = dd::build_graph(*recorded);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  dd::TaskId fc_backward = task_of_op(g, 1), conv_backward = task_of_op(g, 2);
  CHECK(g.phase[fc_backward] == dd::Phase::kBackward);
  CHECK(g.str(g.layer[fc_backward]) == "fc");
  CHECK(g.phase[conv_backward] == dd::Phase::kBackward);
  CHECK(g.str(g.layer[conv_backward]) == "conv1");
  CHECK(g.str(g.layer[task_of_op(g, 0)]) == "fc");  // the forward kernel, as before
}

TEST_CASE("An idle thread resumes after the other thread's burst of calls", "[graph][builder]") {
  TraceMaker m;
  uint32_t worker = m.builder.thread(m.process, 200);
  // Main thread: 10 launches, then waits (idle) while the worker makes 10 calls, then resumes.
  for (int i = 0; i < 10; ++i) m.api(m.main_thread, "cudaEventQuery", 10 * i, 10 * i + 5);
  for (int i = 0; i < 10; ++i) m.api(worker, "cudaEventQuery", 200 + 10 * i, 200 + 10 * i + 5);
  m.api(m.main_thread, "cudaEventQuery", 400, 405);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  dd::TaskId resume = task_of_api(g, 10 + 10);  // the main thread's last call
  dd::TaskId gap = g.prev_on_resource[resume];
  bool handed_off = false;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_kind[e] == dd::EdgeKind::kCrossThread && g.edge_to[e] == gap) {
      handed_off = true;
      CHECK(g.edge_from[e] == task_of_api(g, 19));  // the worker's last call
    }
  }
  CHECK(handed_off);
  CHECK(g.duration[gap] == 400 - 295);  // wake-up after the worker's last call
  dd::Timeline timeline = dd::simulate(g, dd::graph_origin(g));
  CHECK(timeline.start[resume] == 400);
}

TEST_CASE("Without event records a stream wait joins the other stream's tail to the next launch",
          "[graph][builder]") {
  // Compute on stream 7, then (record on 7, unnamed in the trace) wait, then a collective on
  // stream 14: the collective must follow the compute kernel.
  TraceMaker m;
  uint32_t comm = m.builder.stream(m.process, 0, 14);
  m.api(m.main_thread, "cudaLaunchKernel", 0, 5, 1);
  m.api(m.main_thread, "INVALID", 6, 7);
  m.api(m.main_thread, "cudaStreamWaitEvent", 8, 9);
  m.api(m.main_thread, "cudaLaunchKernel", 10, 15, 2);
  m.kernel("volta_sgemm_128x64_nn", 7, 500, 1, m.stream);
  m.kernel("ncclKernel_AllReduce_RING_LL_Sum_float", 501, 600, 2, comm);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  dd::TaskId compute = task_of_op(g, 0), collective = task_of_op(g, 1);
  int cross = 0;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_kind[e] != dd::EdgeKind::kCrossStream) continue;
    ++cross;
    CHECK(g.edge_from[e] == compute);
    CHECK(g.edge_to[e] == collective);
  }
  CHECK(cross == 1);
  dd::Timeline timeline = dd::simulate(g, dd::graph_origin(g));
  CHECK(timeline.start[collective] >= timeline.end[compute]);
}

TEST_CASE("Synchronization and event records give exact cross-stream and stream-sync edges",
          "[graph][builder]") {
  // As read from an nsys or daydream SQLite trace: cudaEventRecord (corr 2) on stream 7 after
  // kernel 1; cudaStreamWaitEvent (corr 3) makes stream 14 wait; kernel 4 launched on 14;
  // cudaStreamSynchronize (corr 5) waits for stream 14 only.
  TraceMaker m;
  uint32_t side = m.builder.stream(m.process, 0, 14);
  m.api(m.main_thread, "cudaLaunchKernel", 0, 5, 1);
  m.api(m.main_thread, "cudaEventRecord", 6, 7, 2);
  m.api(m.main_thread, "cudaLaunchKernel", 8, 9, 6);  // more work on stream 7, after the record
  m.api(m.main_thread, "cudaStreamWaitEvent", 10, 11, 3);
  m.api(m.main_thread, "cudaLaunchKernel", 12, 15, 4);
  m.api(m.main_thread, "cudaStreamSynchronize", 20, 700, 5);
  m.kernel("first", 7, 300, 1, m.stream);
  m.kernel("after_record", 301, 900, 6, m.stream);
  m.kernel("waiter", 301, 650, 4, side);
  m.trace.cuda_events.append({6, m.stream, 2, 77, 1001});
  dd::SyncRow wait;
  wait.kind = dd::SyncKind::kStreamWaitEvent;
  wait.stream = side;
  wait.correlation = 3;
  wait.event_sync_id = 1001;
  m.trace.syncs.append(wait);
  dd::SyncRow sync;
  sync.kind = dd::SyncKind::kStreamSynchronize;
  sync.stream = side;
  sync.correlation = 5;
  m.trace.syncs.append(sync);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  dd::TaskId first = task_of_op(g, 0), waiter = task_of_op(g, 2);
  dd::TaskId stream_sync = task_of_api(g, 5);
  std::vector<std::pair<dd::TaskId, dd::TaskId>> cross, waits;
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (g.edge_kind[e] == dd::EdgeKind::kCrossStream)
      cross.emplace_back(g.edge_from[e], g.edge_to[e]);
    if (g.edge_kind[e] == dd::EdgeKind::kHostWait) waits.emplace_back(g.edge_from[e], g.edge_to[e]);
  }
  // The event captured stream 7's tail at the record (kernel 1), not the later kernel 6.
  REQUIRE(cross.size() == 1);
  CHECK(cross[0] == std::make_pair(first, waiter));
  // The stream synchronize waits for stream 14 only, not for kernel 6 on stream 7.
  REQUIRE(waits.size() == 1);
  CHECK(waits[0] == std::make_pair(waiter, stream_sync));
  CHECK(g.duration[stream_sync] == 700 - 650);
}

TEST_CASE("Correlation ids that contradict the timestamps close a cycle; the builder breaks it",
          "[graph][builder][adversarial]") {
  // Thread: launch [0,5] (correlation 2), cudaDeviceSynchronize [20,30], launch [40,45]
  // (correlation 1). Stream: kernel A [10,15] (correlation 1), kernel B [50,60] (correlation 2).
  // By the ids, A was launched after the sync that waits for B, and B runs after A on the
  // stream: sync -> launch 1 -> A -> B -> sync. No schedule satisfies that.
  TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 5, 2);
  m.api(m.main_thread, "cudaDeviceSynchronize", 20, 30, 3);
  m.api(m.main_thread, "cudaLaunchKernel", 40, 45, 1);
  m.kernel("kernel_a", 10, 15, 1, m.stream);
  m.kernel("kernel_b", 50, 60, 2, m.stream);
  dd::finish_trace(m.trace);

  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  CHECK(g.diagnostics.count("dependency_cycle_edges_removed") >= 1);
  CHECK(g.diagnostics.counters().at("dependency_cycle_edges_removed").severity ==
        dd::Severity::kWarning);
  dd::Timeline timeline = dd::simulate(g, dd::graph_origin(g));
  CHECK(timeline.forced_starts == 0);  // nothing left for the simulator's last-resort guard
  for (dd::TaskId t = 0; t < g.task_count(); ++t) {
    CHECK(timeline.start[t] != dd::kNotRun);
    CHECK(timeline.end[t] >= timeline.start[t]);
  }
}

TEST_CASE("Consistent traces lose no edge to cycle breaking", "[graph][builder][adversarial]") {
  TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 10, 1);
  m.api(m.main_thread, "cudaDeviceSynchronize", 20, 130, 2);
  m.kernel("volta_sgemm_128x64_nn", 12, 120, 1, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  CHECK(graph->diagnostics.count("dependency_cycle_edges_removed") == 0);
}

TEST_CASE("Duplicate correlation ids: every kernel gets one launch and the replay runs all",
          "[graph][builder][adversarial]") {
  // Two launches and two kernels all with correlation 7 (ids reused after a wrap, or a buggy
  // exporter): the kernels are not dropped and nothing waits forever.
  TraceMaker m;
  m.api(m.main_thread, "cudaLaunchKernel", 0, 5, 7);
  m.api(m.main_thread, "cudaLaunchKernel", 10, 15, 7);
  m.api(m.main_thread, "cudaDeviceSynchronize", 20, 100, 8);
  m.kernel("first", 6, 30, 7, m.stream);
  m.kernel("second", 30, 90, 7, m.stream);
  dd::finish_trace(m.trace);
  auto graph = dd::build_graph(m.trace);
  REQUIRE(graph);
  const dd::Graph& g = *graph;
  std::vector<int> launches(g.task_count(), 0);
  for (dd::EdgeId e = 0; e < g.edge_count(); ++e) {
    if (!g.edge_removed[e] && g.edge_kind[e] == dd::EdgeKind::kLaunch) ++launches[g.edge_to[e]];
  }
  CHECK(launches[task_of_op(g, 0)] == 1);
  CHECK(launches[task_of_op(g, 1)] == 1);
  dd::Timeline timeline = dd::simulate(g, dd::graph_origin(g));
  CHECK(timeline.forced_starts == 0);
  CHECK(timeline.end[task_of_api(g, 2)] >= timeline.end[task_of_op(g, 1)]);
}
