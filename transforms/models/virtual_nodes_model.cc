// `virtual-nodes:gpus=N,virtual=V[,bucket=MiB][,params=..][,topology=..][,algo=..]` —
// VirtualFlow (Or, Zhang, Freedman, "Virtual Flow: Decoupling Deep Learning Models from the
// Underlying Hardware", MLSys 2022): the global batch is V virtual nodes, each the trace's
// per-GPU batch; N devices process them in waves of N, accumulating gradients, then
// synchronize once and step once — the same hyperparameters (global batch, learning rate) on
// any number of devices.
//
// What changes, per iteration (one global step): with w = ceil(V / N) waves, the iteration's
// forward and backward GPU ops (everything but the optimizer and communication) run w times:
// w - 1 copies of them, in recorded order, follow the originals on their streams, before the
// optimizer. After the last wave, the accumulated gradients (gradients.h) are all-reduced
// across the N devices as ddp does (data_parallel.h: DDP's buckets on a communication stream,
// each when the last wave completes it), and the optimizer waits for the last bucket. One
// device (N = 1) only accumulates; the trace's own collectives are removed first.
//
// The predicted iteration is one global step of V virtual nodes: compare mappings of the same
// V (e.g. virtual=8 on gpus=8, 4, 2), not with the trace's step of one node. Assumptions: the
// copies cost what the originals did (same per-wave batch), and their CPU launches keep up (only
// GPU work is repeated: optimistic for a CPU-bound trace); accumulating into .grad is already
// in the backward pass (AccumulateGrad); when N does not divide V, the last wave leaves devices
// idle; lockstep devices, as ddp.
#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "transforms/cost/comm_model.h"
#include "transforms/cost/gradients.h"
#include "transforms/model_factories.h"
#include "transforms/models/data_parallel.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

constexpr double kMiB = 1 << 20;

bool is_wave_work(const Graph& graph, TaskId t) {
  return !graph.removed[t] && graph.kind[t] == TaskKind::kGpuOp &&
         graph.phase[t] != Phase::kOptimizer &&
         graph.kernel_class[t] != KernelClass::kCommunication;
}

// The forward/backward GPU ops of each iteration, in recorded order.
std::map<int32_t, std::vector<TaskId>> wave_work(const Graph& graph) {
  std::map<int32_t, std::vector<TaskId>> work;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (is_wave_work(graph, t)) work[graph.iteration[t]].push_back(t);
  }
  for (auto& [iteration, ops] : work) {
    std::sort(ops.begin(), ops.end(),
              [&graph](TaskId a, TaskId b) { return recorded_before(graph, a, b); });
  }
  return work;
}

// Appends `waves - 1` copies of `ops` after the last of them on each stream; returns, for each
// op, its copy in the last wave.
std::map<TaskId, TaskId> repeat_waves(Graph& graph, const std::vector<TaskId>& ops,
                                      uint32_t waves) {
  std::map<ResourceId, TaskId> after;
  for (TaskId op : ops) after[graph.resource[op]] = op;
  std::map<TaskId, TaskId> last_copy;
  for (TaskId op : ops) last_copy[op] = op;
  for (uint32_t wave = 1; wave < waves; ++wave) {
    for (TaskId op : ops) {
      TaskSpec spec;
      spec.kind = TaskKind::kGpuOp;
      spec.resource = graph.resource[op];
      spec.duration = graph.duration[op];
      spec.name = graph.name[op];
      spec.op = graph.op[op];
      spec.layer = graph.layer[op];
      spec.phase = graph.phase[op];
      spec.iteration = graph.iteration[op];
      spec.kernel_class = graph.kernel_class[op];
      TaskId copy = insert_task(graph, spec, after[spec.resource]);
      after[spec.resource] = copy;
      last_copy[op] = copy;
    }
  }
  return last_copy;
}

class VirtualNodesModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "virtual-nodes"; }
  std::string_view help() const override {
    return "VirtualFlow (MLSys 2022): a global batch of V virtual nodes (each the trace's "
           "batch) on N GPUs, in ceil(V/N) waves of forward and backward with gradient "
           "accumulation, then one DDP-style all-reduce and one optimizer step; the iteration "
           "is a global step of V nodes.";
  }
  std::vector<ModelParameter> parameters() const override {
    return data_parallel_parameters({
        {"gpus", "", "devices (an integer >= 1)"},
        {"virtual", "", "virtual nodes per global batch (an integer >= 1)"},
        {"bucket", "25", "bucket size cap in MiB for the all-reduce (as ddp's)"}});
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto gpus = integer_argument(arguments, "gpus", 1);
    if (!gpus) return std::unexpected(gpus.error());
    auto nodes = integer_argument(arguments, "virtual", 1);
    if (!nodes) return std::unexpected(nodes.error());
    auto cap = size_argument(arguments, "bucket", kMiB);
    if (!cap) return std::unexpected(cap.error());
    auto setup = communication_setup(graph, arguments, *gpus);
    if (!setup) return std::unexpected(setup.error());
    std::optional<GradientPlan> plan;
    if (*gpus > 1) {
      auto found = find_gradients(graph, arguments);
      if (!found) {
        if (found.error().kind == ErrorKind::kUsage) return std::unexpected(found.error());
        return ModelOutcome{false, found.error().message};
      }
      plan = std::move(*found);
    }
    uint32_t waves = (*nodes + *gpus - 1) / *gpus;
    size_t replaced = remove_recorded_communication(graph);
    auto work = wave_work(graph);
    if (work.empty()) return ModelOutcome{false, "no forward or backward GPU work in this trace"};
    std::map<TaskId, TaskId> last_wave;
    for (const auto& [iteration, ops] : work) last_wave.merge(repeat_waves(graph, ops, waves));
    std::string summary = std::to_string(*nodes) + " virtual nodes on " + std::to_string(*gpus) +
                          " GPUs: " + std::to_string(waves) + " waves of forward and backward "
                          "per global step";
    if (*nodes % *gpus != 0) summary += " (the last wave leaves GPUs idle)";
    if (plan) summary += "; " + synchronize(graph, *plan, last_wave, *cap, *setup);
    if (replaced > 0) {
      summary += "; the trace's own " + std::to_string(replaced) + " communication ops removed";
    }
    return ModelOutcome{true, summary};
  }

 private:
  // DDP's all-reduce after the last wave; returns what the summary says of it.
  static std::string synchronize(Graph& graph, const GradientPlan& plan,
                                 const std::map<TaskId, TaskId>& last_wave, uint64_t cap,
                                 const CommSetup& setup) {
    ResourceId stream = add_communication_resource(graph, ResourceKind::kGpuStream,
                                                   "virtual-nodes all-reduce stream",
                                                   plan.iterations.front().last_backward);
    TimeNs time = 0;
    for (IterationGradients it : plan.iterations) {
      it.last_backward = last_wave.at(it.last_backward);
      for (Gradient& g : it.gradients) g.ready = last_wave.at(g.ready);
      time += all_reduce_buckets(graph, it, cap, setup, stream, true).time;
    }
    return setup.text() + ": " + plan.source + ", all-reduce " +
           duration_text(time / static_cast<TimeNs>(plan.iterations.size())) +
           " per global step after the last wave";
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_virtual_nodes_model() {
  return std::make_unique<VirtualNodesModel>();
}

}  // namespace dd
