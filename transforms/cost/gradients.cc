// Finding the gradients of a trace (see gradients.h for the rules and their reasons).
#include "transforms/cost/gradients.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <unordered_map>
#include <vector>

#include "transforms/cost/allocations.h"
#include "transforms/rewrite_helpers.h"

namespace dd {

namespace {

constexpr double kMB = 1e6;

// A gradient block found in the allocator events, before its ready op is known.
struct Block {
  TimeNs allocated = 0;
  uint64_t bytes = 0;
  StringId layer = kEmptyString;
};

// When each iteration's backward pass is over: the recorded start of its first optimizer-phase
// CPU task after the last backward CPU task started (the optimizer step), or, without one, the
// recorded end of its last backward CPU task. Blocks still alive then are gradients.
std::map<int32_t, TimeNs> backward_ends(const Graph& graph) {
  std::map<int32_t, TimeNs> last_start, last_end, optimizer;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || graph.kind[t] == TaskKind::kGpuOp) continue;
    if (graph.phase[t] != Phase::kBackward) continue;
    last_start[graph.iteration[t]] = std::max(last_start[graph.iteration[t]], graph.recorded_start[t]);
    last_end[graph.iteration[t]] = std::max(last_end[graph.iteration[t]], graph.recorded_end[t]);
  }
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || graph.kind[t] == TaskKind::kGpuOp) continue;
    auto backward = last_start.find(graph.iteration[t]);
    if (graph.phase[t] != Phase::kOptimizer || backward == last_start.end() ||
        graph.recorded_start[t] < backward->second) {
      continue;
    }
    auto [it, inserted] = optimizer.try_emplace(graph.iteration[t], graph.recorded_start[t]);
    if (!inserted) it->second = std::min(it->second, graph.recorded_start[t]);
  }
  for (auto& [iteration, end] : last_end) {
    if (auto found = optimizer.find(iteration); found != optimizer.end()) end = found->second;
  }
  return last_end;
}

// PyTorch's AccumulateGrad ranges per trace thread, by start: a gradient freed inside one was
// added into the parameter's existing .grad.
class AccumulateGradRanges {
 public:
  explicit AccumulateGradRanges(const Trace& trace) {
    const RangeTable& r = trace.ranges;
    for (size_t i = 0; i < r.size(); ++i) {
      if (r.thread[i] != kNone &&
          trace.str(r.name[i]).find("AccumulateGrad") != std::string_view::npos) {
        by_thread_[r.thread[i]].emplace_back(r.start[i], r.end[i]);
      }
    }
    for (auto& [thread, list] : by_thread_) std::sort(list.begin(), list.end());
  }
  bool contains(uint32_t thread, TimeNs time) const {
    auto it = by_thread_.find(thread);
    if (it == by_thread_.end()) return false;
    auto after = std::upper_bound(it->second.begin(), it->second.end(),
                                  std::pair(time, std::numeric_limits<TimeNs>::max()));
    return after != it->second.begin() && std::prev(after)->second >= time;
  }

 private:
  std::unordered_map<uint32_t, std::vector<std::pair<TimeNs, TimeNs>>> by_thread_;
};

// Device blocks allocated by backward CPU tasks that are gradients (gradients.h), per
// iteration, in allocation order.
std::map<int32_t, std::vector<Block>> gradient_blocks(const Graph& graph) {
  const MemoryEventTable& m = graph.trace().memory_events;
  BlockFrees frees(m);
  ThreadTasks tasks(graph);
  AccumulateGradRanges accumulate(graph.trace());
  std::map<int32_t, TimeNs> ends = backward_ends(graph);
  std::map<int32_t, std::vector<Block>> blocks;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.device[i] < 0 || m.op[i] != MemoryOp::kAlloc || m.bytes[i] <= 0) continue;
    TaskId task = tasks.at(m.thread[i], m.time[i]);
    if (task == kNone || graph.phase[task] != Phase::kBackward) continue;
    auto end = ends.find(graph.iteration[task]);
    if (end == ends.end()) continue;
    const BlockFrees::Free* freed = frees.next(m.device[i], m.address[i], m.time[i]);
    bool freed_in_backward = freed != nullptr && freed->time <= end->second;
    if (freed_in_backward && !accumulate.contains(freed->thread, freed->time)) continue;
    blocks[graph.iteration[task]].push_back(
        {m.time[i], static_cast<uint64_t>(m.bytes[i]), graph.layer[task]});
  }
  for (auto& [iteration, list] : blocks) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Block& a, const Block& b) { return a.allocated < b.allocated; });
  }
  return blocks;
}

// When a backward op was issued: its launch call's recorded start (its own without one).
TimeNs issued_at(const Graph& graph, TaskId op) {
  TaskId call = launch_call_of(graph, op);
  return graph.recorded_start[call == kNone ? op : call];
}

// Gradients of one iteration from its blocks: each ready after the last backward op issued
// before the next block's allocation.
std::vector<Gradient> gradients_from_blocks(const Graph& graph, const std::vector<Block>& blocks,
                                            const std::vector<TaskId>& ops) {
  std::vector<TimeNs> issued;
  for (TaskId op : ops) issued.push_back(issued_at(graph, op));
  std::vector<Gradient> gradients;
  for (size_t i = 0; i < blocks.size(); ++i) {
    TaskId ready = ops.back();
    if (i + 1 < blocks.size()) {
      ready = ops.front();
      for (size_t k = 0; k < ops.size(); ++k) {
        if (issued[k] < blocks[i + 1].allocated) ready = ops[k];
      }
    }
    StringId layer = blocks[i].layer != kEmptyString ? blocks[i].layer : graph.layer[ready];
    gradients.push_back({ready, blocks[i].bytes, layer});
  }
  return gradients;
}

// Without allocator evidence: the backward GEMM/convolution ops, sized by duration.
std::vector<Gradient> gradients_from_compute(const Graph& graph, const std::vector<TaskId>& ops,
                                             double total_bytes) {
  std::vector<TaskId> producers;
  for (TaskId op : ops) {
    KernelClass k = graph.kernel_class[op];
    if (k == KernelClass::kGemm || k == KernelClass::kConvolution) producers.push_back(op);
  }
  double time = static_cast<double>(total_duration(graph, producers));
  std::vector<Gradient> gradients;
  if (time <= 0) return gradients;
  for (TaskId op : producers) {
    auto bytes = std::llround(total_bytes * static_cast<double>(graph.duration[op]) / time);
    gradients.push_back({op, static_cast<uint64_t>(bytes), graph.layer[op]});
  }
  return gradients;
}

void scale_to(std::vector<Gradient>& gradients, double total_bytes) {
  double found = 0;
  for (const Gradient& g : gradients) found += static_cast<double>(g.bytes);
  for (Gradient& g : gradients) {
    g.bytes = static_cast<uint64_t>(std::llround(static_cast<double>(g.bytes) * total_bytes / found));
  }
}

}  // namespace

uint64_t IterationGradients::total_bytes() const {
  uint64_t total = 0;
  for (const Gradient& g : gradients) total += g.bytes;
  return total;
}

ModelParameter gradient_size_parameter() {
  return {"params", "auto",
          "gradient MB per iteration (fp32 parameters x 4 bytes), or auto: the gradient blocks "
          "the trace's allocator events show"};
}

std::string megabytes_text(uint64_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f MB", static_cast<double>(bytes) / kMB);
  return buffer;
}

std::vector<std::pair<int32_t, std::vector<TaskId>>> backward_ops_by_iteration(const Graph& g) {
  std::map<int32_t, std::vector<TaskId>> ops;
  for (TaskId t = 0; t < g.task_count(); ++t) {
    if (g.removed[t] || g.kind[t] != TaskKind::kGpuOp || g.phase[t] != Phase::kBackward ||
        g.kernel_class[t] == KernelClass::kCommunication) {
      continue;
    }
    ops[g.iteration[t]].push_back(t);
  }
  std::vector<std::pair<int32_t, std::vector<TaskId>>> ordered;
  for (auto& [iteration, list] : ops) {
    std::sort(list.begin(), list.end(), [&g](TaskId a, TaskId b) { return recorded_before(g, a, b); });
    ordered.emplace_back(iteration, std::move(list));
  }
  return ordered;
}

Result<GradientPlan> find_gradients(const Graph& graph, const ModelArguments& arguments) {
  std::optional<double> total;
  if (arguments.text("params") != "auto") {
    auto megabytes = arguments.number("params");
    if (!megabytes) return std::unexpected(megabytes.error());
    if (*megabytes <= 0) {
      return usage_error("parameter params=" + arguments.text("params") + ": must be > 0");
    }
    total = *megabytes * kMB;
  }
  auto backward = backward_ops_by_iteration(graph);
  if (backward.empty()) {
    return bad_input("no backward GPU work in this trace (no GPU op of phase backward), so no "
                     "gradients to synchronize");
  }
  auto blocks = gradient_blocks(graph);
  GradientPlan plan;
  size_t from_blocks = 0;
  for (const auto& [iteration, ops] : backward) {
    IterationGradients it{iteration, {}, ops.back()};
    auto found = blocks.find(iteration);
    if (found != blocks.end()) {
      it.gradients = gradients_from_blocks(graph, found->second, ops);
      if (total) scale_to(it.gradients, *total);
      ++from_blocks;
    } else if (total) {
      it.gradients = gradients_from_compute(graph, ops, *total);
    }
    if (!it.gradients.empty()) plan.iterations.push_back(std::move(it));
  }
  if (plan.iterations.empty()) {
    return bad_input("the trace shows no gradient sizes (no device blocks allocated in backward "
                     "that live until the optimizer: profile_memory off, or gradients "
                     "accumulated in place); pass params=MB, e.g. params=102 for ResNet-50's "
                     "25.6 M fp32 parameters");
  }
  const IterationGradients& first = plan.iterations.front();
  std::string per_iteration = std::to_string(first.gradients.size()) + " gradients, " +
                              megabytes_text(first.total_bytes()) + " per iteration";
  if (from_blocks == 0) {
    plan.source = per_iteration + " (params=" + arguments.text("params") +
                  " MB spread over the backward GEMM/convolution ops by duration: an "
                  "assumption, the trace shows no gradient blocks)";
  } else {
    plan.source = per_iteration + " (gradient blocks of the trace's allocator events" +
                  std::string(total ? ", scaled to params=" + arguments.text("params") + " MB" : "") +
                  ")";
  }
  return plan;
}

}  // namespace dd
