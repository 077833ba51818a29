// `ddp:gpus=N[,bucket=MiB][,overlap=on|off][,params=auto|MB][,topology=..][,algo=..]` — data
// parallelism as PyTorch DistributedDataParallel (Li et al., "PyTorch Distributed:
// Experiences on Accelerating Data Parallel Training", VLDB 2020) and Horovod (Sergeev and Del
// Balso, 2018) run it, predicted from a single-GPU trace as Daydream did (Zhu et al., ATC
// 2020, section 5).
//
// What changes, per iteration: the gradients (gradients.h: sizes from the trace's allocator
// events or params=MB, in the order backward makes them ready) are grouped into DDP's buckets
// (data_parallel.h: 1 MiB first, then `bucket` MiB); each bucket's all-reduce is a GPU op on a
// new communication stream that starts when the bucket's last gradient is complete
// (overlap=on), or when the whole backward pass is (overlap=off: all-reduce after backward,
// Horovod without tensor fusion overlap, or a hand-written loop). Its duration is the
// communication model's all-reduce over N GPUs (comm_model.h). The first GPU op after the
// backward pass on its stream (the optimizer's first kernel) waits for the last all-reduce, as
// DDP's finalize makes the compute stream wait for the communication stream.
//
// A trace of a job that already ran on W > 1 ranks (its distributedInfo.world_size, or its
// processes' ranks) scales from W, not from 1: its own collectives stay where they are, each
// rescaled by the communication model's ratio of a ring all-reduce of one `bucket` at N ranks
// to one at W (data_parallel.h); gpus=W changes nothing. The bucketed all-reduces above are
// for single-GPU traces only.
//
// Assumptions: weak scaling — every GPU keeps the trace's per-GPU batch, so its compute is
// the trace's; all GPUs run in lockstep (no straggler); the all-reduce kernels do not slow the
// compute kernels they overlap (NCCL takes a few SMs, and memory bandwidth); the CPU cost of
// launching each collective and DDP's bucket copies (the gradients are views into the bucket
// since PyTorch 1.7, gradient_as_bucket_view) are not modeled. gpus=1 adds no communication.
#include <cstdio>
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

// The multi-rank case of the header comment: the job's own collectives rescaled from `world`
// ranks to setup.ranks.
Result<ModelOutcome> scale_recorded_job(Graph& graph, const ModelArguments& arguments,
                                        uint32_t world, const CommSetup& setup, uint64_t bucket) {
  std::string job = "the job already runs on " + std::to_string(world) + " ranks";
  if (setup.ranks == world) {
    return ModelOutcome{false, job + "; its own collectives stay as measured"};
  }
  auto recorded = communication_setup(graph, arguments, world);
  if (!recorded) return std::unexpected(recorded.error());
  CommunicationRescale rescale = rescale_recorded_communication(graph, *recorded, setup, bucket);
  if (rescale.ops == 0) {
    return ModelOutcome{false, job + " but the trace has no collectives to rescale"};
  }
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.3f", rescale.ratio);
  return ModelOutcome{true, job + ": its " + std::to_string(rescale.ops) +
                                " collectives rescaled x" + ratio +
                                " to " + setup.text() + " (ring all-reduce of one " +
                                megabytes_text(bucket) + " bucket at " +
                                std::to_string(setup.ranks) + " vs " + std::to_string(world) +
                                " ranks); per-GPU batch and compute unchanged"};
}

class DdpModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "ddp"; }
  std::string_view help() const override {
    return "Data parallelism over N GPUs (PyTorch DDP, Horovod): gradients grouped into DDP "
           "buckets in backward order, each bucket all-reduced on a communication stream as "
           "soon as it is complete, overlapped with the rest of backward; the optimizer waits "
           "for the last. Per-GPU batch and compute as in the trace (weak scaling). A trace of a "
           "job already on W ranks scales from W: its own collectives stay, rescaled by the "
           "communication model's ratio of N to W ranks.";
  }
  std::vector<ModelParameter> parameters() const override {
    return data_parallel_parameters({
        {"gpus", "", "data-parallel GPUs (an integer >= 1)"},
        {"bucket", "25", "bucket size cap in MiB (DDP's bucket_cap_mb; the first is 1 MiB)"},
        {"overlap", "on", "on: all-reduce each bucket when ready; off: after backward"}});
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto gpus = integer_argument(arguments, "gpus", 1);
    if (!gpus) return std::unexpected(gpus.error());
    auto cap = size_argument(arguments, "bucket", kMiB);
    if (!cap) return std::unexpected(cap.error());
    const std::string& overlap = arguments.text("overlap");
    if (overlap != "on" && overlap != "off") {
      return usage_error("parameter overlap=" + overlap + ": expected on or off");
    }
    auto setup = communication_setup(graph, arguments, *gpus);
    if (!setup) return std::unexpected(setup.error());
    if (uint32_t world = recorded_world_size(graph); world > 1) {
      return scale_recorded_job(graph, arguments, world, *setup, *cap);
    }
    auto plan = find_gradients(graph, arguments);
    if (!plan) {
      if (plan.error().kind == ErrorKind::kUsage) return std::unexpected(plan.error());
      return ModelOutcome{false, plan.error().message};
    }
    size_t replaced = remove_recorded_communication(graph);
    ResourceId stream = add_communication_resource(graph, ResourceKind::kGpuStream,
                                                   "ddp all-reduce stream",
                                                   plan->iterations.front().last_backward);
    size_t buckets = 0;
    TimeNs communication = 0;
    for (const IterationGradients& it : plan->iterations) {
      SyncCost cost = all_reduce_buckets(graph, it, *cap, *setup, stream, overlap == "on");
      communication += cost.time;
      buckets += cost.buckets;
    }
    size_t iterations = plan->iterations.size();
    std::string summary =
        setup->text() + ": " + plan->source + "; " +
        std::to_string(buckets / iterations) + " buckets per iteration, all-reduce " +
        duration_text(communication / static_cast<TimeNs>(iterations)) +
        " per iteration on a communication stream, " +
        (overlap == "on" ? "overlapped with the rest of backward" : "after backward") +
        "; the optimizer waits for the last";
    if (replaced > 0) {
      summary += "; the trace's own " + std::to_string(replaced) + " communication ops removed";
    }
    return ModelOutcome{true, summary};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_ddp_model() { return std::make_unique<DdpModel>(); }

}  // namespace dd
