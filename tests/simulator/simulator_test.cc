// The discrete-event simulator on tiny hand-built graphs whose answers are computed by hand.
#include <catch2/catch.hpp>

#include "graph/graph.h"
#include "simulator/iteration_metrics.h"
#include "simulator/simulator.h"

namespace {

struct TinyGraph {
  dd::Trace trace;
  dd::Graph graph{trace};
  dd::ResourceId cpu = graph.add_resource({dd::ResourceKind::kCpuThread, 0, 0, "cpu"});
  dd::ResourceId gpu = graph.add_resource({dd::ResourceKind::kGpuStream, 0, 0, "gpu"});

  dd::TaskId add(dd::ResourceId resource, dd::TimeNs duration,
                 dd::TaskKind kind = dd::TaskKind::kCpuWork) {
    dd::TaskSpec spec;
    spec.kind = kind;
    spec.resource = resource;
    spec.duration = duration;
    return graph.append_task(spec);
  }
};

}  // namespace

TEST_CASE("Tasks on one resource run back to back", "[simulator]") {
  TinyGraph t;
  dd::TaskId a = t.add(t.cpu, 10);
  dd::TaskId b = t.add(t.cpu, 20);
  dd::TaskId c = t.add(t.cpu, 30);
  dd::Timeline timeline = dd::simulate(t.graph, 100);
  CHECK(timeline.start[a] == 100);
  CHECK(timeline.start[b] == 110);
  CHECK(timeline.end[c] == 160);
  CHECK(timeline.forced_starts == 0);
}

TEST_CASE("A launch edge delays the GPU op by its latency and a host wait ends with it",
          "[simulator]") {
  // CPU: launch(10) then sync(2, waits for the kernel). GPU: kernel(100), launched +3 ns.
  TinyGraph t;
  dd::TaskId launch = t.add(t.cpu, 10, dd::TaskKind::kApiCall);
  dd::TaskId sync = t.add(t.cpu, 2, dd::TaskKind::kApiCall);
  dd::TaskId kernel = t.add(t.gpu, 100, dd::TaskKind::kGpuOp);
  t.graph.add_edge(launch, kernel, dd::EdgeKind::kLaunch, 3);
  t.graph.add_edge(kernel, sync, dd::EdgeKind::kHostWait);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[kernel] == 13);
  CHECK(timeline.end[kernel] == 113);
  CHECK(timeline.start[sync] == 113);
  CHECK(timeline.end[sync] == 115);
}

TEST_CASE("A resource's switch gap separates queued tasks only", "[simulator]") {
  TinyGraph t;
  t.graph.resources[t.gpu].switch_gap_ns = 2;
  dd::TaskId launch1 = t.add(t.cpu, 1);
  dd::TaskId launch2 = t.add(t.cpu, 1);
  dd::TaskId late = t.add(t.cpu, 50);
  dd::TaskId launch3 = t.add(t.cpu, 1);
  dd::TaskId k1 = t.add(t.gpu, 10);
  dd::TaskId k2 = t.add(t.gpu, 10);
  dd::TaskId k3 = t.add(t.gpu, 10);
  t.graph.add_edge(launch1, k1, dd::EdgeKind::kLaunch);
  t.graph.add_edge(launch2, k2, dd::EdgeKind::kLaunch);
  t.graph.add_edge(launch3, k3, dd::EdgeKind::kLaunch);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[k1] == 1);
  CHECK(timeline.start[k2] == 13);  // queued: previous end 11 + gap 2
  CHECK(timeline.end[late] == 52);
  CHECK(timeline.start[k3] == 53);  // arrived after the stream went idle: no gap
}

TEST_CASE("A dependency cycle is broken instead of hanging", "[simulator]") {
  TinyGraph t;
  dd::TaskId a = t.add(t.cpu, 5);
  dd::TaskId b = t.add(t.gpu, 7);
  t.graph.add_edge(a, b, dd::EdgeKind::kOther);
  t.graph.add_edge(b, a, dd::EdgeKind::kOther);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.forced_starts == 1);
  CHECK(timeline.end[a] != dd::kNotRun);
  CHECK(timeline.end[b] != dd::kNotRun);
}

TEST_CASE("A task waiting on a later task of its own resource is forced, not hung",
          "[simulator]") {
  TinyGraph t;
  dd::TaskId first = t.add(t.cpu, 5);
  dd::TaskId second = t.add(t.cpu, 5);
  t.graph.add_edge(second, first, dd::EdgeKind::kOther);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.forced_starts == 1);
  CHECK(timeline.end[second] == 10);
}

TEST_CASE("Removed tasks are skipped and the resource sequence closes over them",
          "[simulator]") {
  TinyGraph t;
  dd::TaskId a = t.add(t.cpu, 10);
  dd::TaskId b = t.add(t.cpu, 1000);
  dd::TaskId c = t.add(t.cpu, 10);
  dd::TaskId k = t.add(t.gpu, 5);
  t.graph.add_edge(b, k, dd::EdgeKind::kLaunch);
  t.graph.unlink_task(b);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[c] == 10);
  CHECK(timeline.start[b] == dd::kNotRun);
  CHECK(timeline.start[k] == 0);  // its launch edge went with the removed task
  CHECK(timeline.end[a] == 10);
}

TEST_CASE("Simulation is deterministic bit for bit", "[simulator]") {
  TinyGraph t;
  dd::ResourceId gpu2 = t.graph.add_resource({dd::ResourceKind::kGpuStream, 1, 0, "gpu2"});
  std::vector<dd::TaskId> launches;
  for (int i = 0; i < 200; ++i) launches.push_back(t.add(t.cpu, 1 + i % 7));
  for (int i = 0; i < 200; ++i) {
    dd::TaskId op = t.add(i % 3 == 0 ? gpu2 : t.gpu, 5 + i % 11);
    t.graph.add_edge(launches[static_cast<size_t>(i)], op, dd::EdgeKind::kLaunch, 2);
  }
  dd::Timeline first = dd::simulate(t.graph, 0);
  dd::Timeline second = dd::simulate(t.graph, 0);
  CHECK(first.start == second.start);
  CHECK(first.end == second.end);
}

TEST_CASE("Iteration time is the distance between iteration starts, same for any timeline",
          "[simulator][iterations]") {
  TinyGraph t;
  dd::TaskId i0 = t.add(t.cpu, 10);
  t.add(t.cpu, 5);
  dd::TaskId i1 = t.add(t.cpu, 20);
  dd::TaskId end = t.add(t.cpu, 0);
  t.graph.iterations.push_back({0, dd::kEmptyString, i0, i1});
  t.graph.iterations.push_back({1, dd::kEmptyString, i1, end});
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  dd::IterationTimes times = dd::iteration_times(t.graph, timeline);
  REQUIRE(times.per_iteration.size() == 2);
  CHECK(times.per_iteration[0] == 15);
  CHECK(times.per_iteration[1] == 20);
  CHECK(times.steady_state == 20);  // the later half of two iterations: the second
}

TEST_CASE("Without iteration markers the whole trace is one iteration", "[simulator][iterations]") {
  TinyGraph t;
  dd::TaskId launch = t.add(t.cpu, 10);
  dd::TaskId kernel = t.add(t.gpu, 100);
  t.graph.add_edge(launch, kernel, dd::EdgeKind::kLaunch, 5);
  dd::IterationTimes times = dd::iteration_times(t.graph, dd::simulate(t.graph, 0));
  REQUIRE(times.per_iteration.size() == 1);
  CHECK(times.per_iteration[0] == 115);
}

TEST_CASE("Times past the int64 clock saturate instead of wrapping", "[simulator][adversarial]") {
  // Overlapping recorded ops of absurd length (a corrupt trace) replay back to back: their sum
  // does not fit in int64 nanoseconds. The simulation ends at the clock's limit, in order.
  TinyGraph t;
  constexpr dd::TimeNs kHuge = INT64_MAX / 2;
  dd::TaskId a = t.add(t.cpu, kHuge);
  dd::TaskId b = t.add(t.cpu, kHuge);
  dd::TaskId c = t.add(t.cpu, kHuge);
  dd::TaskId after = t.add(t.gpu, 5);
  t.graph.add_edge(c, after, dd::EdgeKind::kLaunch, kHuge);
  dd::Timeline timeline = dd::simulate(t.graph, 1000);
  CHECK(timeline.forced_starts == 0);
  CHECK(timeline.end[a] == 1000 + kHuge);
  CHECK(timeline.start[b] == timeline.end[a]);
  CHECK(timeline.end[b] == INT64_MAX);
  CHECK(timeline.end[c] == INT64_MAX);
  CHECK(timeline.start[after] == INT64_MAX);
  CHECK(timeline.end[after] == INT64_MAX);
  CHECK(dd::iteration_times(t.graph, timeline).steady_state >= 0);
}
