// `ps:servers=K,gpus=N[,bucket=MiB][,params=..][,topology=..]` — data parallelism with
// parameter servers (Li et al., "Scaling Distributed Machine Learning with the Parameter
// Server", OSDI 2014; MXNet KVStore, BytePS's PS mode), predicted from a single-GPU trace.
//
// What changes, per iteration: the gradients (gradients.h), grouped in buckets as ddp groups
// them (data_parallel.h), are pushed to the servers as soon as each bucket is complete, and the
// updated parameters pulled back: a push op on a new upload link resource, then a pull op on a
// new download link resource that waits for the push (the two directions of a full-duplex
// link run at once, so bucket k's pull overlaps bucket k+1's push). Durations are the
// communication model's push/pull: K servers hold 1/K of the parameters each; N workers push
// (and pull) every byte, so a server's link carries N/K workers' shards (comm_model.h). The
// first GPU op after the backward pass (the optimizer's) waits for the last pull.
//
// Assumptions: the servers aggregate as fast as data arrives (server CPU time not modeled)
// and have links like the workers' (the bottleneck link of `topology`: the network between
// nodes when the GPUs span nodes); the optimizer step stays on the worker, as the trace ran
// it (with server-side updates it would move to the servers); weak scaling and lockstep, as
// in ddp.
#include <map>
#include <memory>
#include <string>

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

class PsModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "ps"; }
  std::string_view help() const override {
    return "Data parallelism with K parameter servers (OSDI 2014 parameter server, BytePS): "
           "each gradient bucket pushed to the servers when complete and the parameters pulled "
           "back, on the two directions of the worker's link; a server link carries N/K "
           "workers' shards; the optimizer waits for the last pull.";
  }
  std::vector<ModelParameter> parameters() const override {
    return data_parallel_parameters({
        {"servers", "", "parameter servers (an integer >= 1)"},
        {"gpus", "", "worker GPUs (an integer >= 1)"},
        {"bucket", "25", "bucket size cap in MiB (as ddp's)"}}, false);
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto servers = integer_argument(arguments, "servers", 1);
    if (!servers) return std::unexpected(servers.error());
    auto gpus = integer_argument(arguments, "gpus", 1);
    if (!gpus) return std::unexpected(gpus.error());
    auto cap = size_argument(arguments, "bucket", kMiB);
    if (!cap) return std::unexpected(cap.error());
    std::map<std::string, std::string> values = arguments.values();
    values["algo"] = "ring";  // unused by push/pull
    auto setup = communication_setup(graph, ModelArguments(values), *gpus);
    if (!setup) return std::unexpected(setup.error());
    setup->servers = *servers;
    auto plan = find_gradients(graph, arguments);
    if (!plan) {
      if (plan.error().kind == ErrorKind::kUsage) return std::unexpected(plan.error());
      return ModelOutcome{false, plan.error().message};
    }
    size_t replaced = remove_recorded_communication(graph);
    TaskId anchor = plan->iterations.front().last_backward;
    ResourceId up = add_communication_resource(graph, ResourceKind::kLink, "ps push link", anchor);
    ResourceId down = add_communication_resource(graph, ResourceKind::kLink, "ps pull link", anchor);
    TimeNs push_time = 0, pull_time = 0;
    for (const IterationGradients& it : plan->iterations) {
      TaskId last = kNone;
      for (const Bucket& bucket : make_buckets(it, *cap)) {
        TimeNs push = collective_time(Collective::kPush, bucket.bytes, *setup);
        TimeNs pull = collective_time(Collective::kPull, bucket.bytes, *setup);
        std::string size = megabytes_text(bucket.bytes);
        TaskId pushed = append_communication(graph, up, "ps push " + size, push, it.iteration,
                                             bucket.layer, bucket.ready);
        last = append_communication(graph, down, "ps pull " + size, pull, it.iteration,
                                    bucket.layer, pushed);
        push_time += push;
        pull_time += pull;
      }
      TaskId waiter = first_op_after_backward(graph, it.last_backward);
      if (waiter != kNone) add_dependency(graph, last, waiter, EdgeKind::kCommunication);
    }
    auto iterations = static_cast<TimeNs>(plan->iterations.size());
    std::string summary = std::to_string(*gpus) + " workers, " + std::to_string(*servers) +
                          " servers on " + setup->bottleneck().name + ": " + plan->source +
                          "; push " + duration_text(push_time / iterations) + " and pull " +
                          duration_text(pull_time / iterations) +
                          " per iteration, overlapped with the rest of backward; the "
                          "optimizer waits for the last pull";
    if (replaced > 0) {
      summary += "; the trace's own " + std::to_string(replaced) + " communication ops removed";
    }
    return ModelOutcome{true, summary};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_ps_model() { return std::make_unique<PsModel>(); }

}  // namespace dd
