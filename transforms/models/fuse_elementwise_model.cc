// `fuse-elementwise[:max_chain=N]` — kernel fusion of memory-bound op chains: TASO (Jia et
// al., SOSP 2019), TensorFlow Grappler's remapper, XLA and TorchInductor fuse a run of
// elementwise ops into one kernel that keeps the intermediates in registers.
//
// What changes: in the forward and backward phases, a chain is a maximal run of >= 2
// consecutive GPU ops of one stream (stream order, no other op between them) of kernel class
// elementwise, launched by API calls of one CPU thread, with the same phase, layer and
// iteration; chains are cut every max_chain ops (default 8). Each chain becomes one fused
// kernel at its first op's place, launched by one call at its first launch's place with that
// call's recorded duration: the k − 1 other launch calls go, the CPU work between them (Python,
// dispatch) stays. Dependencies are handed over as fused-optimizer does (rewrite_helpers.h).
//
// The fused duration. A kernel's time is its fixed cost (launch on the device, block
// scheduling, tail; bounded by the trace's shortest kernel, `floor`, as in fused-optimizer)
// plus its DRAM traffic over the bandwidth it reaches. Counting the traffic in tensor passes
// (one pass = one tensor of the chain's shape read or written): unfused, each of the k ops
// reads its input and writes its output, 2k passes; fused, the chain reads its input once,
// writes its result once, and reads at most one external operand per later op (an upper bound:
// unary ops read none), k + 1 passes. So
//   fused = (sum − k × floor) × (k + 1) / (2k) + floor,
// the traffic time scaled by the passes and one fixed cost instead of k; never less than the
// chain's longest op, which moved at least its own bytes. Nothing is fitted to a trace.
//
// Assumptions and limits:
//  - Traces record no shapes: the ops of a chain are taken to work on tensors of one shape and
//    the chain to be a dataflow chain (each op consumes its predecessor's output); ops of one
//    layer launched back to back mostly are (bias + activation, add + relu, their backwards).
//  - Reductions and normalizations are not fused, not even as a chain's last op: their output
//    is a fraction of their input, so the 2-passes-per-op count does not hold for them.
//  - The fused kernel reaches the bandwidth the unfused ones did.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

bool is_fusible(const Graph& graph, TaskId t) {
  return graph.kind[t] == TaskKind::kGpuOp && graph.kernel_class[t] == KernelClass::kElementwise &&
         (graph.phase[t] == Phase::kForward || graph.phase[t] == Phase::kBackward);
}

// The elementwise kernels of one chain with their launch calls, in stream order.
struct Chain {
  std::vector<TaskId> kernels;
  std::vector<TaskId> calls;
};

// Whether `op`, launched by `call`, extends `chain` (non-empty, shorter than max_chain).
bool extends(const Graph& graph, const Chain& chain, TaskId op, TaskId call) {
  TaskId last = chain.kernels.back();
  return graph.resource[chain.calls.back()] == graph.resource[call] &&
         graph.phase[last] == graph.phase[op] && graph.layer[last] == graph.layer[op] &&
         graph.iteration[last] == graph.iteration[op];
}

std::vector<Chain> find_chains(const Graph& graph, uint32_t max_chain) {
  std::vector<uint8_t> boundary = iteration_boundary_mask(graph);
  std::vector<Chain> chains;
  Chain current;
  auto close = [&chains, &current] {
    if (current.kernels.size() >= 2) chains.push_back(current);
    current = Chain{};
  };
  for (ResourceId r = 0; r < graph.resources.size(); ++r) {
    for (TaskId t = graph.resources[r].first; t != kNone; t = graph.next_on_resource[t]) {
      TaskId call = is_fusible(graph, t) ? launch_call_of(graph, t) : kNone;
      if (call == kNone || boundary[call]) {
        close();
        continue;
      }
      if (!current.kernels.empty() &&
          (current.kernels.size() == max_chain || !extends(graph, current, t, call))) {
        bool same_call = current.calls.back() == call;
        close();
        if (same_call) continue;  // a call belongs to one chain: its launches fuse or stay
      }
      current.kernels.push_back(t);
      if (current.calls.empty() || current.calls.back() != call) current.calls.push_back(call);
    }
    close();
  }
  return chains;
}

// The fused duration of the header comment.
TimeNs fused_duration(const Graph& graph, const Chain& chain, TimeNs floor) {
  auto k = static_cast<TimeNs>(chain.kernels.size());
  TimeNs traffic = total_duration(graph, chain.kernels) - k * floor;
  TimeNs longest = 0;
  for (TaskId t : chain.kernels) longest = std::max(longest, graph.duration[t]);
  return std::max(longest, traffic * (k + 1) / (2 * k) + floor);
}

class FuseElementwiseModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "fuse-elementwise"; }
  std::string_view help() const override {
    return "Fuse each chain of consecutive forward/backward elementwise kernels of one layer "
           "into one kernel (TASO, Grappler remapper, TorchInductor): DRAM traffic falls from 2k "
           "to k+1 tensor passes, one fixed cost and one launch per chain remain.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"max_chain", "8", "most kernels fused into one (an integer >= 2)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto max_chain = integer_argument(arguments, "max_chain", 2);
    if (!max_chain) return std::unexpected(max_chain.error());
    std::vector<Chain> chains = find_chains(graph, *max_chain);
    if (chains.empty()) {
      return ModelOutcome{false,
                          "no chain of >= 2 consecutive forward/backward elementwise kernels of "
                          "one stream, layer and iteration launched from one thread"};
    }
    TimeNs floor = kernel_floor(graph);
    size_t replaced = 0, calls = 0;
    TimeNs before = 0, after = 0;
    std::vector<FusedKernels> fused_kernels;
    fused_kernels.reserve(chains.size());
    for (const Chain& chain : chains) {
      TimeNs fused = fused_duration(graph, chain, floor);
      before += total_duration(graph, chain.kernels);
      after += fused;
      replaced += chain.kernels.size();
      calls += chain.calls.size() - 1;
      fused_kernels.push_back({"fused_elementwise_chain", KernelClass::kElementwise,
                               std::vector<TimeNs>{fused}, graph.duration[chain.calls.front()]});
    }
    std::vector<FusionGroup> groups;
    for (size_t i = 0; i < chains.size(); ++i) {
      groups.push_back({chains[i].kernels, chains[i].calls, &fused_kernels[i]});
    }
    replace_with_fused_kernels(graph, groups);
    return ModelOutcome{true, std::to_string(replaced) + " elementwise kernels in " +
                                  std::to_string(chains.size()) +
                                  " chains fused: " + duration_text(before) + " -> " +
                                  duration_text(after) + " of GPU time (" + duration_text(floor) +
                                  " fixed cost per kernel, the trace's shortest kernel), " +
                                  std::to_string(calls) + " launch calls removed"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_fuse_elementwise_model() {
  return std::make_unique<FuseElementwiseModel>();
}

}  // namespace dd
