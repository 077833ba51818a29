// Graph rewrites that the data-parallel what-ifs (ddp, ps, priority-comm, virtual-nodes)
// share: grouping gradients into buckets, adding a communication resource and the
// communication ops on it, finding what must wait for synchronized gradients, and removing a
// multi-rank trace's own collectives. Every edit goes through the primitives (primitives.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"
#include "transforms/cost/comm_model.h"
#include "transforms/cost/gradients.h"

namespace dd {

struct Bucket {
  uint64_t bytes = 0;
  TaskId ready = kNone;           // the ready op of its last gradient
  StringId layer = kEmptyString;  // the layer of its last gradient
  size_t gradients = 0;
};

// PyTorch DDP's bucketing (torch/nn/parallel/distributed.py, Reducer): gradients in the order
// they become ready fill a bucket until it holds at least `cap` bytes; the first bucket's cap
// is min(cap, 1 MiB) (dist._DEFAULT_FIRST_BUCKET_BYTES), so that communication starts early.
std::vector<Bucket> make_buckets(const IterationGradients& gradients, uint64_t cap);

// A new communication resource (a GPU stream, or a link for push/pull) in the process of the
// stream that runs `like`.
ResourceId add_communication_resource(Graph& graph, ResourceKind kind, std::string name,
                                      TaskId like);

// The parameters of a data-parallel model: its own, then params (gradient_size_parameter) and
// the communication parameters (without algo when `with_algorithm` is false).
std::vector<ModelParameter> data_parallel_parameters(std::vector<ModelParameter> own,
                                                     bool with_algorithm = true);

// Appends a GPU op (a task no trace row stands behind) to the end of `resource`.
TaskId append_gpu_op(Graph& graph, ResourceId resource, std::string_view name, TimeNs duration,
                     Phase phase, int32_t iteration, StringId layer, KernelClass kernel_class);

// Appends a communication GPU op of `duration` to `resource` that waits for `ready`
// (communication edge); phase backward, iteration and layer as given.
TaskId append_communication(Graph& graph, ResourceId resource, std::string_view name,
                            TimeNs duration, int32_t iteration, StringId layer, TaskId ready);

// What must wait for the synchronized gradients of an iteration: the first GPU op after the
// iteration's last backward op on its stream (the optimizer's first kernel, or the next
// iteration's first), kNone when the trace ends there.
TaskId first_op_after_backward(const Graph& graph, TaskId last_backward);

// DDP's gradient synchronization of one iteration: the gradients' buckets (cap bytes) are
// all-reduced one after another on `stream`, each when its last gradient is complete
// (`overlap`) or all after the iteration's last backward op; the first GPU op after that
// backward op waits for the last. Returns the all-reduce time and the number of buckets.
struct SyncCost {
  TimeNs time = 0;
  size_t buckets = 0;
};
SyncCost all_reduce_buckets(Graph& graph, const IterationGradients& gradients, uint64_t cap,
                            const CommSetup& setup, ResourceId stream, bool overlap);

// Removes the GPU ops of class communication (a multi-rank trace's own collectives, which a
// data-parallel model replaces by its own); returns how many.
size_t remove_recorded_communication(Graph& graph);

// The world size of the job the trace comes from: the profiler's distributedInfo.world_size
// (Kineto metadata), else the number of distinct ranks among the trace's processes; 1 when
// neither says.
uint32_t recorded_world_size(const Graph& graph);

// Rescales the trace's own collectives (GPU ops of class communication) from the job's ranks to
// another number of ranks: each by the communication model's ratio for a ring all-reduce of
// `bytes` under `to` and under `from` (the measured time, peer skew included, scales with the
// modeled one). Returns how many ops and the ratio.
struct CommunicationRescale {
  size_t ops = 0;
  double ratio = 1;
};
CommunicationRescale rescale_recorded_communication(Graph& graph, const CommSetup& from,
                                                    const CommSetup& to, uint64_t bytes);

// A size parameter (a number > 0 of `unit` bytes: 1e6 for MB, 2^20 for DDP's MiB), in bytes.
Result<uint64_t> size_argument(const ModelArguments& arguments, const std::string& name,
                               double unit);

}  // namespace dd
