// The `prefetch-transfer` model: on a hand-built loop that copies its input batch before each
// step (times worked out in the comments), a pageable copy becomes a pinned one at the GPU's
// PCIe bandwidth and, like a pinned copy, leaves the compute stream and the CPU's critical
// path, issued one iteration ahead; the bundled traces, which copy nothing to the GPU, say so.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// 3 iterations on an H100 (PCIe 5.0 x16, 63 GB/s) of: data work 1 us; a 6.3 MB host-to-device
// copy of 400 us; a 1 us launch of a 1000 us kernel; a synchronization waiting for it. A
// pageable copy is issued by the work before its cudaMemcpyAsync call, which waits for it
// (how the graph builder models a pageable copy); a pinned one by its call, followed by a
// stream synchronization: 1 + 400 + 1 + 1000 = 1402 us per iteration, 1 us more for the
// pinned copy's own call.
struct CopyLoop {
  dd::test::TinyGraph t;
  std::vector<TaskId> copies;

  explicit CopyLoop(bool pageable) {
    dd::test::record_device(t, "NVIDIA H100 80GB HBM3");
    dd::GpuOpRow row;
    row.kind = dd::GpuOpKind::kMemcpy;
    row.copy_kind = dd::CopyKind::kHostToDevice;
    row.bytes = 6'300'000;
    row.name = t.trace.strings.intern(pageable ? "Memcpy HtoD (Pageable -> Device)"
                                               : "Memcpy HtoD (Pinned -> Device)");
    uint32_t source = t.trace.gpu_ops.append(row);
    for (int32_t i = 0; i < 3; ++i) {
      size_t first = t.graph.task_count();
      TaskId work = t.cpu_task(TaskKind::kCpuWork, kUs, Phase::kData, "");
      TaskId call = t.cpu_task(TaskKind::kApiCall, pageable ? 0 : kUs, Phase::kData, "");
      TaskId copy = copy_op(row.name, source);
      if (pageable) {
        t.graph.add_edge(work, copy, EdgeKind::kLaunch);
        t.graph.add_edge(copy, call, EdgeKind::kHostWait);
      } else {
        t.graph.add_edge(call, copy, EdgeKind::kLaunch);
        TaskId sync = t.cpu_task(TaskKind::kApiCall, 0, Phase::kData, "");
        t.graph.add_edge(copy, sync, EdgeKind::kHostWait);
      }
      TaskId launch = t.cpu_task(TaskKind::kApiCall, kUs, Phase::kForward, "");
      TaskId kernel = t.gpu_op(t.gpu, 1000 * kUs, "conv", KernelClass::kConvolution,
                               Phase::kForward, "");
      t.graph.add_edge(launch, kernel, EdgeKind::kLaunch);
      TaskId sync = t.cpu_task(TaskKind::kApiCall, 0, Phase::kForward, "");
      t.graph.add_edge(kernel, sync, EdgeKind::kHostWait);
      for (TaskId task = static_cast<TaskId>(first); task < t.graph.task_count(); ++task) {
        t.graph.iteration[task] = i;
      }
      if (i > 0) t.graph.iterations.back().end_task = work;
      t.graph.iterations.push_back({i, dd::kEmptyString, work, dd::kNone});
      copies.push_back(copy);
    }
  }

  TaskId copy_op(dd::StringId name, uint32_t source) {
    dd::TaskSpec spec;
    spec.kind = TaskKind::kGpuOp;
    spec.resource = t.gpu;
    spec.duration = 400 * kUs;
    spec.name = name;
    spec.phase = Phase::kData;
    spec.kernel_class = KernelClass::kCopy;
    spec.source_table = dd::TraceTable::kGpuOps;
    spec.source_row = source;
    return t.graph.append_task(spec);
  }
};

}  // namespace

TEST_CASE("prefetch-transfer pins a pageable copy and hides it behind compute",
          "[transforms][prefetch-transfer]") {
  // Pinned: 6.3e6 / 63e9 = 100 us. Iteration 0: copy [1,101] on the prefetch stream, the
  // kernel waits for it: [101,1101]. Copy 1 is issued when iteration 0 starts, [101,201];
  // iteration 1 runs work, call and launch [1101,1103] and the kernel [1103,2103]: 1002 us.
  CopyLoop loop(true);
  REQUIRE(dd::test::simulated_iteration(loop.t.graph) == 1402 * kUs);
  size_t resources = loop.t.graph.resources.size();
  auto outcome = dd::test::apply_model(loop.t.graph, "prefetch-transfer");
  REQUIRE(outcome);
  INFO(outcome->summary);
  REQUIRE(outcome->applicable);
  CHECK(outcome->summary.find("3 host-to-device input copies (1.200 ms -> 300.000 us from "
                              "pinned memory over pcie5)") != std::string::npos);
  CHECK(outcome->summary.find("2 of them issued one iteration ahead") != std::string::npos);
  REQUIRE(loop.t.graph.resources.size() == resources + 1);
  CHECK(loop.t.graph.resource[loop.copies[1]] == resources);
  dd::Timeline timeline = dd::simulate(loop.t.graph, 0);
  CHECK(timeline.start[loop.copies[1]] == 101 * kUs);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 1002 * kUs);
}

TEST_CASE("prefetch-transfer overlaps a pinned copy without changing its time",
          "[transforms][prefetch-transfer]") {
  // Iteration 0: work and call [0,2], copy [2,402], kernel [402,1402]. Copy 1, issued at 0,
  // runs [402,802]; iteration 1: work, call, sync, launch [1402,1405], kernel [1405,2405]:
  // 1003 us, down from 1403.
  CopyLoop loop(false);
  REQUIRE(dd::test::simulated_iteration(loop.t.graph) == 1403 * kUs);
  auto outcome = dd::test::apply_model(loop.t.graph, "prefetch-transfer");
  REQUIRE(outcome);
  REQUIRE(outcome->applicable);
  CHECK(loop.t.graph.duration[loop.copies[0]] == 400 * kUs);
  CHECK(dd::test::simulated_iteration(loop.t.graph) == 1003 * kUs);
}

TEST_CASE("prefetch-transfer says so on traces without input copies",
          "[transforms][prefetch-transfer][golden]") {
  for (const char* name :
       {"matmul_v100_memory.pt.trace.json.gz", "resnet50_v100_rank0.pt.trace.json.gz",
        "vgg13_h100_iter41.pt.trace.json.gz"}) {
    dd::Graph graph = dd::test::bundled_graph(name);
    auto outcome = dd::test::apply_model(graph, "prefetch-transfer");
    REQUIRE(outcome);
    CHECK_FALSE(outcome->applicable);
    CHECK(outcome->summary.find("no host-to-device copies") != std::string::npos);
  }
}
