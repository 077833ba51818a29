// `pipeline:stages=K,microbatches=M[,schedule=gpipe|1f1b|interleaved][,chunks=V]
// [,partition=auto|N+N+...][,activation=auto|MB][,memory=auto|none|GB][,topology=..]` —
// pipeline parallelism (GPipe, PipeDream-Flush/1F1B, Megatron-LM's interleaved schedule; see
// pipeline_schedule.h) predicted from a single-GPU trace.
//
// What changes, per iteration: the iteration's GPU work is replaced by a pipeline over K new
// GPU streams (one per stage device) and the links between them:
//  - Layers in forward order (their first forward GPU op) with their forward and backward GPU
//    time per iteration; unattributed GPU ops count for the layer before them in recorded
//    order (the first layer's before any), and the model does not apply when they are more
//    than a tenth of the forward or the backward computation. Optimizer GPU time is split over the stages in
//    proportion to their parameters (gradients.h; their backward time when sizes are unknown).
//  - partition=auto: PipeDream's dynamic program (pipeline_schedule.h) over K stages (K x V
//    chunks when interleaved) balancing forward + backward time and boundary transfers, under
//    the memory limit; or N+N+...: that many layers per stage (chunk).
//  - Each stage runs each micro-batch's forward and backward as one GPU task of 1/M of its
//    layers' measured time, in the schedule's order; a micro-batch's activations go to the
//    next stage (and their gradients back) as a send/recv of the communication model over the
//    topology's bottleneck link: the boundary layer's output (the last block its forward
//    keeps, from the allocator events; activation=MB for the whole batch overrides) / M.
//  - The pipeline starts when the iteration's first forward GPU op could (what it waited for);
//    what waited for any replaced op waits until every stage has finished its backward work,
//    and so does the optimizer: its GPU ops stay, shrunk to the largest stage's share (stages
//    update their own parameters in parallel; shares by parameters, else backward time).
//  - The summary reports the partition, stage times and, where the allocator events tell, the
//    memory per stage: parameters and gradients (2 x parameter bytes) plus the activations of
//    the micro-batches the schedule holds at once (GPipe M, 1F1B min(K - s, M)); memory=auto
//    limits it to the trace GPU's memory, memory=GB to that.
//
// Assumptions: a micro-batch's work is 1/M of the batch's (kernels as efficient at the smaller
// batch: optimistic for small micro-batches); the stages' CPU threads keep up with their GPUs
// (the trace's CPU work stays as recorded, but launches no longer gate the pipeline's tasks);
// optimizer state memory is not counted; the layers' recorded order is the pipeline's.
// Needs layer attribution.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>

#include "transforms/cost/allocations.h"
#include "transforms/cost/comm_model.h"
#include "transforms/cost/gradients.h"
#include "transforms/model_factories.h"
#include "transforms/models/data_parallel.h"
#include "transforms/models/pipeline_schedule.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

constexpr double kMB = 1e6, kGB = 1e9;

struct LayerWork {
  StringId layer = kEmptyString;
  double forward = 0, backward = 0;  // GPU ns per iteration
  uint64_t saved = 0, output = 0;    // activation bytes per batch
  uint64_t parameters = 0;           // parameter bytes (= its gradients')
};

struct Profile {
  std::vector<LayerWork> layers;       // forward order
  double optimizer = 0;                // GPU ns per iteration
  // Forward and backward computation (phase forward or backward, no communication op) in GPU
  // ns per iteration in a known layer, and in none (placed by position).
  std::array<double, 2> in_layer{}, unplaced{};
  std::map<int32_t, std::vector<TaskId>> ops;  // GPU ops replaced, per iteration
  bool memory_known = false;
};

// Forward/backward GPU time per layer, averaged over the iterations.
Profile profile_layers(const Graph& graph) {
  Profile p;
  std::vector<uint8_t> boundary = iteration_boundary_mask(graph);
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!graph.removed[t] && graph.kind[t] == TaskKind::kGpuOp && !boundary[t]) {
      p.ops[graph.iteration[t]].push_back(t);
    }
  }
  std::map<StringId, size_t> index;
  for (auto& [iteration, ops] : p.ops) {
    std::sort(ops.begin(), ops.end(), [&](TaskId a, TaskId b) { return recorded_before(graph, a, b); });
    for (TaskId t : ops) {
      bool forward = graph.phase[t] != Phase::kBackward && graph.phase[t] != Phase::kOptimizer;
      if (forward && graph.layer[t] != kEmptyString && !index.contains(graph.layer[t])) {
        index[graph.layer[t]] = p.layers.size();
        p.layers.push_back({graph.layer[t]});
      }
    }
  }
  if (p.layers.empty()) return p;
  double iterations = static_cast<double>(p.ops.size());
  for (const auto& [iteration, ops] : p.ops) {
    size_t forward_at = 0, backward_at = p.layers.size() - 1;
    for (TaskId t : ops) {
      double time = static_cast<double>(graph.duration[t]) / iterations;
      auto known = index.find(graph.layer[t]);
      if (graph.phase[t] == Phase::kOptimizer) {
        p.optimizer += time;
        continue;
      }
      bool backward = graph.phase[t] == Phase::kBackward;
      bool computation = graph.phase[t] != Phase::kOther && graph.kernel_class[t] != KernelClass::kCommunication;
      if (computation) (known != index.end() ? p.in_layer : p.unplaced)[backward ? 1 : 0] += time;
      if (backward) {
        if (known != index.end()) backward_at = known->second;
        p.layers[backward_at].backward += time;
      } else {
        if (known != index.end()) forward_at = known->second;
        p.layers[forward_at].forward += time;
      }
    }
  }
  for (const auto& [layer, activations] : forward_activations(graph)) {
    if (auto at = index.find(layer); at != index.end()) {
      p.layers[at->second].saved = activations.saved;
      p.layers[at->second].output = activations.output;
      p.memory_known = true;
    }
  }
  return p;
}

// Stage times are sums of layer times: when more than this share of the forward or backward
// computation is in no layer (and only placed next to the layer before it), a partition
// balanced on them could be off by that much, so the model does not apply.
constexpr double kMaxUnplacedShare = 0.1;

// Why the layers do not cover enough of the work to partition it, or "".
std::string too_much_unplaced(const Profile& p) {
  const char* passes[] = {"forward", "backward"};
  for (size_t i = 0; i < 2; ++i) {
    double total = p.in_layer[i] + p.unplaced[i];
    if (total <= 0 || p.unplaced[i] <= kMaxUnplacedShare * total) continue;
    char share[16];
    std::snprintf(share, sizeof share, "%.0f%%", 100 * p.unplaced[i] / total);
    return std::string(share) + " of the " + passes[i] + " GPU computation is in no layer (the trace " +
           "does not say which layer that work belongs to; a `daydream record` " +
           "or PyTorch profiler trace does), so stages cannot be balanced on it";
  }
  return "";
}

// Parameter bytes per layer from the gradients the trace shows (gradients.h), when it does.
bool add_parameters(const Graph& graph, Profile& p) {
  ModelArguments automatic(std::map<std::string, std::string>{{"params", "auto"}});
  auto plan = find_gradients(graph, automatic);
  if (!plan) return false;
  std::map<StringId, LayerWork*> by_layer;
  for (LayerWork& l : p.layers) by_layer[l.layer] = &l;
  bool any = false;
  for (const Gradient& g : plan->iterations.front().gradients) {
    if (auto at = by_layer.find(g.layer); at != by_layer.end()) {
      at->second->parameters += g.bytes;
      any = true;
    }
  }
  return any;
}

struct Settings {
  uint32_t stages = 1, microbatches = 1, chunks = 1;
  PipelineSchedule schedule = PipelineSchedule::kGpipe;
  std::string partition;
  std::optional<uint64_t> activation;  // whole-batch bytes per boundary, overriding
  std::string memory;                  // auto | none | GB
  LinkSpec link;
};

Result<Settings> parse_settings(const Graph& graph, const ModelArguments& arguments) {
  Settings s;
  auto stages = integer_argument(arguments, "stages", 1);
  if (!stages) return std::unexpected(stages.error());
  auto microbatches = integer_argument(arguments, "microbatches", 1);
  if (!microbatches) return std::unexpected(microbatches.error());
  auto chunks = integer_argument(arguments, "chunks", 1);
  if (!chunks) return std::unexpected(chunks.error());
  s.stages = *stages;
  s.microbatches = *microbatches;
  const std::string& schedule = arguments.text("schedule");
  if (schedule == "gpipe") {
    s.schedule = PipelineSchedule::kGpipe;
  } else if (schedule == "1f1b") {
    s.schedule = PipelineSchedule::kOneFOneB;
  } else if (schedule == "interleaved") {
    s.schedule = PipelineSchedule::kInterleaved;
    s.chunks = *chunks;
    if (s.microbatches % s.stages != 0) {
      return usage_error("pipeline: schedule=interleaved needs microbatches to be a multiple "
                         "of stages (Megatron-LM's condition)");
    }
  } else {
    return usage_error("parameter schedule=" + schedule + ": expected gpipe, 1f1b or interleaved");
  }
  s.partition = arguments.text("partition");
  if (arguments.text("activation") != "auto") {
    auto megabytes = arguments.number("activation");
    if (!megabytes) return std::unexpected(megabytes.error());
    if (*megabytes < 0) return usage_error("parameter activation: must be >= 0");
    s.activation = static_cast<uint64_t>(std::llround(*megabytes * kMB));
  }
  s.memory = arguments.text("memory");
  if (s.memory != "auto" && s.memory != "none") {
    auto limit = arguments.number("memory");
    if (!limit) return std::unexpected(limit.error());
    if (*limit <= 0) return usage_error("parameter memory=" + s.memory + ": must be > 0");
  }
  auto setup = communication_setup(graph, arguments, s.stages);
  if (!setup) return std::unexpected(setup.error());
  s.link = setup->bottleneck();
  return s;
}

// "N+N+..." layers per stage into the first layer of each.
Result<std::vector<size_t>> explicit_partition(const std::string& text, size_t layers,
                                               size_t stages) {
  std::vector<size_t> firsts;
  size_t next = 0, begin = 0;
  while (begin <= text.size()) {
    size_t plus = std::min(text.find('+', begin), text.size());
    std::string count = text.substr(begin, plus - begin);
    size_t n = 0;
    if (count.empty() || count.size() > 9 ||
        count.find_first_not_of("0123456789") != std::string::npos ||
        (n = std::stoul(count)) == 0) {
      return usage_error("parameter partition=" + text + ": expected auto or layer counts "
                         "joined by '+', each >= 1");
    }
    firsts.push_back(next);
    next += n;
    begin = plus + 1;
  }
  if (firsts.size() != stages || next != layers) {
    return usage_error("parameter partition=" + text + ": needs " + std::to_string(stages) +
                       " counts adding up to the trace's " + std::to_string(layers) + " layers");
  }
  return firsts;
}

// One pipeline chunk: layers [first, last], and what a micro-batch of it costs.
struct Chunk {
  size_t first = 0, last = 0;
  TimeNs forward = 0, backward = 0;  // per micro-batch
  TimeNs send = 0;                   // its output's transfer per micro-batch
  uint64_t saved = 0, parameters = 0;
  double optimizer_share = 0;
};

// The pipeline's resources: a stream per stage, a link per stage and direction.
struct PipelineResources {
  std::vector<ResourceId> streams, forward_links, backward_links;
};

PipelineResources pipeline_resources(Graph& graph, uint32_t stages, uint32_t process) {
  PipelineResources r;
  for (uint32_t d = 0; d < stages; ++d) {
    std::string stage = std::to_string(d);
    r.streams.push_back(add_resource(graph, {ResourceKind::kGpuStream, kNone, process,
                                             "pipeline stage " + stage}));
    r.forward_links.push_back(add_resource(graph, {ResourceKind::kLink, kNone, process,
                                                   "pipeline link " + stage + " -> next"}));
    r.backward_links.push_back(add_resource(graph, {ResourceKind::kLink, kNone, process,
                                                    "pipeline link " + stage + " -> previous"}));
  }
  return r;
}

class PipelineModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "pipeline"; }
  std::string_view help() const override {
    return "Pipeline parallelism over K stages and M micro-batches (GPipe, PipeDream-Flush 1F1B, "
           "Megatron interleaved) from a single-GPU trace: layers partitioned by PipeDream's "
           "dynamic program (or given), each micro-batch 1/M of the work, activations sent "
           "between stages, the schedule's bubbles; reports the partition and per-stage "
           "memory. Needs layer attribution.";
  }
  std::vector<ModelParameter> parameters() const override {
    std::vector<ModelParameter> list{
        {"stages", "", "pipeline stages = devices (an integer >= 1)"},
        {"microbatches", "", "micro-batches per batch (an integer >= 1)"},
        {"schedule", "1f1b", "gpipe, 1f1b or interleaved"},
        {"chunks", "2", "model chunks per device with schedule=interleaved"},
        {"partition", "auto", "auto (PipeDream's partitioner) or layers per stage, N+N+..."},
        {"activation", "auto", "MB of activations per batch crossing each stage boundary (auto: "
                               "the boundary layer's output in the allocator events)"},
        {"memory", "auto", "per-stage memory limit for partition=auto: auto (the trace GPU's "
                           "memory, when allocator events give estimates), none, or GB"}};
    for (ModelParameter& p : communication_parameters()) {
      if (p.name != "algo") list.push_back(std::move(p));
    }
    return list;
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    std::map<std::string, std::string> values = arguments.values();
    values["algo"] = "ring";  // send/recv has no algorithm
    auto settings = parse_settings(graph, ModelArguments(values));
    if (!settings) return std::unexpected(settings.error());
    Profile profile = profile_layers(graph);
    if (profile.layers.empty()) {
      return ModelOutcome{false, "the trace has no layer attribution, so there is nothing to "
                                 "partition into stages"};
    }
    if (std::string unplaced = too_much_unplaced(profile); !unplaced.empty()) {
      return ModelOutcome{false, unplaced};
    }
    bool parameters_known = add_parameters(graph, profile);
    auto chunks = make_chunks(graph, profile, *settings, parameters_known);
    if (!chunks) return std::unexpected(chunks.error());
    auto orders = pipeline_order(settings->schedule, settings->stages, settings->microbatches,
                                 settings->chunks);
    TaskId first = profile.ops.begin()->second.front();
    PipelineResources resources = pipeline_resources(
        graph, settings->stages, graph.resources[graph.resource[first]].process);
    for (const auto& [iteration, ops] : profile.ops) {
      build_iteration(graph, ops, *chunks, orders, *settings, resources);
    }
    return ModelOutcome{true, describe(graph, profile, *chunks, orders, *settings, parameters_known)};
  }

 private:
  static Result<std::vector<Chunk>> make_chunks(const Graph& graph, const Profile& p,
                                                const Settings& s, bool parameters_known);
  static void build_iteration(Graph& graph, const std::vector<TaskId>& ops,
                              const std::vector<Chunk>& chunks,
                              const std::vector<std::vector<PipelineStep>>& orders,
                              const Settings& s, const PipelineResources& r);
  static std::string describe(const Graph& graph, const Profile& p,
                              const std::vector<Chunk>& chunks,
                              const std::vector<std::vector<PipelineStep>>& orders,
                              const Settings& s, bool parameters_known);
};

// The send/recv time of `bytes` per batch, per micro-batch, on the link.
TimeNs send_time(uint64_t bytes, const Settings& s) {
  CommSetup pair{2, 2, s.link, s.link, CommAlgorithm::kRing, 1};
  return collective_time(Collective::kSendRecv, bytes / s.microbatches, pair);
}

uint64_t boundary_bytes(const LayerWork& layer, const Settings& s) {
  return s.activation ? *s.activation : layer.output;
}

// Memory of a stage of layers [first, last] holding `held` micro-batches' activations.
uint64_t stage_memory(const Profile& p, size_t first, size_t last, uint32_t held, uint32_t m) {
  uint64_t saved = 0, parameters = 0;
  for (size_t l = first; l <= last; ++l) {
    saved += p.layers[l].saved;
    parameters += p.layers[l].parameters;
  }
  return 2 * parameters + saved / m * held;
}

Result<std::vector<Chunk>> PipelineModel::make_chunks(const Graph& graph, const Profile& p,
                                                      const Settings& s, bool parameters_known) {
  size_t count = static_cast<size_t>(s.stages) * s.chunks;
  auto orders = pipeline_order(s.schedule, s.stages, s.microbatches, s.chunks);
  PartitionInput input;
  for (const LayerWork& l : p.layers) {
    input.compute.push_back(std::llround(l.forward + l.backward));
    input.boundary.push_back(2 * s.microbatches * send_time(boundary_bytes(l, s), s));
  }
  if (p.memory_known && s.memory != "none") {
    input.memory = [&](size_t first, size_t last, size_t chunk) {
      uint32_t held = activations_in_flight(orders[chunk % s.stages], static_cast<uint32_t>(chunk));
      return stage_memory(p, first, last, held, s.microbatches);
    };
    const DeviceTable& devices = graph.trace().devices;
    if (s.memory == "auto") {
      input.memory_limit = devices.size() > 0 ? devices.total_memory_bytes[0] : 0;
    } else {
      input.memory_limit = static_cast<uint64_t>(std::llround(std::stod(s.memory) * kGB));
    }
  }
  auto firsts = s.partition == "auto" ? partition_layers(input, static_cast<uint32_t>(count))
                                      : explicit_partition(s.partition, p.layers.size(), count);
  if (!firsts) return std::unexpected(firsts.error());
  std::vector<Chunk> chunks;
  double parameters = 0, backward = 0;
  for (const LayerWork& l : p.layers) {
    parameters += static_cast<double>(l.parameters);
    backward += l.backward;
  }
  for (size_t c = 0; c < count; ++c) {
    Chunk chunk;
    chunk.first = (*firsts)[c];
    chunk.last = c + 1 < count ? (*firsts)[c + 1] - 1 : p.layers.size() - 1;
    double forward = 0, back = 0, share = 0;
    for (size_t l = chunk.first; l <= chunk.last; ++l) {
      forward += p.layers[l].forward;
      back += p.layers[l].backward;
      chunk.saved += p.layers[l].saved;
      chunk.parameters += p.layers[l].parameters;
      share += parameters_known ? static_cast<double>(p.layers[l].parameters) / parameters
                                : p.layers[l].backward / std::max(backward, 1.0);
    }
    chunk.forward = std::llround(forward / s.microbatches);
    chunk.backward = std::llround(back / s.microbatches);
    chunk.send = send_time(boundary_bytes(p.layers[chunk.last], s), s);
    chunk.optimizer_share = share;
    chunks.push_back(chunk);
  }
  return chunks;
}

// The optimizer's new duration as a fraction of the trace's: the stages update their own
// parameters in parallel, so the largest stage share decides.
double optimizer_scale(const std::vector<Chunk>& chunks, const Settings& s) {
  double largest = 0;
  for (uint32_t d = 0; d < s.stages; ++d) {
    double share = 0;
    for (size_t c = d; c < chunks.size(); c += s.stages) share += chunks[c].optimizer_share;
    largest = std::max(largest, share);
  }
  return largest;
}

// Replaces the iteration's forward/backward GPU ops (`ops` minus the optimizer's) by the
// pipeline between `first` and `join`: what the first of them waited for, the pipeline's
// first task waits for; what waited for any of them waits for `join`, and so does the
// optimizer's first op, whose ops shrink to `scale`. The other ops' incoming edges (their
// launches) are not carried over: the pipeline's stages issue their own work, and a CPU that
// waits for the pipeline and then launches more of it would otherwise wait for itself.
void hand_over(Graph& graph, const std::vector<TaskId>& ops, TaskId first, TaskId join,
               double scale) {
  std::vector<TaskId> work, optimizer;
  for (TaskId t : ops) (graph.phase[t] == Phase::kOptimizer ? optimizer : work).push_back(t);
  std::vector<uint8_t> in_work(graph.task_count(), 0);
  for (TaskId t : work) in_work[t] = 1;
  struct Copy {
    TaskId from, to;
    EdgeKind kind;
    TimeNs latency;
  };
  std::vector<Copy> copies;
  const Topology& topo = graph.topology();
  for (TaskId t : work) {
    for (auto e : boost::make_iterator_range(boost::out_edges(t, topo))) {
      TaskId to = boost::target(e, topo);
      EdgeId id = topo[e].id;
      if (!in_work[to]) copies.push_back({join, to, graph.edge_kind[id], graph.edge_latency[id]});
    }
  }
  if (!work.empty()) {
    for (auto e : boost::make_iterator_range(boost::in_edges(work.front(), topo))) {
      EdgeId id = topo[e].id;
      TaskId from = boost::source(e, topo);
      if (!in_work[from]) copies.push_back({from, first, graph.edge_kind[id], graph.edge_latency[id]});
    }
  }
  if (!optimizer.empty()) copies.push_back({join, optimizer.front(), EdgeKind::kOther, 0});
  for (const Copy& c : copies) add_dependency(graph, c.from, c.to, c.kind, c.latency);
  scale_durations(graph, optimizer, scale);
  // Dropping the other incoming edges: every edge into a work op is removed with it, and the
  // paths through the removed ops are spliced only between tasks that stay.
  std::vector<EdgeId> incoming;
  for (TaskId t : work) {
    for (auto e : boost::make_iterator_range(boost::in_edges(t, graph.topology()))) {
      incoming.push_back(graph.topology()[e].id);
    }
  }
  for (EdgeId e : incoming) remove_dependency(graph, e);
  remove_tasks(graph, work);
}

void PipelineModel::build_iteration(Graph& graph, const std::vector<TaskId>& ops,
                                    const std::vector<Chunk>& chunks,
                                    const std::vector<std::vector<PipelineStep>>& orders,
                                    const Settings& s, const PipelineResources& r) {
  int32_t iteration = graph.iteration[ops.front()];
  uint32_t m_count = s.microbatches;
  std::vector<std::vector<TaskId>> forward(chunks.size(), std::vector<TaskId>(m_count, kNone));
  std::vector<std::vector<TaskId>> backward = forward;
  for (uint32_t d = 0; d < s.stages; ++d) {
    for (const PipelineStep& step : orders[d]) {
      const Chunk& c = chunks[step.chunk];
      std::string what = (step.forward ? "forward chunk " : "backward chunk ") +
                         std::to_string(step.chunk) + " micro-batch " + std::to_string(step.microbatch);
      TaskId task = append_gpu_op(graph, r.streams[d], "pipeline " + what,
                                    step.forward ? c.forward : c.backward,
                                    step.forward ? Phase::kForward : Phase::kBackward, iteration,
                                    kEmptyString, KernelClass::kOther);
      (step.forward ? forward : backward)[step.chunk][step.microbatch] = task;
    }
  }
  TaskId join = append_gpu_op(graph, r.streams[0], "pipeline flush", 0, Phase::kBackward,
                                iteration, kEmptyString, KernelClass::kOther);
  for (size_t d = 1; d < r.streams.size(); ++d) {
    add_dependency(graph, graph.resources[r.streams[d]].last, join, EdgeKind::kCommunication);
  }
  // Transfers, in each sender's order.
  size_t last_chunk = chunks.size() - 1;
  for (uint32_t d = 0; d < s.stages; ++d) {
    for (const PipelineStep& step : orders[d]) {
      uint32_t c = step.chunk, m = step.microbatch;
      if (step.forward && c < last_chunk) {
        TaskId send = append_gpu_op(graph, r.forward_links[d], "pipeline send activations",
                                      chunks[c].send, Phase::kForward, iteration, kEmptyString,
                                      KernelClass::kCommunication);
        add_dependency(graph, forward[c][m], send, EdgeKind::kCommunication);
        add_dependency(graph, send, forward[c + 1][m], EdgeKind::kCommunication);
      } else if (!step.forward && c > 0) {
        TaskId send = append_gpu_op(graph, r.backward_links[d], "pipeline send gradients",
                                      chunks[c - 1].send, Phase::kBackward, iteration,
                                      kEmptyString, KernelClass::kCommunication);
        add_dependency(graph, backward[c][m], send, EdgeKind::kCommunication);
        add_dependency(graph, send, backward[c - 1][m], EdgeKind::kCommunication);
      }
    }
  }
  for (uint32_t m = 0; m < m_count; ++m) {
    add_dependency(graph, forward[last_chunk][m], backward[last_chunk][m], EdgeKind::kOther);
  }
  hand_over(graph, ops, forward[0][0], join, optimizer_scale(chunks, s));
}

std::string PipelineModel::describe(const Graph& graph, const Profile& p,
                                    const std::vector<Chunk>& chunks,
                                    const std::vector<std::vector<PipelineStep>>& orders,
                                    const Settings& s, bool parameters_known) {
  std::string text = std::to_string(s.stages) + " stages x " + std::to_string(s.microbatches) +
                     " micro-batches, " + std::string(schedule_name(s.schedule));
  if (s.schedule == PipelineSchedule::kInterleaved) text += " (" + std::to_string(s.chunks) + " chunks per device)";
  text += ", partition " + s.partition + ":";
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Chunk& chunk = chunks[c];
    text += std::string(c ? " |" : "") + " " + std::string(graph.str(p.layers[chunk.first].layer));
    if (chunk.last != chunk.first) text += ".." + std::string(graph.str(p.layers[chunk.last].layer));
    text += " " + duration_text((chunk.forward + chunk.backward) * s.microbatches);
    if (p.memory_known) {
      uint32_t held = activations_in_flight(orders[c % s.stages], static_cast<uint32_t>(c));
      text += " [" + std::to_string(held) + " in flight, " +
              megabytes_text(stage_memory(p, chunk.first, chunk.last, held, s.microbatches)) + "]";
    }
  }
  double k = s.stages, m = s.microbatches, v = s.chunks;
  double bubble = (k - 1) / (v * m + k - 1);
  char ideal[64];
  std::snprintf(ideal, sizeof(ideal), "%.1f%%", 100 * bubble);
  text += "; bubble of balanced stages without transfers " + std::string(ideal);
  text += "; activations sent over " + s.link.name + " (" +
          (s.activation ? megabytes_text(*s.activation) + " per batch at every boundary"
                        : std::string(p.memory_known ? "each boundary layer's output"
                                                     : "0: no allocator events, pass activation=MB")) +
          ")";
  if (p.memory_known) {
    text += std::string("; memory per stage = ") +
            (parameters_known ? "2 x parameters + " : "") +
            "activations in flight (optimizer state not counted)";
  }
  return text;
}

}  // namespace

std::unique_ptr<WhatIfModel> make_pipeline_model() { return std::make_unique<PipelineModel>(); }

}  // namespace dd
