// The transformation primitives on tiny hand-built graphs: selection, duration edits, inserting,
// removing with splicing, moving, and priority scheduling; answers computed by hand.
#include <catch2/catch.hpp>

#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "transforms/primitives.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::TaskId;
using dd::TaskKind;

TEST_CASE("Selectors parse key:value terms and name the valid choices on error",
          "[transforms][primitives]") {
  auto s = dd::parse_selector("class:gemm+phase:backward+name:sgemm");
  REQUIRE(s);
  CHECK(s->kernel_class == KernelClass::kGemm);
  CHECK(s->phase == dd::Phase::kBackward);
  CHECK(s->name_contains == "sgemm");
  auto bad_key = dd::parse_selector("colour:red");
  REQUIRE_FALSE(bad_key);
  CHECK(bad_key.error().message.find("kind, phase, class") != std::string::npos);
  auto bad_value = dd::parse_selector("class:matmul");
  REQUIRE_FALSE(bad_value);
  CHECK(bad_value.error().message.find("gemm|") != std::string::npos);
  CHECK_FALSE(dd::parse_selector("iteration:two"));
  CHECK_FALSE(dd::parse_selector("phase"));
}

TEST_CASE("select_tasks filters live tasks by every field", "[transforms][primitives]") {
  dd::test::TinyGraph t;
  TaskId gemm = t.gpu_op(t.gpu, 10, "volta_sgemm", KernelClass::kGemm, dd::Phase::kForward, "fc");
  TaskId relu = t.gpu_op(t.gpu, 5, "relu_kernel", KernelClass::kElementwise, dd::Phase::kForward, "fc");
  TaskId cpu = t.add(t.cpu, 3);
  auto by_class = dd::select_tasks(t.graph, *dd::parse_selector("class:gemm"));
  CHECK(by_class == std::vector<TaskId>{gemm});
  auto by_layer = dd::select_tasks(t.graph, *dd::parse_selector("layer:fc+kind:gpu_op"));
  CHECK(by_layer == std::vector<TaskId>{gemm, relu});
  auto cpu_work = dd::select_tasks(t.graph, *dd::parse_selector("kind:cpu_work"));
  CHECK(cpu_work == std::vector<TaskId>{cpu});
  t.graph.unlink_task(relu);
  CHECK(dd::select_tasks(t.graph, *dd::parse_selector("layer:fc")) == std::vector<TaskId>{gemm});
}

TEST_CASE("Removing a task splices its dependencies with their latencies",
          "[transforms][primitives]") {
  // cpu: a(10); gpu: b(100) launched from a (+3); cpu: c(5) waits for b. Remove b:
  // c must now wait for a with latency 3 + 0, and the GPU stream is empty.
  dd::test::TinyGraph t;
  TaskId a = t.add(t.cpu, 10);
  TaskId c = t.add(t.cpu, 5);
  TaskId b = t.add(t.gpu, 100);
  t.graph.add_edge(a, b, EdgeKind::kLaunch, 3);
  t.graph.add_edge(b, c, EdgeKind::kHostWait, 0);
  dd::remove_tasks(t.graph, std::vector<TaskId>{b});
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[b] == dd::kNotRun);
  CHECK(timeline.start[c] == 13);
  CHECK(t.graph.resources[t.gpu].first == dd::kNone);
}

TEST_CASE("Removing a chain of tasks splices across all of them", "[transforms][primitives]") {
  dd::test::TinyGraph t;
  TaskId a = t.add(t.cpu, 10);
  TaskId d = t.add(t.cpu, 1);
  TaskId b = t.add(t.gpu, 100);
  TaskId c = t.add(t.gpu, 100);
  t.graph.add_edge(a, b, EdgeKind::kLaunch, 2);
  t.graph.add_edge(b, c, EdgeKind::kOther, 4);
  t.graph.add_edge(c, d, EdgeKind::kHostWait, 1);
  dd::remove_tasks(t.graph, std::vector<TaskId>{b, c});
  dd::Timeline timeline = dd::simulate(t.graph, 0);
  CHECK(timeline.start[d] == 10 + 2 + 4 + 1);
}

TEST_CASE("Inserting and moving tasks keeps resource sequences consistent",
          "[transforms][primitives]") {
  dd::test::TinyGraph t;
  TaskId a = t.add(t.cpu, 10);
  TaskId b = t.add(t.cpu, 10);
  dd::TaskSpec spec;
  spec.kind = TaskKind::kCpuWork;
  spec.resource = t.cpu;
  spec.duration = 7;
  TaskId inserted = dd::insert_task(t.graph, spec, a);
  CHECK(t.graph.next_on_resource[a] == inserted);
  CHECK(t.graph.next_on_resource[inserted] == b);
  dd::Timeline before = dd::simulate(t.graph, 0);
  CHECK(before.end[b] == 27);
  dd::move_task(t.graph, inserted, t.gpu, dd::kNone);
  CHECK(t.graph.resource[inserted] == t.gpu);
  CHECK(t.graph.resources[t.gpu].first == inserted);
  CHECK(t.graph.next_on_resource[a] == b);
  dd::Timeline after = dd::simulate(t.graph, 0);
  CHECK(after.end[b] == 20);
  CHECK(after.start[inserted] == 0);
}

TEST_CASE("A priority-scheduled resource runs ready tasks lowest priority first",
          "[transforms][primitives]") {
  // Three transfers all ready at time 10 (after the CPU task); recorded order x, y, z.
  dd::test::TinyGraph t;
  TaskId cpu = t.add(t.cpu, 10);
  TaskId x = t.add(t.gpu, 5);
  TaskId y = t.add(t.gpu, 5);
  TaskId z = t.add(t.gpu, 5);
  for (TaskId op : {x, y, z}) t.graph.add_edge(cpu, op, EdgeKind::kCommunication);
  dd::Timeline in_order = dd::simulate(t.graph, 0);
  CHECK(in_order.start[x] == 10);
  CHECK(in_order.start[z] == 20);
  dd::set_scheduling_policy(t.graph, t.gpu, dd::SchedulingPolicy::kPriority);
  dd::set_priority(t.graph, x, 3);
  dd::set_priority(t.graph, y, 1);
  dd::set_priority(t.graph, z, 2);
  dd::Timeline prioritized = dd::simulate(t.graph, 0);
  CHECK(prioritized.start[y] == 10);
  CHECK(prioritized.start[z] == 15);
  CHECK(prioritized.start[x] == 20);
  CHECK(prioritized.forced_starts == 0);
}

TEST_CASE("Scaling and setting durations", "[transforms][primitives]") {
  dd::test::TinyGraph t;
  TaskId a = t.add(t.gpu, 101);
  TaskId b = t.add(t.gpu, 50);
  dd::scale_durations(t.graph, std::vector<TaskId>{a, b}, 0.5);
  CHECK(t.graph.duration[a] == 51);  // rounded half away from zero
  CHECK(t.graph.duration[b] == 25);
  dd::set_duration(t.graph, b, 7);
  CHECK(t.graph.duration[b] == 7);
}
