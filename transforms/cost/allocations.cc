// Matching allocator events to tasks and layers (see allocations.h).
#include "transforms/cost/allocations.h"

#include <algorithm>
#include <limits>

#include "transforms/rewrite_helpers.h"

namespace dd {

namespace {

// The recorded start of each iteration's first backward CPU task.
std::map<int32_t, TimeNs> backward_starts(const Graph& graph) {
  std::map<int32_t, TimeNs> starts;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || graph.kind[t] == TaskKind::kGpuOp ||
        graph.phase[t] != Phase::kBackward) {
      continue;
    }
    auto [it, inserted] = starts.try_emplace(graph.iteration[t], graph.recorded_start[t]);
    if (!inserted) it->second = std::min(it->second, graph.recorded_start[t]);
  }
  return starts;
}

}  // namespace

ThreadTasks::ThreadTasks(const Graph& graph) : graph_(graph) {
  for (const Resource& r : graph.resources) {
    if (r.kind != ResourceKind::kCpuThread || r.trace_index == kNone) continue;
    auto& list = by_thread_[r.trace_index];
    for (TaskId t = r.first; t != kNone; t = graph.next_on_resource[t]) list.push_back(t);
    std::sort(list.begin(), list.end(),
              [&graph](TaskId a, TaskId b) { return recorded_before(graph, a, b); });
  }
}

TaskId ThreadTasks::at(uint32_t thread, TimeNs time) const {
  auto it = by_thread_.find(thread);
  if (it == by_thread_.end()) return kNone;
  auto after = std::upper_bound(it->second.begin(), it->second.end(), time,
                                [this](TimeNs t, TaskId task) {
                                  return t < graph_.recorded_start[task];
                                });
  return after == it->second.begin() ? kNone : *std::prev(after);
}

BlockFrees::BlockFrees(const MemoryEventTable& m) {
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.device[i] >= 0 && m.op[i] == MemoryOp::kFree) {
      frees_[{m.device[i], m.address[i]}].push_back({m.time[i], m.thread[i]});
    }
  }
  for (auto& [key, list] : frees_) {
    std::sort(list.begin(), list.end(), [](const Free& a, const Free& b) { return a.time < b.time; });
  }
}

const BlockFrees::Free* BlockFrees::next(int32_t device, uint64_t address, TimeNs time) const {
  auto found = frees_.find({device, address});
  if (found == frees_.end()) return nullptr;
  auto after = std::upper_bound(found->second.begin(), found->second.end(), time,
                                [](TimeNs t, const Free& f) { return t < f.time; });
  return after == found->second.end() ? nullptr : &*after;
}

std::map<StringId, LayerActivations> forward_activations(const Graph& graph) {
  const MemoryEventTable& m = graph.trace().memory_events;
  BlockFrees frees(m);
  ThreadTasks tasks(graph);
  std::map<int32_t, TimeNs> backward = backward_starts(graph);
  std::map<int32_t, std::map<StringId, LayerActivations>> by_iteration;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m.device[i] < 0 || m.op[i] != MemoryOp::kAlloc || m.bytes[i] <= 0) continue;
    TaskId task = tasks.at(m.thread[i], m.time[i]);
    if (task == kNone || graph.layer[task] == kEmptyString ||
        (graph.phase[task] != Phase::kForward && graph.phase[task] != Phase::kOther)) {
      continue;
    }
    auto start = backward.find(graph.iteration[task]);
    if (start == backward.end() || m.time[i] > start->second) continue;
    const BlockFrees::Free* freed = frees.next(m.device[i], m.address[i], m.time[i]);
    if (freed != nullptr && freed->time <= start->second) continue;
    LayerActivations& layer = by_iteration[graph.iteration[task]][graph.layer[task]];
    layer.saved += static_cast<uint64_t>(m.bytes[i]);
    layer.output = static_cast<uint64_t>(m.bytes[i]);
  }
  return by_iteration.empty() ? std::map<StringId, LayerActivations>()
                              : by_iteration.begin()->second;
}

}  // namespace dd
