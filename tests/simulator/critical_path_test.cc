// The critical-path walk on tiny simulated graphs whose paths are worked out by hand.
#include "simulator/critical_path.h"

#include <catch2/catch.hpp>

#include "simulator/simulator.h"
#include "tiny_graph.h"

using dd::EdgeKind;
using dd::TaskId;
using dd::TaskKind;

namespace {

// CPU: a [0,10] launch, b [10,20], c [20,30] launch, d [30,50]; GPU: k1 [12,17], k2 [32,37].
struct CpuChain {
  dd::test::TinyGraph t;
  TaskId a = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId b = t.add(t.cpu, 10);
  TaskId c = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId d = t.add(t.cpu, 20);
  TaskId k1 = t.add(t.gpu, 5, TaskKind::kGpuOp);
  TaskId k2 = t.add(t.gpu, 5, TaskKind::kGpuOp);
  CpuChain() {
    t.graph.add_edge(a, k1, EdgeKind::kLaunch, 2);
    t.graph.add_edge(c, k2, EdgeKind::kLaunch, 2);
  }
};

}  // namespace

TEST_CASE("A CPU-bound chain: the path is the CPU thread's program order", "[critical_path]") {
  CpuChain g;
  dd::Timeline timeline = dd::simulate(g.t.graph, 0);
  REQUIRE(timeline.end[g.d] == 50);
  CHECK(dd::critical_path(g.t.graph, timeline, 0, 50) == std::vector<TaskId>{g.a, g.b, g.c, g.d});
}

TEST_CASE("The path stays inside its window", "[critical_path]") {
  CpuChain g;
  dd::Timeline timeline = dd::simulate(g.t.graph, 0);
  // a ends exactly at the window start: it lies before the window.
  CHECK(dd::critical_path(g.t.graph, timeline, 10, 50) == std::vector<TaskId>{g.b, g.c, g.d});
  // k2 ends at 37, after the window: the window's last task is c (ends at 30).
  CHECK(dd::critical_path(g.t.graph, timeline, 0, 30) == std::vector<TaskId>{g.a, g.b, g.c});
  CHECK(dd::critical_path(g.t.graph, timeline, 100, 200).empty());
}

TEST_CASE("A GPU-bound chain: queued kernels bind through the stream, the first via its launch",
          "[critical_path]") {
  // CPU: l1 [0,1], l2 [1,2], l3 [2,3] launch with latency 3; sync waits for k3.
  // GPU (switch gap 2): k1 [4,104], k2 [106,206], k3 [208,308]; sync [308,310].
  dd::test::TinyGraph t;
  t.graph.resources[t.gpu].switch_gap_ns = 2;
  TaskId l1 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l2 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId l3 = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId sync = t.add(t.cpu, 2, TaskKind::kApiCall);
  TaskId k1 = t.add(t.gpu, 100, TaskKind::kGpuOp);
  TaskId k2 = t.add(t.gpu, 100, TaskKind::kGpuOp);
  TaskId k3 = t.add(t.gpu, 100, TaskKind::kGpuOp);
  t.graph.add_edge(l1, k1, EdgeKind::kLaunch, 3);
  t.graph.add_edge(l2, k2, EdgeKind::kLaunch, 3);
  t.graph.add_edge(l3, k3, EdgeKind::kLaunch, 3);
  t.graph.add_edge(k3, sync, EdgeKind::kHostWait);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  REQUIRE(timeline.start[k2] == 106);
  REQUIRE(timeline.end[sync] == 310);
  CHECK(dd::critical_path(t.graph, timeline, 0, 310) == std::vector<TaskId>{l1, k1, k2, k3, sync});
}

TEST_CASE("A host wait: the path jumps from the waiting call to the kernel it waited for",
          "[critical_path]") {
  // CPU: launch [0,5], work [5,15], sync [60,61] waits for the kernel [10,60].
  dd::test::TinyGraph t;
  TaskId launch = t.add(t.cpu, 5, TaskKind::kApiCall);
  t.add(t.cpu, 10);
  TaskId sync = t.add(t.cpu, 1, TaskKind::kApiCall);
  TaskId kernel = t.add(t.gpu, 50, TaskKind::kGpuOp);
  t.graph.add_edge(launch, kernel, EdgeKind::kLaunch, 5);
  t.graph.add_edge(kernel, sync, EdgeKind::kHostWait);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  REQUIRE(timeline.start[sync] == 60);
  CHECK(dd::critical_path(t.graph, timeline, 0, 61) == std::vector<TaskId>{launch, kernel, sync});
}

TEST_CASE("When an edge and the resource bind at once, the edge predecessor wins",
          "[critical_path]") {
  // CPU: a [0,10], b [10,20]; GPU: k [0,10] with a host-wait edge k -> b. Both end at 10.
  dd::test::TinyGraph t;
  t.add(t.cpu, 10);
  TaskId b = t.add(t.cpu, 10, TaskKind::kApiCall);
  TaskId k = t.add(t.gpu, 10, TaskKind::kGpuOp);
  t.graph.add_edge(k, b, EdgeKind::kHostWait);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  REQUIRE(timeline.start[b] == 10);
  CHECK(dd::critical_path(t.graph, timeline, 0, 20) == std::vector<TaskId>{k, b});
}

TEST_CASE("Among tasks ending last the lowest id starts the walk, repeated walks agree",
          "[critical_path]") {
  dd::test::TinyGraph t;
  TaskId cpu_task = t.add(t.cpu, 10);
  t.add(t.gpu, 10, TaskKind::kGpuOp);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  std::vector<TaskId> path = dd::critical_path(t.graph, timeline, 0, 10);
  CHECK(path == std::vector<TaskId>{cpu_task});
  CHECK(dd::critical_path(t.graph, timeline, 0, 10) == path);
}
