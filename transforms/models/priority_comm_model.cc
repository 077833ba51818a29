// `priority-comm:gpus=N[,chunk=MB][,policy=priority|fifo][,params=..][,topology=..][,algo=..]`
// — communication scheduled by priority: P3 (Jayarajan et al., "Priority-based Parameter
// Propagation for Distributed DNN Training", MLSys 2019) and ByteScheduler (Peng et al., "A
// Generic Communication Scheduler for Distributed DNN Training Acceleration", SOSP 2019).
//
// Backward makes the last layer's gradients ready first, but the next iteration's forward
// needs the first layer's parameters first. Data parallelism as ddp models it sends gradients
// first-come first-served and makes the whole next step wait for all of them. Here, per
// iteration: every gradient (gradients.h) is cut into chunks of at most `chunk` MB; each chunk
// is an all-reduce (comm_model.h) on a communication stream whose scheduling policy is
// kPriority (primitives.h): among the chunks that are ready, the one of the layer that comes
// earliest in the forward pass goes next (the chunk on the wire is not preempted). The first
// forward GPU op of each layer in the next iteration waits only for that layer's chunks; the
// gradients of layers with no forward op in the next iteration (or in the trace's last
// iteration) make the first GPU op after the backward pass (the optimizer's) wait, as in ddp.
// policy=fifo keeps the same chunks and per-layer waits but sends in backward order, to see
// what the scheduling alone buys.
//
// Assumptions: as ddp (weak scaling, lockstep, no slowdown of overlapped compute), and: each
// layer's parameter update is part of the optimizer step as the trace ran it, which stays in
// place on the compute stream; that step is assumed not to need the gradients of layers whose
// next forward has not started yet (P3 and ByteScheduler update layer by layer, as gradients
// arrive). Chunk overheads beyond the per-step latency of each all-reduce are not modeled.
// Needs layer attribution (module annotations in the profile) to know which forward op waits
// for which gradient.
#include <algorithm>
#include <limits>
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

constexpr double kMB = 1e6;

bool is_forward_work(Phase phase) { return phase == Phase::kForward || phase == Phase::kOther; }

// The first forward GPU op of each (iteration, layer), by recorded order.
std::map<std::pair<int32_t, StringId>, TaskId> first_forward_ops(const Graph& graph) {
  std::map<std::pair<int32_t, StringId>, TaskId> first;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || graph.kind[t] != TaskKind::kGpuOp || graph.layer[t] == kEmptyString ||
        !is_forward_work(graph.phase[t])) {
      continue;
    }
    auto [it, inserted] = first.try_emplace({graph.iteration[t], graph.layer[t]}, t);
    if (!inserted && std::pair(graph.recorded_start[t], t) <
                         std::pair(graph.recorded_start[it->second], it->second)) {
      it->second = t;
    }
  }
  return first;
}

// Each layer's place in the forward pass (0 = first), from its first forward op in the first
// iteration that has one (the map is ordered by iteration).
std::map<StringId, int32_t> forward_ranks(
    const Graph& graph, const std::map<std::pair<int32_t, StringId>, TaskId>& first) {
  std::map<StringId, TaskId> earliest;
  for (const auto& [key, op] : first) earliest.try_emplace(key.second, op);
  std::vector<std::pair<TimeNs, StringId>> order;
  for (const auto& [layer, op] : earliest) order.emplace_back(graph.recorded_start[op], layer);
  std::sort(order.begin(), order.end());
  std::map<StringId, int32_t> ranks;
  for (size_t i = 0; i < order.size(); ++i) ranks[order[i].second] = static_cast<int32_t>(i);
  return ranks;
}

struct Settings {
  CommSetup setup;
  uint64_t chunk = 0;
  bool by_priority = true;
};

class PriorityCommModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "priority-comm"; }
  std::string_view help() const override {
    return "Priority-scheduled gradient communication (P3, ByteScheduler): gradients cut into "
           "chunks, all-reduced earliest-forward-layer first on a priority-scheduled stream; the "
           "next iteration's forward of each layer waits only for its own chunks. policy=fifo "
           "for the same without priorities. Needs layer attribution.";
  }
  std::vector<ModelParameter> parameters() const override {
    return data_parallel_parameters({
        {"gpus", "", "data-parallel GPUs (an integer >= 1)"},
        {"chunk", "4", "largest chunk in MB (ByteScheduler's partition size)"},
        {"policy", "priority", "priority: earliest forward layer first; fifo: backward order"}});
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto settings = parse_settings(graph, arguments);
    if (!settings) return std::unexpected(settings.error());
    auto plan = find_gradients(graph, arguments);
    if (!plan) {
      if (plan.error().kind == ErrorKind::kUsage) return std::unexpected(plan.error());
      return ModelOutcome{false, plan.error().message};
    }
    bool any_layer = false;
    for (const IterationGradients& it : plan->iterations) {
      for (const Gradient& g : it.gradients) any_layer = any_layer || g.layer != kEmptyString;
    }
    if (!any_layer) {
      return ModelOutcome{false, "the trace has no layer attribution, so which forward op "
                                 "waits for which gradient is unknown"};
    }
    size_t replaced = remove_recorded_communication(graph);
    return schedule(graph, *plan, *settings, replaced);
  }

 private:
  static Result<Settings> parse_settings(const Graph& graph, const ModelArguments& arguments) {
    auto gpus = integer_argument(arguments, "gpus", 1);
    if (!gpus) return std::unexpected(gpus.error());
    auto chunk = size_argument(arguments, "chunk", kMB);
    if (!chunk) return std::unexpected(chunk.error());
    const std::string& policy = arguments.text("policy");
    if (policy != "priority" && policy != "fifo") {
      return usage_error("parameter policy=" + policy + ": expected priority or fifo");
    }
    auto setup = communication_setup(graph, arguments, *gpus);
    if (!setup) return std::unexpected(setup.error());
    return Settings{*setup, *chunk, policy == "priority"};
  }

  static ModelOutcome schedule(Graph& graph, const GradientPlan& plan, const Settings& s,
                               size_t replaced) {
    auto first = first_forward_ops(graph);
    auto ranks = forward_ranks(graph, first);
    ResourceId stream = add_communication_resource(graph, ResourceKind::kGpuStream,
                                                   "priority all-reduce stream",
                                                   plan.iterations.front().last_backward);
    if (s.by_priority) set_scheduling_policy(graph, stream, SchedulingPolicy::kPriority);
    size_t chunks = 0, gated = 0;
    TimeNs communication = 0;
    for (const IterationGradients& it : plan.iterations) {
      std::map<StringId, TaskId> last_of_layer;
      std::vector<TaskId> ungated;
      for (const Gradient& g : it.gradients) {
        auto rank = ranks.find(g.layer);
        int32_t priority = rank == ranks.end() ? std::numeric_limits<int32_t>::max() : rank->second;
        TaskId last = kNone;
        for (uint64_t sent = 0; sent < g.bytes; sent += s.chunk) {
          uint64_t bytes = std::min(s.chunk, g.bytes - sent);
          TimeNs duration = collective_time(Collective::kAllReduce, bytes, s.setup);
          last = append_communication(graph, stream, "all-reduce chunk " + megabytes_text(bytes),
                                      duration, it.iteration, g.layer, g.ready);
          set_priority(graph, last, priority);
          communication += duration;
          ++chunks;
        }
        if (last == kNone) continue;
        auto next_forward = first.find({it.iteration + 1, g.layer});
        if (g.layer != kEmptyString && next_forward != first.end()) {
          last_of_layer[g.layer] = last;
        } else {
          ungated.push_back(last);
        }
      }
      for (const auto& [layer, last] : last_of_layer) {
        add_dependency(graph, last, first.at({it.iteration + 1, layer}), EdgeKind::kCommunication);
        ++gated;
      }
      TaskId waiter = first_op_after_backward(graph, it.last_backward);
      for (TaskId last : ungated) {
        if (waiter != kNone) add_dependency(graph, last, waiter, EdgeKind::kCommunication);
      }
    }
    auto iterations = static_cast<TimeNs>(plan.iterations.size());
    std::string summary =
        s.setup.text() + ": " + plan.source + "; " +
        std::to_string(chunks / plan.iterations.size()) + " chunks of at most " +
        megabytes_text(s.chunk) + " per iteration, all-reduce " +
        duration_text(communication / iterations) + " per iteration, sent " +
        (s.by_priority ? "earliest forward layer first" : "in backward order (fifo)") + "; " +
        std::to_string(gated) + " layer forwards wait only for their own gradients";
    if (gated == 0) {
      summary += " (no next iteration in the trace: everything waits for the optimizer)";
    }
    if (replaced > 0) {
      summary += "; the trace's own " + std::to_string(replaced) + " communication ops removed";
    }
    return ModelOutcome{true, summary};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_priority_comm_model() {
  return std::make_unique<PriorityCommModel>();
}

}  // namespace dd
