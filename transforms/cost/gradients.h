// The gradients of a single-GPU training trace, as the data-parallel what-ifs (ddp, ps,
// priority-comm, virtual-nodes) need them: per iteration, each gradient's size, the layer
// that produced it, and the backward GPU op after which it is complete, in the order they
// become ready (backward order).
//
// Where sizes come from (`params` parameter):
//  - auto, from the trace's allocator events (Kineto profile_memory): a gradient is a device
//    block allocated during the backward pass (by a backward-phase CPU task) that is still
//    allocated when the iteration's backward pass ends — activation gradients are freed as
//    soon as the previous layer consumed them, parameter gradients live until the optimizer
//    (PyTorch's AccumulateGrad keeps the block it was handed, e.g. VGG-13's 26 blocks, 532.6
//    MB = its 133 M fp32 parameters), or that is freed inside AccumulateGrad (added into an
//    existing .grad: zero_grad(set_to_none=False)). Sizes are the allocator's blocks, rounded
//    up (to 512 bytes, more with roundup_power2_divisions: +0.07% on VGG-13).
//    A gradient is complete after the last backward GPU op launched before the next
//    gradient's allocation (the last backward op of the iteration for the last gradient):
//    the framework allocates a gradient, then launches the kernels that write it.
//  - a number of MB: the total gradient size per iteration. With gradients found as above,
//    their sizes are scaled to that total; without (no allocator events, or gradients
//    accumulated into existing blocks), the backward GEMM and convolution ops (the ones that
//    compute weight gradients) are the gradients, sizes in proportion to their durations —
//    an assumption, said in the summary.
// The layer of a gradient is the layer of the CPU task that allocated it, or of its ready
// op; it stays empty in traces without layer attribution.
//
// Backward GPU ops are GPU ops of phase backward other than communication (a multi-rank trace's
// own collectives, which the models replace). Order is the recorded order (structure only:
// no recorded time reaches a prediction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"
#include "transforms/whatif_model.h"

namespace dd {

struct Gradient {
  TaskId ready = kNone;  // backward GPU op after which the gradient is complete
  uint64_t bytes = 0;
  StringId layer = kEmptyString;
};

struct IterationGradients {
  int32_t iteration = -1;
  std::vector<Gradient> gradients;  // in the order they become ready
  TaskId last_backward = kNone;     // the iteration's last backward GPU op
  uint64_t total_bytes() const;
};

struct GradientPlan {
  std::vector<IterationGradients> iterations;  // iterations with backward GPU work, in order
  std::string source;  // how sizes were found, for the models' summaries
};

// The `params` parameter every data-parallel model takes.
ModelParameter gradient_size_parameter();

// The gradients of every iteration. Not found (no backward GPU work; params=auto in a trace
// without gradient allocations): an error whose message says why and what to pass; the
// models report it as "not applicable".
Result<GradientPlan> find_gradients(const Graph& graph, const ModelArguments& arguments);

// The backward GPU ops of each iteration, in recorded order (shared with models that need
// them without sizes).
std::vector<std::pair<int32_t, std::vector<TaskId>>> backward_ops_by_iteration(const Graph& g);

// "532.6 MB" style text of a byte count.
std::string megabytes_text(uint64_t bytes);

}  // namespace dd
