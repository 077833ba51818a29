// The `cuda-graphs` model: on hand-built launch chains (times worked out in the comments) the
// captured launches become one graph launch per segment, a blocking call cuts a segment, and
// uncaptured phases stay eager; on the bundled traces a CPU-bound run gets faster and a
// GPU-bound one barely moves.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"
#include "transforms/primitives.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

// A launch call (phase `phase`) on the CPU and the GPU op it launches, `latency` apart.
TaskId launch(dd::test::TinyGraph& t, Phase phase, TimeNs call, TimeNs op, TimeNs latency = 0) {
  TaskId l = t.cpu_task(TaskKind::kApiCall, call, phase, "");
  TaskId k = t.gpu_op(t.gpu, op, "elementwise_kernel", KernelClass::kElementwise, phase, "");
  t.graph.add_edge(l, k, EdgeKind::kLaunch, latency);
  return k;
}

std::vector<TaskId> graph_launches(const dd::Graph& graph) {
  return dd::select_tasks(graph, *dd::parse_selector("name:cudaGraphLaunch"));
}

// Total API-call time of one iteration, on all threads.
TimeNs api_time(const dd::Graph& graph, int32_t iteration) {
  TimeNs total = 0;
  for (TaskId t : dd::select_tasks(graph, *dd::parse_selector("kind:api_call"))) {
    if (graph.iteration[t] == iteration) total += graph.duration[t];
  }
  return total;
}

}  // namespace

TEST_CASE("cuda-graphs turns a CPU-bound launch chain GPU-bound", "[transforms][cuda-graphs]") {
  // 100 launches of 10 us, each op 5 us, 2 us launch latency. Eager: launch i ends at 10i,
  // op i runs [10i + 2, 10i + 7] -> 1007 us. Graphs: one launch of 10 us (the median launch),
  // op 1 starts at 12 and the ops run back to back -> 12 + 100 * 5 = 512 us.
  dd::test::TinyGraph t;
  std::vector<TaskId> ops;
  for (int i = 0; i < 100; ++i)
    ops.push_back(launch(t, Phase::kForward, 10 * kUs, 5 * kUs, 2 * kUs));
  REQUIRE(dd::test::simulated_iteration(t.graph) == 1007 * kUs);
  auto outcome = dd::test::apply_model(t.graph, "cuda-graphs");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("100 launch calls") != std::string::npos);
  REQUIRE(graph_launches(t.graph).size() == 1);
  CHECK(t.graph.duration[graph_launches(t.graph).front()] == 10 * kUs);
  CHECK(dd::select_tasks(t.graph, *dd::parse_selector("kind:api_call")).size() == 1);
  CHECK(dd::select_tasks(t.graph, *dd::parse_selector("kind:gpu_op")) == ops);
  CHECK(dd::test::simulated_iteration(t.graph) == 512 * kUs);
}

TEST_CASE("cuda-graphs cuts segments at blocking calls and keeps other phases eager",
          "[transforms][cuda-graphs]") {
  // forward: L1, L2; sync S (1 us) waits for op2; forward L3; backward L4. Calls 10 us, ops
  // 100 us. Eager: op1 [10,110], op2 [110,210], S [210,211], L3 [211,221], op3 [221,321],
  // L4 [221,231], op4 [321,421]. phases=forward: G1 [0,10] takes L1+L2, G2 [211,221] takes L3
  // (S cannot be captured), so op3 still starts at 221; L4 stays -> 421 as before.
  dd::test::TinyGraph t;
  launch(t, Phase::kForward, 10 * kUs, 100 * kUs);
  TaskId op2 = launch(t, Phase::kForward, 10 * kUs, 100 * kUs);
  TaskId sync = t.cpu_task(TaskKind::kApiCall, kUs, Phase::kForward, "");
  t.graph.add_edge(op2, sync, EdgeKind::kHostWait);
  TaskId op3 = launch(t, Phase::kForward, 10 * kUs, 100 * kUs);
  launch(t, Phase::kBackward, 10 * kUs, 100 * kUs);
  auto outcome = dd::test::apply_model(t.graph, "cuda-graphs:phases=forward");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(graph_launches(t.graph).size() == 2);
  CHECK(dd::select_tasks(t.graph, *dd::parse_selector("phase:backward+kind:api_call")).size() == 1);
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[op3] == 221 * kUs);
  CHECK(dd::test::simulated_iteration(t.graph) == 421 * kUs);
}

TEST_CASE("cuda-graphs says when nothing is captured and rejects unknown phases",
          "[transforms][cuda-graphs]") {
  dd::test::TinyGraph t;
  launch(t, Phase::kForward, 10 * kUs, 100 * kUs);
  auto outcome = dd::test::apply_model(t.graph, "cuda-graphs:phases=optimizer");
  REQUIRE(outcome);
  CHECK_FALSE(outcome->applicable);
  CHECK(outcome->summary.find("no eagerly launched kernels in phases optimizer") !=
        std::string::npos);
  auto bad = dd::test::apply_model(t.graph, "cuda-graphs:phases=forward+inference");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("forward|backward|optimizer|data|other") != std::string::npos);
}

TEST_CASE("cuda-graphs twice is once: captured ops stay graph-launched",
          "[transforms][cuda-graphs][compose]") {
  dd::test::TinyGraph t;
  std::vector<TaskId> ops;
  for (int i = 0; i < 10; ++i) ops.push_back(launch(t, Phase::kForward, 10 * kUs, 5 * kUs));
  REQUIRE(dd::test::apply_model(t.graph, "cuda-graphs")->applicable);
  for (TaskId op : ops) CHECK(t.graph.execution.launch_of(op) == dd::LaunchMode::kGraph);
  auto once = t.graph.duration;
  TimeNs iteration = dd::test::simulated_iteration(t.graph);
  auto again = dd::test::apply_model(t.graph, "cuda-graphs");
  REQUIRE(again);
  CHECK_FALSE(again->applicable);
  CHECK(graph_launches(t.graph).size() == 1);
  CHECK(t.graph.duration == once);
  CHECK(dd::test::simulated_iteration(t.graph) == iteration);
}

TEST_CASE("cuda-graphs prices a graph launch at a launch call as the trace recorded it",
          "[transforms][cuda-graphs]") {
  // Three launch calls the trace recorded at 9, 9 and 4 us that the replay keeps at 0 us
  // (post-wait: a throttled launch queue): a graph launch costs their median, 9 us.
  dd::test::TinyGraph t;
  for (TimeNs recorded : {9 * kUs, 9 * kUs, 4 * kUs}) {
    dd::ApiCallRow row;
    row.start = 0;
    row.end = recorded;
    uint32_t index = t.trace.api_calls.append(row);
    launch(t, Phase::kForward, 0, 5 * kUs);
    TaskId call = t.graph.resources[t.cpu].last;  // the launch call just added
    t.graph.source_table[call] = dd::TraceTable::kApiCalls;
    t.graph.source_row[call] = index;
  }
  auto outcome = dd::test::apply_model(t.graph, "cuda-graphs");
  REQUIRE(outcome);
  REQUIRE(graph_launches(t.graph).size() == 1);
  CHECK(t.graph.duration[graph_launches(t.graph).front()] == 9 * kUs);
}

TEST_CASE("cuda-graphs speeds up the CPU-bound matmul trace, not the GPU-bound resnet",
          "[transforms][cuda-graphs][golden]") {
  // matmul is CPU-bound on its threads' serial work: the iteration shrinks by about the
  // launch-call time removed from one steady iteration (iteration 3 of 0..4), no more.
  const dd::Graph& matmul = dd::test::bundled_graph("matmul_v100_memory.pt.trace.json.gz");
  dd::Graph graphed = matmul;
  REQUIRE(dd::test::apply_model(graphed, "cuda-graphs")->applicable);
  TimeNs replay = dd::test::simulated_iteration(matmul);
  TimeNs saving = replay - dd::test::simulated_iteration(graphed);
  auto removed = static_cast<double>(api_time(matmul, 3) - api_time(graphed, 3));
  CHECK(static_cast<double>(replay) / static_cast<double>(replay - saving) > 1.05);
  CHECK(static_cast<double>(saving) > 0.9 * removed);
  CHECK(static_cast<double>(saving) < 1.05 * removed);

  const dd::Graph& resnet = dd::test::bundled_graph("resnet50_v100_rank0.pt.trace.json.gz");
  dd::Graph resnet_graphed = resnet;
  REQUIRE(dd::test::apply_model(resnet_graphed, "cuda-graphs")->applicable);
  double resnet_speedup = static_cast<double>(dd::test::simulated_iteration(resnet)) /
                          static_cast<double>(dd::test::simulated_iteration(resnet_graphed));
  CHECK(resnet_speedup >= 0.999);
  CHECK(resnet_speedup < 1.02);
}
