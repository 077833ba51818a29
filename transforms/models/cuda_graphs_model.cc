// `cuda-graphs:phases=forward+backward+optimizer` — the captured region runs as CUDA graphs:
// PyTorch's torch.cuda.CUDAGraph / make_graphed_callables and torch.compile(mode=
// "reduce-overhead"), the "eager vs graph" question of Daydream (Zhu et al., ATC 2020) and of
// the CUDA Graphs work (NVIDIA, "Getting Started with CUDA Graphs", 2019).
//
// What changes: in each captured segment the per-op launch API calls disappear (their
// dependencies are spliced, so what waited on a launch waits on what the launch waited on) and
// one `cudaGraphLaunch` call takes the place of the segment's first launch; every captured GPU
// op depends on that call with the trace's measured launch latency. A segment is a maximal run
// of launches on one CPU thread in one iteration and one captured phase that no blocking call
// interrupts: a synchronizing call cannot be captured (torch.compile "graph break"), so the
// next launch opens a new segment, and one graph launch per phase per iteration remains where
// nothing synchronizes.
//
// The captured ops are marked graph-launched in the graph's execution state (graph.h): a second
// cuda-graphs finds nothing left to capture, and later rewrites (amp's casts) capture what
// they add to a graph-launched op in the same graph.
//
// Assumptions:
//  - A graph launch costs what one kernel launch call costs in this trace, as the trace
//    recorded it (the median recorded duration of its launch calls, rewrite_helpers.h): CUDA
//    12.6 made the launch of straight-line graphs constant-time (NVIDIA, "Constant Time Launch
//    for Straight-Line CUDA Graphs", 2024).
//  - GPU op durations and the GPU-side gap between back-to-back ops stay as measured; the
//    smaller inter-kernel gap of graph replay is not modeled (no measured value in an eager
//    trace), so on GPU-bound runs the prediction is conservative.
//  - Only launch cost goes: the CPU work between launches (Python, framework dispatch,
//    autograd) stays on the CPU thread, although a replayed graph would skip it too. On runs
//    bound by framework overhead the saving is therefore a lower bound.
//  - Ops launched from CPU work (blocking copies) and launches that open or close an iteration
//    stay eager.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

// The launch calls of one segment, in program order.
using Segment = std::vector<TaskId>;

// "forward+backward" -> its phases; each name is parsed as the selector's phase term is, so
// errors list the valid names.
Result<std::set<Phase>> parse_phases(const std::string& text) {
  std::set<Phase> phases;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t plus = std::min(text.find('+', begin), text.size());
    auto selector = parse_selector("phase:" + text.substr(begin, plus - begin));
    if (!selector) return usage_error("cuda-graphs: " + selector.error().message);
    phases.insert(*selector->phase);
    begin = plus + 1;
  }
  return phases;
}

// What a capture takes: 1 for each API call that launched an eager GPU op of a captured phase
// and may be removed, and the GPU ops those calls launched.
struct Capture {
  std::vector<uint8_t> calls;
  std::vector<TaskId> ops;
};

Capture captured_calls(const Graph& graph, const std::set<Phase>& phases) {
  std::vector<uint8_t> boundary = iteration_boundary_mask(graph);
  Capture capture{std::vector<uint8_t>(graph.task_count(), 0), {}};
  for (TaskId op = 0; op < graph.task_count(); ++op) {
    if (graph.removed[op] || graph.kind[op] != TaskKind::kGpuOp ||
        graph.execution.launch_of(op) == LaunchMode::kGraph) {
      continue;
    }
    TaskId call = launch_call_of(graph, op);
    if (call == kNone || boundary[call] || !phases.contains(graph.phase[call])) continue;
    capture.calls[call] = 1;
    capture.ops.push_back(op);
  }
  return capture;
}

bool is_blocking(const Graph& graph, TaskId task) {
  const Topology& topo = graph.topology();
  for (auto in : boost::make_iterator_range(boost::in_edges(task, topo))) {
    if (graph.edge_kind[topo[in].id] == EdgeKind::kHostWait) return true;
  }
  return false;
}

// Walks each CPU thread in program order, cutting segments at a change of iteration or phase
// and at blocking calls.
std::vector<Segment> find_segments(const Graph& graph, const std::vector<uint8_t>& captured) {
  std::vector<Segment> segments;
  for (const Resource& r : graph.resources) {
    if (r.kind != ResourceKind::kCpuThread) continue;
    bool open = false;
    std::tuple<int32_t, Phase> key;
    for (TaskId t = r.first; t != kNone; t = graph.next_on_resource[t]) {
      if (!captured[t]) {
        if (graph.kind[t] == TaskKind::kApiCall && is_blocking(graph, t)) open = false;
        continue;
      }
      std::tuple<int32_t, Phase> task_key{graph.iteration[t], graph.phase[t]};
      if (!open || task_key != key) segments.emplace_back();
      open = true;
      key = task_key;
      segments.back().push_back(t);
    }
  }
  return segments;
}

std::string phase_list(const std::set<Phase>& phases) {
  std::string text;
  for (Phase p : phases) text += (text.empty() ? "" : "+") + std::string(phase_name(p));
  return text;
}

class CudaGraphsModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "cuda-graphs"; }
  std::string_view help() const override {
    return "Run the captured phases as CUDA graphs (torch.compile mode=\"reduce-overhead\", "
           "NVIDIA CUDA Graphs): per-op launch calls become one graph launch per phase segment "
           "per iteration, each costing one launch call as the trace recorded it (median); "
           "framework CPU work and GPU gaps stay. Captured ops stay graph-launched for later "
           "rewrites.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"phases", "forward+backward+optimizer",
             "phases whose GPU work is captured, joined by '+' (forward, backward, optimizer, "
             "data, other)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto phases = parse_phases(arguments.text("phases"));
    if (!phases) return std::unexpected(phases.error());
    Capture capture = captured_calls(graph, *phases);
    std::vector<Segment> segments = find_segments(graph, capture.calls);
    if (segments.empty()) {
      return ModelOutcome{false, "no eagerly launched kernels in phases " + phase_list(*phases) +
                                     " to capture"};
    }
    TimeNs cost = median_recorded_launch_duration(graph);
    size_t launches = 0;
    std::vector<Replacement> groups;
    for (const Segment& calls : segments) {
      TaskId graph_launch = insert_call_before(graph, calls.front(), "cudaGraphLaunch", cost);
      groups.push_back({calls, graph_launch, graph_launch});
      launches += calls.size();
    }
    replace_tasks(graph, groups);
    for (TaskId op : capture.ops) graph.execution.set_launch(op, LaunchMode::kGraph);
    return ModelOutcome{true, std::to_string(launches) + " launch calls in phases " +
                                  phase_list(*phases) + " replaced by " +
                                  std::to_string(segments.size()) + " cudaGraphLaunch calls of " +
                                  duration_text(cost) + " each (median recorded launch)"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_cuda_graphs_model() {
  return std::make_unique<CudaGraphsModel>();
}

}  // namespace dd
