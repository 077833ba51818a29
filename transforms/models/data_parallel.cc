// Shared rewrites of the data-parallel models (see data_parallel.h).
#include "transforms/models/data_parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "transforms/primitives.h"

namespace dd {

namespace {

constexpr uint64_t kFirstBucketCap = 1 << 20;  // 1 MiB

}  // namespace

std::vector<Bucket> make_buckets(const IterationGradients& gradients, uint64_t cap) {
  std::vector<Bucket> buckets;
  Bucket open;
  for (const Gradient& g : gradients.gradients) {
    open.bytes += g.bytes;
    open.ready = g.ready;
    open.layer = g.layer;
    ++open.gradients;
    uint64_t limit = buckets.empty() ? std::min(cap, kFirstBucketCap) : cap;
    if (open.bytes >= limit) {
      buckets.push_back(open);
      open = Bucket{};
    }
  }
  if (open.gradients > 0) buckets.push_back(open);
  return buckets;
}

ResourceId add_communication_resource(Graph& graph, ResourceKind kind, std::string name,
                                      TaskId like) {
  const Resource& model = graph.resources[graph.resource[like]];
  return add_resource(graph, {kind, kNone, model.process, std::move(name)});
}

std::vector<ModelParameter> data_parallel_parameters(std::vector<ModelParameter> own,
                                                     bool with_algorithm) {
  own.push_back(gradient_size_parameter());
  for (ModelParameter& p : communication_parameters()) {
    if (with_algorithm || p.name != "algo") own.push_back(std::move(p));
  }
  return own;
}

TaskId append_gpu_op(Graph& graph, ResourceId resource, std::string_view name, TimeNs duration,
                     Phase phase, int32_t iteration, StringId layer, KernelClass kernel_class) {
  TaskSpec spec;
  spec.kind = TaskKind::kGpuOp;
  spec.resource = resource;
  spec.duration = duration;
  spec.name = graph.intern(name);
  spec.layer = layer;
  spec.phase = phase;
  spec.iteration = iteration;
  spec.kernel_class = kernel_class;
  return insert_task(graph, spec, graph.resources[resource].last);
}

TaskId append_communication(Graph& graph, ResourceId resource, std::string_view name,
                            TimeNs duration, int32_t iteration, StringId layer, TaskId ready) {
  TaskId op = append_gpu_op(graph, resource, name, duration, Phase::kBackward, iteration, layer,
                            KernelClass::kCommunication);
  add_dependency(graph, ready, op, EdgeKind::kCommunication);
  return op;
}

TaskId first_op_after_backward(const Graph& graph, TaskId last_backward) {
  return graph.next_on_resource[last_backward];
}

SyncCost all_reduce_buckets(Graph& graph, const IterationGradients& it, uint64_t cap,
                            const CommSetup& setup, ResourceId stream, bool overlap) {
  SyncCost cost;
  TaskId last = kNone;
  for (const Bucket& bucket : make_buckets(it, cap)) {
    TimeNs duration = collective_time(Collective::kAllReduce, bucket.bytes, setup);
    last = append_communication(graph, stream, "all-reduce " + megabytes_text(bucket.bytes),
                                duration, it.iteration, bucket.layer,
                                overlap ? bucket.ready : it.last_backward);
    cost.time += duration;
    ++cost.buckets;
  }
  TaskId waiter = first_op_after_backward(graph, it.last_backward);
  if (waiter != kNone && last != kNone) add_dependency(graph, last, waiter, EdgeKind::kCommunication);
  return cost;
}

size_t remove_recorded_communication(Graph& graph) {
  TaskSelector communication;
  communication.kind = TaskKind::kGpuOp;
  communication.kernel_class = KernelClass::kCommunication;
  std::vector<TaskId> ops = select_tasks(graph, communication);
  remove_tasks(graph, ops);
  return ops.size();
}

uint32_t recorded_world_size(const Graph& graph) {
  const auto& metadata = graph.trace().metadata;
  if (auto it = metadata.find("kineto.distributedInfo.world_size"); it != metadata.end()) {
    char* end = nullptr;
    long value = std::strtol(it->second.c_str(), &end, 10);
    if (end != it->second.c_str() && *end == '\0' && value >= 1) {
      return static_cast<uint32_t>(value);
    }
  }
  std::set<int32_t> ranks;
  for (int32_t rank : graph.trace().processes.rank) {
    if (rank >= 0) ranks.insert(rank);
  }
  return std::max<uint32_t>(1, static_cast<uint32_t>(ranks.size()));
}

CommunicationRescale rescale_recorded_communication(Graph& graph, const CommSetup& from,
                                                    const CommSetup& to, uint64_t bytes) {
  TaskSelector communication;
  communication.kind = TaskKind::kGpuOp;
  communication.kernel_class = KernelClass::kCommunication;
  std::vector<TaskId> ops = select_tasks(graph, communication);
  TimeNs before = collective_time(Collective::kAllReduce, bytes, from);
  TimeNs after = collective_time(Collective::kAllReduce, bytes, to);
  CommunicationRescale rescale{
      ops.size(), before > 0 ? static_cast<double>(after) / static_cast<double>(before) : 1};
  scale_durations(graph, ops, rescale.ratio);
  return rescale;
}

Result<uint64_t> size_argument(const ModelArguments& arguments, const std::string& name,
                               double unit) {
  auto value = arguments.number(name);
  if (!value) return std::unexpected(value.error());
  if (*value <= 0) {
    return usage_error("parameter " + name + "=" + arguments.text(name) + ": must be > 0");
  }
  return static_cast<uint64_t>(std::llround(*value * unit));
}

}  // namespace dd
