// `fused-optimizer:kernels=N` — the optimizer step as N fused kernels: Apex FusedAdam /
// multi_tensor_apply (NVIDIA Apex), torch.optim.Adam(fused=True) and the foreach
// implementations of PyTorch's optimizers. The per-parameter (or per-foreach-op) update
// kernels of each step and their launch calls are replaced by N fused kernels and N launches.
//
// What changes, per iteration and GPU stream: the optimizer-phase kernels that update
// parameters (kernel class optimizer, elementwise or reduction) and the API calls that
// launched them are removed, their dependencies handed to the fused kernels (which wait for
// everything any replaced kernel waited for, e.g. the last gradient all-reduce) and to the
// fused launches; the fused kernels take the first replaced kernel's place on the stream, the
// launches the first replaced launch's place on its thread.
//
// The fused duration: physically, bytes moved / memory bandwidth; the trace has no byte
// counts, so it is the replaced kernels' total minus the fixed cost of the K − N kernels that
// no longer run. A kernel's fixed cost (launch on the device, block scheduling, tail) does not
// depend on what it computes, and the shortest kernel in the trace is the measured upper
// bound of it, so that is the per-kernel floor subtracted. Each of the N launches costs the
// median recorded launch call (rewrite_helpers.h); the GPU gap between ops goes with the ops.
//
// Assumptions and limits:
//  - The replaced kernels' memory traffic stays: going from a foreach implementation (one
//    pass over the parameters per foreach op) to a truly fused one (one pass in all) also cuts
//    the bytes moved, which an eager trace cannot measure — the saving is then a lower bound.
//  - CPU work between the replaced launches (Python, per-parameter dispatch) stays.
//  - Not applicable when the optimizer already is fused: kernel names that say so (PyTorch's
//    FusedAdamMathFunctor / _fused_adam, Inductor "triton_*_fused_*"), or at most N update
//    kernels per step.
#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

bool is_update_kernel(const Graph& graph, TaskId t) {
  KernelClass k = graph.kernel_class[t];
  return graph.kind[t] == TaskKind::kGpuOp && graph.phase[t] == Phase::kOptimizer &&
         (k == KernelClass::kOptimizer || k == KernelClass::kElementwise ||
          k == KernelClass::kReduction);
}

bool says_fused(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("fused") != std::string::npos;
}

// The update kernels with their launch calls, per (iteration, stream), in stream order.
struct Step {
  std::vector<TaskId> kernels;
  std::vector<TaskId> calls;
};

std::map<std::pair<int32_t, ResourceId>, Step> find_steps(const Graph& graph) {
  std::vector<uint8_t> boundary = iteration_boundary_mask(graph);
  std::map<std::pair<int32_t, ResourceId>, Step> steps;
  for (ResourceId r = 0; r < graph.resources.size(); ++r) {
    for (TaskId t = graph.resources[r].first; t != kNone; t = graph.next_on_resource[t]) {
      if (!is_update_kernel(graph, t)) continue;
      TaskId call = launch_call_of(graph, t);
      if (call == kNone || boundary[call]) continue;
      Step& step = steps[{graph.iteration[t], r}];
      step.kernels.push_back(t);
      if (step.calls.empty() || step.calls.back() != call) step.calls.push_back(call);
    }
  }
  return steps;
}

struct FusionCosts {
  uint32_t kernels = 1;
  TimeNs floor = 0;
  TimeNs launch = 0;
};

// Replaces one step by `costs.kernels` fused kernels and launches; returns the fused GPU time.
TimeNs fuse_step(Graph& graph, const Step& step, const FusionCosts& costs) {
  TimeNs fused = total_duration(graph, step.kernels) -
                 static_cast<TimeNs>(step.kernels.size() - costs.kernels) * costs.floor;
  FusedKernels kernels{"fused_optimizer_step", KernelClass::kOptimizer,
                       std::vector<TimeNs>(costs.kernels, fused / costs.kernels), costs.launch};
  kernels.durations.front() += fused % costs.kernels;
  replace_with_fused_kernels(graph, step.kernels, step.calls, kernels);
  return fused;
}

class FusedOptimizerModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "fused-optimizer"; }
  std::string_view help() const override {
    return "Replace each optimizer step's update kernels and their launches by N fused kernels "
           "(Apex FusedAdam, torch.optim fused=True): the per-kernel fixed cost, measured as the "
           "trace's shortest kernel, and the launches go; the bytes moved stay.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"kernels", "1", "fused kernels per optimizer step (an integer >= 1)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto kernels = integer_argument(arguments, "kernels", 1);
    if (!kernels) return std::unexpected(kernels.error());
    FusionCosts costs{*kernels, kernel_floor(graph), median_launch_duration(graph)};
    auto steps = find_steps(graph);
    if (steps.empty()) {
      return ModelOutcome{false,
                          "no optimizer-phase update kernels (optimizer, elementwise or "
                          "reduction class) launched by API calls in this trace"};
    }
    for (const auto& [key, step] : steps) {
      for (TaskId t : step.kernels) {
        if (says_fused(graph.str(graph.name[t]))) {
          return ModelOutcome{false, "the optimizer already is fused (kernel " +
                                         std::string(graph.str(graph.name[t]).substr(0, 80)) + ")"};
        }
      }
    }
    return fuse_steps(graph, steps, costs);
  }

 private:
  static ModelOutcome fuse_steps(Graph& graph,
                                 const std::map<std::pair<int32_t, ResourceId>, Step>& steps,
                                 const FusionCosts& costs) {
    size_t fused_steps = 0, replaced = 0;
    TimeNs before = 0, after = 0;
    for (const auto& [key, step] : steps) {
      if (step.kernels.size() <= costs.kernels) continue;
      before += total_duration(graph, step.kernels);
      replaced += step.kernels.size();
      after += fuse_step(graph, step, costs);
      ++fused_steps;
    }
    if (fused_steps == 0) {
      return ModelOutcome{false, "the optimizer already is fused: at most " +
                                     std::to_string(costs.kernels) +
                                     " update kernels per optimizer step"};
    }
    return ModelOutcome{true, std::to_string(replaced) + " optimizer update kernels in " +
                                  std::to_string(fused_steps) + " steps replaced by " +
                                  std::to_string(costs.kernels) + " fused kernel(s) per step: " +
                                  duration_text(before) + " -> " + duration_text(after) +
                                  " of GPU time (" + duration_text(costs.floor) +
                                  " fixed cost per removed kernel, the trace's "
                                  "shortest kernel), launches cost " +
                                  duration_text(costs.launch) + " each"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_fused_optimizer_model() {
  return std::make_unique<FusedOptimizerModel>();
}

}  // namespace dd
