// `recompute:layers=all|NAME+NAME...` — activation checkpointing: the forward pass of the
// selected layers runs again during the backward pass instead of keeping its activations
// (Chen et al., "Training Deep Nets with Sublinear Memory Cost", 2016; PyTorch's
// torch.utils.checkpoint).
//
// What changes, per iteration and selected layer (a task's `layer`; `all`: every layer with
// forward GPU work): a copy of each of the layer's forward GPU ops (same duration, name, op,
// kernel class and layer; phase backward) is inserted, in forward order, on the stream of the
// layer's first backward GPU op of that iteration, right before it. Each copy is launched by a
// copy of its forward launch call (same name and duration), inserted on the backward thread
// right before the launch call of that first backward op, with the trace's measured launch
// latency. The first backward op waits for the last recomputed op.
//
// Assumptions and limits:
//  - Only the time is modeled: the memory that checkpointing saves (the point of it) is not,
//    so the prediction is the cost side of the trade, e.g. for choosing which layers to
//    recompute once memory allows a larger batch (which a separate what-if would model).
//  - The recomputed ops cost what they cost in the forward pass; the CPU work between their
//    launches (Python, dispatch) is not replayed, only the launch calls.
//  - A layer's forward work is its GPU ops of phase forward, or of phase other (work outside
//    the trace's marked iterations).
//  - A layer is a module, or an op call where the trace has no modules (graph/layer_units.h);
//    tasks with an empty layer are never selected, and a trace without any (no framework
//    ops or modules in the profile) makes the model not applicable.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

// One layer in one iteration: its forward GPU ops in recorded order and its first backward op.
struct LayerPass {
  std::vector<TaskId> forward;
  TaskId first_backward = kNone;
};

// A layer's GPU op is forward work when in phase forward, or other (outside the marked
// iterations).
bool is_forward_work(Phase phase) { return phase == Phase::kForward || phase == Phase::kOther; }

// The forward and backward GPU work of every attributed layer, keyed by (iteration, layer).
std::map<std::pair<int32_t, StringId>, LayerPass> find_passes(const Graph& graph) {
  std::map<std::pair<int32_t, StringId>, LayerPass> passes;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || graph.kind[t] != TaskKind::kGpuOp) continue;
    if (graph.layer[t] == kEmptyString) continue;
    LayerPass& pass = passes[{graph.iteration[t], graph.layer[t]}];
    if (is_forward_work(graph.phase[t])) {
      pass.forward.push_back(t);
    } else if (graph.phase[t] == Phase::kBackward &&
               (pass.first_backward == kNone || recorded_before(graph, t, pass.first_backward))) {
      pass.first_backward = t;
    }
  }
  for (auto& [key, pass] : passes) {
    std::sort(pass.forward.begin(), pass.forward.end(),
              [&graph](TaskId a, TaskId b) { return recorded_before(graph, a, b); });
  }
  return passes;
}

// "all" -> every layer with forward GPU work; "A+B" -> those layers, each of which must exist.
Result<std::set<StringId>> parse_layers(const Graph& graph, const std::string& text,
                                        const std::map<std::pair<int32_t, StringId>, LayerPass>&
                                            passes) {
  std::set<StringId> selected;
  std::map<std::string, StringId> by_name;
  for (const auto& [key, pass] : passes) {
    by_name.emplace(std::string(graph.str(key.second)), key.second);
  }
  if (text == "all") {
    for (const auto& [key, pass] : passes) {
      if (!pass.forward.empty()) selected.insert(key.second);
    }
    return selected;
  }
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t plus = std::min(text.find('+', begin), text.size());
    std::string name = text.substr(begin, plus - begin);
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      std::string examples;
      size_t shown = 0;
      for (const auto& [known_name, id] : by_name) {
        if (shown++ == 5) break;
        examples += (examples.empty() ? "" : ", ") + known_name;
      }
      return usage_error("recompute: unknown layer '" + name + "' (layers in this trace: " +
                         examples + (by_name.size() > 5 ? ", ..." : "") + ")");
    }
    selected.insert(it->second);
    begin = plus + 1;
  }
  return selected;
}

// What one recomputation needs from the graph, read before any edit.
struct Recomputation {
  const LayerPass* pass = nullptr;
  std::vector<TaskId> forward_calls;  // launch call of each forward op, kNone if none
  TaskId backward_call = kNone;       // launch call of the first backward op
};

// Inserts the recomputed ops and their launches before the layer's first backward op.
void recompute(Graph& graph, const Recomputation& r) {
  TaskId backward = r.pass->first_backward;
  TaskId after = graph.prev_on_resource[backward];
  for (size_t i = 0; i < r.pass->forward.size(); ++i) {
    TaskId op = r.pass->forward[i];
    TaskSpec spec;
    spec.kind = TaskKind::kGpuOp;
    spec.resource = graph.resource[backward];
    spec.duration = graph.duration[op];
    spec.name = graph.name[op];
    spec.op = graph.op[op];
    spec.layer = graph.layer[op];
    spec.phase = Phase::kBackward;
    spec.iteration = graph.iteration[backward];
    spec.kernel_class = graph.kernel_class[op];
    after = insert_task(graph, spec, after);
    TaskId call = r.forward_calls[i];
    if (call == kNone || r.backward_call == kNone) continue;
    TaskId copy = insert_call_before(graph, r.backward_call, graph.str(graph.name[call]),
                                     graph.duration[call]);
    add_dependency(graph, copy, after, EdgeKind::kLaunch, graph.parameters.launch_latency_ns);
  }
  add_dependency(graph, after, backward, EdgeKind::kOther);
}

class RecomputeModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "recompute"; }
  std::string_view help() const override {
    return "Activation checkpointing (Chen et al. 2016, torch.utils.checkpoint): the selected "
           "layers' forward GPU ops and launches run again before their backward pass; the "
           "memory saved is not modeled.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"layers", "all",
             "layers to recompute, joined by '+', or all (every layer with forward GPU work)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto passes = find_passes(graph);
    if (passes.empty()) {
      return ModelOutcome{false, "the trace has no layer attribution (every GPU op's layer is "
                                 "empty)"};
    }
    auto layers = parse_layers(graph, arguments.text("layers"), passes);
    if (!layers) return std::unexpected(layers.error());
    std::vector<Recomputation> work;
    std::set<StringId> recomputed_layers;
    for (const auto& [key, pass] : passes) {
      if (!layers->contains(key.second) || pass.forward.empty() || pass.first_backward == kNone) {
        continue;
      }
      Recomputation r{&pass, {}, launch_call_of(graph, pass.first_backward)};
      for (TaskId op : pass.forward) r.forward_calls.push_back(launch_call_of(graph, op));
      work.push_back(std::move(r));
      recomputed_layers.insert(key.second);
    }
    if (work.empty()) {
      return ModelOutcome{false, "no selected layer has both forward and backward GPU ops"};
    }
    TimeNs total = 0;
    size_t ops = 0;
    for (const Recomputation& r : work) {
      total += total_duration(graph, r.pass->forward);
      recompute(graph, r);
      ops += r.pass->forward.size();
    }
    return ModelOutcome{true, std::to_string(ops) + " forward GPU ops of " +
                                  std::to_string(recomputed_layers.size()) + " layers in " +
                                  std::to_string(work.size()) +
                                  " layer passes recomputed during backward: " +
                                  duration_text(total) +
                                  " of added GPU time (memory saving not modeled)"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_recompute_model() {
  return std::make_unique<RecomputeModel>();
}

}  // namespace dd
