// `faster-input:speedup=X,workers=N` — a faster input pipeline, Plumber's question ("Plumber:
// Diagnosing and Removing Performance Bottlenecks in Machine Learning Data Pipelines", Kuchnik
// et al., MLSys 2022) asked of a training trace.
//
// What changes:
//  - speedup=X: every data-loading CPU task (phase data, on every thread) takes 1/X of its
//    recorded time — a faster decoder, cached or pre-processed data.
//  - workers=N (> 0): PyTorch DataLoader worker processes. Each iteration's data-loading work
//    on a thread is one batch; batch b is loaded, in its recorded order and durations, on
//    worker b mod N (N new CPU resources), and may start only once batch b − N was handed to
//    the training thread, so at most N batches are in flight (loading or ready, waiting). On
//    the training thread the batch's first data task becomes the hand-off: it waits for the
//    batch's last task on the worker and costs the hand-off; the batch's other data tasks
//    there cost nothing. Whatever waited on data work on the training thread now waits on the
//    hand-off, and iteration boundaries stay where they were.
//
// Assumptions:
//  - The hand-off cost per batch is the trace's median CPU work between two API calls outside
//    data loading: the training thread still runs one framework step to fetch the batch
//    (DataLoader.__next__ taking it from the worker queue). Unpickling a large batch from
//    shared memory can cost more; no eager trace measures it.
//  - Workers are separate processes with their own cores: they never slow the training
//    thread, and each runs its batches as fast as the training thread did.
//  - Data-loading API calls (e.g. the host-to-device copy of the batch) stay on the training
//    thread, as in PyTorch where `.to(device)` runs in the main process.
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

using Batch = std::vector<TaskId>;

// Data-loading CPU work per (iteration, thread), each batch in program order.
std::vector<Batch> find_batches(const Graph& graph) {
  std::map<std::pair<int32_t, ResourceId>, Batch> batches;
  for (ResourceId r = 0; r < graph.resources.size(); ++r) {
    if (graph.resources[r].kind != ResourceKind::kCpuThread) continue;
    for (TaskId t = graph.resources[r].first; t != kNone; t = graph.next_on_resource[t]) {
      if (graph.kind[t] == TaskKind::kCpuWork && graph.phase[t] == Phase::kData) {
        batches[{graph.iteration[t], r}].push_back(t);
      }
    }
  }
  std::vector<Batch> ordered;
  for (auto& [key, batch] : batches) ordered.push_back(std::move(batch));
  return ordered;
}

// The median CPU work outside data loading: the hand-off cost per batch.
TimeNs hand_off_cost(const Graph& graph) {
  std::vector<TaskId> work;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!graph.removed[t] && graph.kind[t] == TaskKind::kCpuWork &&
        graph.phase[t] != Phase::kData) {
      work.push_back(t);
    }
  }
  return median_duration(graph, std::move(work));
}

// Appends a copy of `task` to `worker`; returns the copy.
TaskId copy_to_worker(Graph& graph, TaskId task, ResourceId worker) {
  TaskSpec spec;
  spec.kind = TaskKind::kCpuWork;
  spec.resource = worker;
  spec.duration = graph.duration[task];
  spec.name = graph.name[task];
  spec.op = graph.op[task];
  spec.layer = graph.layer[task];
  spec.phase = Phase::kData;
  spec.iteration = graph.iteration[task];
  return insert_task(graph, spec, graph.resources[worker].last);
}

// Moves each batch's loading onto the workers, round robin; returns the hand-off cost.
TimeNs move_to_workers(Graph& graph, const std::vector<Batch>& batches, uint32_t count) {
  TimeNs cost = hand_off_cost(graph);
  uint32_t process = graph.resources[graph.resource[batches.front().front()]].process;
  std::vector<ResourceId> workers;
  for (uint32_t w = 0; w < count; ++w) {
    workers.push_back(add_resource(graph, {ResourceKind::kCpuThread, kNone, process,
                                           "dataloader worker " + std::to_string(w)}));
  }
  for (size_t b = 0; b < batches.size(); ++b) {
    const Batch& batch = batches[b];
    TaskId first_copy = kNone, last_copy = kNone;
    for (TaskId t : batch) {
      last_copy = copy_to_worker(graph, t, workers[b % count]);
      if (first_copy == kNone) first_copy = last_copy;
      set_duration(graph, t, 0);
    }
    set_duration(graph, batch.front(), cost);
    add_dependency(graph, last_copy, batch.front(), EdgeKind::kCrossThread);
    if (b >= count)
      add_dependency(graph, batches[b - count].front(), first_copy, EdgeKind::kCrossThread);
  }
  return cost;
}

class FasterInputModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "faster-input"; }
  std::string_view help() const override {
    return "A faster input pipeline (Plumber, MLSys 2022): data-loading CPU work X times faster, "
           "and/or moved to N DataLoader worker processes with N batches in flight and a "
           "hand-off per batch (the trace's median CPU work between API calls).";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"speedup", "1", "how many times faster data-loading CPU work becomes (> 0)"},
            {"workers", "0", "DataLoader worker processes to move loading to (0: stay inline)"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto speedup = arguments.number("speedup");
    if (!speedup) return std::unexpected(speedup.error());
    if (*speedup <= 0)
      return usage_error("parameter speedup=" + arguments.text("speedup") + ": must be > 0");
    auto workers = integer_argument(arguments, "workers", 0);
    if (!workers) return std::unexpected(workers.error());
    std::vector<Batch> batches = find_batches(graph);
    if (batches.empty()) {
      return ModelOutcome{false,
                          "no data-loading CPU work (phase data: DataLoader ranges) in "
                          "this trace"};
    }
    std::vector<TaskId> data;
    for (const Batch& batch : batches) data.insert(data.end(), batch.begin(), batch.end());
    scale_durations(graph, data, 1.0 / *speedup);
    std::string summary = std::to_string(data.size()) + " data-loading CPU tasks made " +
                          arguments.text("speedup") + "x faster";
    if (*workers > 0) {
      TimeNs cost = move_to_workers(graph, batches, *workers);
      summary += ", loaded by " + arguments.text("workers") + " DataLoader workers in " +
                 std::to_string(batches.size()) + " batches with a hand-off of " +
                 duration_text(cost) + " each (median CPU work between API calls)";
    }
    return ModelOutcome{true, summary};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_faster_input_model() {
  return std::make_unique<FasterInputModel>();
}

}  // namespace dd
