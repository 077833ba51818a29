// `prefetch-transfer` — SALIENT's pipelined batch transfer (Kaler et al., "Accelerating
// Training and Inference of Graph Neural Networks with Fast Sampling and Pipelining", MLSys
// 2022, section 4.3; the pattern of PyTorch's pin_memory=True + .to(device, non_blocking=True)
// on a side stream): the input batch's host-to-device copies leave the compute stream.
//
// What changes, per iteration: every host-to-device copy (the trace's copy kind) outside the
// backward pass and the optimizer step is an input copy, and
//  - from pinned memory: a pageable copy (Kineto names it "Memcpy HtoD (Pageable -> Device)")
//    takes bytes / the PCIe bandwidth of the trace's GPU (comm_links.cc), or its measured time
//    if that was shorter; a pinned one keeps its time;
//  - on a side stream: it moves to a new "prefetch stream", and the op that followed it on its
//    stream waits for it (the consumers still need the data);
//  - non-blocking: the CPU no longer waits for it (its host-wait edges go);
//  - one batch ahead: a copy of iteration i > 0 is issued when iteration i - 1 starts (its
//    launch edge is replaced by one from that iteration's first task), so it overlaps the
//    previous iteration's compute; copies of the first iteration keep their launch.
// Assumptions: the prefetcher's CPU work (a thread that pins and issues the next batch) has a
// core of its own; two input buffers (copy i may overwrite batch i - 2's, consumed by then);
// the copy engine runs beside the kernels without slowing them. Not applicable to traces
// without host-to-device copies.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "transforms/cost/comm_model.h"
#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

bool is_input_copy(const Graph& graph, TaskId t) {
  if (graph.removed[t] || graph.kind[t] != TaskKind::kGpuOp ||
      graph.source_table[t] != TraceTable::kGpuOps || graph.phase[t] == Phase::kBackward ||
      graph.phase[t] == Phase::kOptimizer) {
    return false;
  }
  return graph.trace().gpu_ops.copy_kind[graph.source_row[t]] == CopyKind::kHostToDevice;
}

// The copy's duration from pinned memory over `pcie`.
TimeNs pinned_duration(const Graph& graph, TaskId copy, const LinkSpec& pcie) {
  uint64_t bytes = graph.trace().gpu_ops.bytes[graph.source_row[copy]];
  bool pageable = graph.str(graph.name[copy]).find("Pageable") != std::string_view::npos;
  if (!pageable || bytes == 0) return graph.duration[copy];
  TimeNs pinned = std::llround(static_cast<double>(bytes) / pcie.bandwidth * 1e9);
  return std::min(graph.duration[copy], pinned);
}

// The edges into (`incoming`) or out of a task whose kind is `kind`.
std::vector<EdgeId> edges_of(const Graph& graph, TaskId task, EdgeKind kind, bool incoming) {
  const Topology& topo = graph.topology();
  std::vector<EdgeId> edges;
  auto collect = [&](auto range) {
    for (auto e : range) {
      if (graph.edge_kind[topo[e].id] == kind) edges.push_back(topo[e].id);
    }
  };
  if (incoming) {
    collect(boost::make_iterator_range(boost::in_edges(task, topo)));
  } else {
    collect(boost::make_iterator_range(boost::out_edges(task, topo)));
  }
  return edges;
}

class PrefetchTransferModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "prefetch-transfer"; }
  std::string_view help() const override {
    return "Pipelined batch transfer (SALIENT, MLSys 2022; pin_memory + non_blocking copies on "
           "a side stream): input host-to-device copies from pinned memory (PCIe bandwidth of "
           "the GPU), on their own stream, issued one iteration ahead, the CPU not waiting.";
  }
  std::vector<ModelParameter> parameters() const override { return {}; }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments&) const override {
    std::vector<TaskId> copies;
    for (TaskId t = 0; t < graph.task_count(); ++t) {
      if (is_input_copy(graph, t)) copies.push_back(t);
    }
    if (copies.empty()) {
      return ModelOutcome{false, "no host-to-device copies outside backward and the optimizer "
                                 "in this trace"};
    }
    const DeviceTable& devices = graph.trace().devices;
    auto pcie = find_link("pcie", devices.size() > 0 ? graph.str(devices.name[0]) : "");
    if (!pcie) return ModelOutcome{false, pcie.error().message};
    TaskId anchor = copies.front();
    ResourceId side = add_resource(graph, {ResourceKind::kGpuStream, kNone,
                                           graph.resources[graph.resource[anchor]].process,
                                           "prefetch stream"});
    TimeNs before = total_duration(graph, copies);
    size_t ahead = 0;
    for (TaskId copy : copies) ahead += prefetch(graph, copy, side, *pcie) ? 1 : 0;
    return ModelOutcome{true, std::to_string(copies.size()) + " host-to-device input copies (" +
                                  duration_text(before) + " -> " +
                                  duration_text(total_duration(graph, copies)) +
                                  " from pinned memory over " + pcie->name +
                                  ") moved to a prefetch stream, non-blocking; " +
                                  std::to_string(ahead) +
                                  " of them issued one iteration ahead, overlapping the "
                                  "previous iteration"};
  }

 private:
  // Rewrites one copy; true when it was issued an iteration ahead.
  static bool prefetch(Graph& graph, TaskId copy, ResourceId side, const LinkSpec& pcie) {
    set_duration(graph, copy, pinned_duration(graph, copy, pcie));
    TaskId consumer = graph.next_on_resource[copy];
    for (EdgeId e : edges_of(graph, copy, EdgeKind::kHostWait, false)) remove_dependency(graph, e);
    move_task(graph, copy, side, graph.resources[side].last);
    if (consumer != kNone) add_dependency(graph, copy, consumer, EdgeKind::kCrossStream);
    int32_t iteration = graph.iteration[copy];
    if (iteration <= 0) return false;
    TaskId previous_start = graph.iterations[static_cast<size_t>(iteration - 1)].start_task;
    if (previous_start == kNone) return false;
    for (EdgeId e : edges_of(graph, copy, EdgeKind::kLaunch, true)) remove_dependency(graph, e);
    add_dependency(graph, previous_start, copy, EdgeKind::kOther);
    return true;
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_prefetch_transfer_model() {
  return std::make_unique<PrefetchTransferModel>();
}

}  // namespace dd
