// The `recompute` model: on a hand-built GPU-bound step of two layers (times worked out in the
// comments) recomputing a layer adds exactly its forward GPU time, with the copies and their
// launches placed before the layer's backward pass; graphs without layers and unknown layer
// names say so; on the bundled VGG13 trace (module layers) and ResNet-50 trace (no modules: its
// op calls are the layers) recomputing every layer slows the iteration by about the forward GPU
// time.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "tiny_graph.h"
#include "transforms/model_test_support.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"

using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;
using dd::TimeNs;

namespace {

constexpr TimeNs kUs = 1000;

TaskId launch(dd::test::TinyGraph& t, Phase phase, TimeNs op, const char* name,
              const char* layer) {
  TaskId l = t.cpu_task(TaskKind::kApiCall, 10 * kUs, phase, layer);
  TaskId op_task = t.gpu_op(t.gpu, op, name, KernelClass::kGemm, phase, layer);
  t.graph.add_edge(l, op_task, EdgeKind::kLaunch);
  return op_task;
}

// Forward A (100 us), forward B (200 us), backward B (300 us), backward A (400 us), each
// launched by a 10 us call (launch latency 0). Launch i ends at 10i us, so the GPU runs
// [10,110] [110,310] [310,610] [610,1010]: 1010 us, GPU-bound.
struct TwoLayers {
  dd::test::TinyGraph t;
  TaskId forward_a = launch(t, Phase::kForward, 100 * kUs, "conv_a_fwd", "A");
  TaskId forward_b = launch(t, Phase::kForward, 200 * kUs, "conv_b_fwd", "B");
  TaskId backward_b = launch(t, Phase::kBackward, 300 * kUs, "conv_b_bwd", "B");
  TaskId backward_a = launch(t, Phase::kBackward, 400 * kUs, "conv_a_bwd", "A");
};

}  // namespace

TEST_CASE("recompute of one layer adds its forward GPU time", "[transforms][recompute]") {
  // The copy of forward A (100 us) runs right before backward A, launched by a 10 us call
  // before backward A's launch (CPU: [30,40]): GPU [610,710] then backward A [710,1110].
  TwoLayers g;
  REQUIRE(dd::test::simulated_iteration(g.t.graph) == 1010 * kUs);
  auto outcome = dd::test::apply_model(g.t.graph, "recompute:layers=A");
  REQUIRE(outcome);
  INFO(outcome->summary);
  CHECK(outcome->applicable);
  CHECK(outcome->summary.find("memory saving not modeled") != std::string::npos);
  TaskId copy = g.t.graph.prev_on_resource[g.backward_a];
  CHECK(g.t.graph.str(g.t.graph.name[copy]) == "conv_a_fwd");
  CHECK(g.t.graph.phase[copy] == Phase::kBackward);
  CHECK(g.t.graph.duration[copy] == 100 * kUs);
  CHECK(g.t.graph.kernel_class[copy] == KernelClass::kGemm);
  CHECK(g.t.graph.str(g.t.graph.layer[copy]) == "A");
  TaskId call = dd::launch_call_of(g.t.graph, copy);
  REQUIRE(call != dd::kNone);
  CHECK(g.t.graph.next_on_resource[call] == dd::launch_call_of(g.t.graph, g.backward_a));
  CHECK(dd::select_tasks(g.t.graph, *dd::parse_selector("kind:api_call")).size() == 5);
  CHECK(dd::test::simulated_iteration(g.t.graph) == 1110 * kUs);
}

TEST_CASE("recompute of all layers adds both forward passes", "[transforms][recompute]") {
  // Copy of forward B (200 us) before backward B, of forward A (100 us) before backward A:
  // 1010 + 300 = 1310 us.
  TwoLayers g;
  auto outcome = dd::test::apply_model(g.t.graph, "recompute");
  REQUIRE(outcome);
  CHECK(outcome->applicable);
  CHECK(g.t.graph.str(g.t.graph.name[g.t.graph.prev_on_resource[g.backward_b]]) == "conv_b_fwd");
  CHECK(dd::select_tasks(g.t.graph, *dd::parse_selector("kind:gpu_op")).size() == 6);
  CHECK(dd::test::simulated_iteration(g.t.graph) == 1310 * kUs);

  TwoLayers named;
  REQUIRE(dd::test::apply_model(named.t.graph, "recompute:layers=A+B")->applicable);
  CHECK(dd::test::simulated_iteration(named.t.graph) == 1310 * kUs);
}

TEST_CASE("recompute says when it cannot apply", "[transforms][recompute]") {
  dd::test::TinyGraph no_layers;
  launch(no_layers, Phase::kForward, 100 * kUs, "relu_fwd", "");
  launch(no_layers, Phase::kBackward, 100 * kUs, "relu_bwd", "");
  auto none = dd::test::apply_model(no_layers.graph, "recompute");
  REQUIRE(none);
  CHECK_FALSE(none->applicable);
  CHECK(none->summary.find("no layer attribution") != std::string::npos);

  dd::test::TinyGraph forward_only;
  launch(forward_only, Phase::kForward, 100 * kUs, "conv_fwd", "A");
  auto no_backward = dd::test::apply_model(forward_only.graph, "recompute");
  REQUIRE(no_backward);
  CHECK_FALSE(no_backward->applicable);
  CHECK(no_backward->summary.find("both forward and backward") != std::string::npos);

  TwoLayers g;
  auto unknown = dd::test::apply_model(g.t.graph, "recompute:layers=A+Linear_9");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("unknown layer 'Linear_9'") != std::string::npos);
  CHECK(unknown.error().message.find("A, B") != std::string::npos);
}

namespace {

// The forward GPU time, per iteration, of the layers that also have backward GPU ops, from the
// graph's attribution.
TimeNs recomputable_forward_time(const dd::Graph& graph) {
  std::map<std::pair<int32_t, dd::StringId>, TimeNs> forward;
  std::set<std::pair<int32_t, dd::StringId>> with_backward;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.kind[t] != TaskKind::kGpuOp || graph.layer[t] == dd::kEmptyString) continue;
    std::pair key{graph.iteration[t], graph.layer[t]};
    if (graph.phase[t] == Phase::kForward) forward[key] += graph.duration[t];
    if (graph.phase[t] == Phase::kBackward) with_backward.insert(key);
  }
  TimeNs recomputed = 0;
  std::set<int32_t> iterations;
  for (const auto& [key, time] : forward) {
    if (!with_backward.contains(key)) continue;
    recomputed += time;
    iterations.insert(key.first);
  }
  REQUIRE(!iterations.empty());
  return recomputed / static_cast<TimeNs>(iterations.size());
}

// Recomputing every layer of a GPU-bound trace adds the forward GPU time to each iteration.
void check_recompute_all(const std::string& trace) {
  const dd::Graph& original = dd::test::bundled_graph(trace);
  TimeNs per_iteration = recomputable_forward_time(original);
  dd::Graph graph = original;
  auto outcome = dd::test::apply_model(graph, "recompute:layers=all");
  REQUIRE(outcome);
  INFO(outcome->summary);
  REQUIRE(outcome->applicable);
  TimeNs replay = dd::test::simulated_iteration(original);
  TimeNs predicted = dd::test::simulated_iteration(graph);
  CHECK(predicted > replay);
  CHECK(predicted - replay == Approx(per_iteration).epsilon(0.02));
}

}  // namespace

TEST_CASE("recompute of VGG13 slows it by the forward GPU time",
          "[transforms][recompute][golden]") {
  // Replay 348.074 ms; recompute adds 107.564 ms of forward GPU time (one pass, no iteration
  // markers): predicted 455.822 ms (+107.748 ms, 1.31x slower), GPU-bound.
  check_recompute_all("vgg13_h100_iter41.pt.trace.json.gz");
}

TEST_CASE("recompute of ResNet-50, whose layers are its op calls, slows it by the forward time",
          "[transforms][recompute][golden]") {
  // No module ranges: each forward op call is a layer ("conv2d #7"), its backward found
  // through the autograd sequence numbers.
  check_recompute_all("resnet50_v100_rank0.pt.trace.json.gz");
}
