// Kahn's topological order over edges and resource sequences, removing the edges that close
// cycles (see cycle_breaking.h).
#include "graph/cycle_breaking.h"

#include <vector>

namespace dd {

namespace {

class CycleBreaker {
 public:
  explicit CycleBreaker(Graph& graph) : g_(graph), topology_(graph.topology()) {
    size_t n = g_.task_count();
    waiting_.assign(n, 0);
    done_.assign(n, 0);
    dropped_.assign(g_.edge_count(), 0);
    for (TaskId t = 0; t < n; ++t) {
      if (g_.removed[t]) continue;
      ++live_;
      waiting_[t] = static_cast<uint32_t>(boost::in_degree(t, topology_)) +
                    (g_.prev_on_resource[t] != kNone ? 1u : 0u);
      if (waiting_[t] == 0) ready_.push_back(t);
    }
  }

  // The edges to remove, in the order they were found.
  std::vector<EdgeId> run() {
    size_t finished = 0;
    while (finished < live_) {
      if (ready_.empty()) free_first_blocked_head();
      TaskId t = ready_.back();
      ready_.pop_back();
      done_[t] = 1;
      ++finished;
      for (auto e : boost::make_iterator_range(boost::out_edges(t, topology_))) {
        if (!dropped_[topology_[e].id]) release(boost::target(e, topology_));
      }
      if (g_.next_on_resource[t] != kNone) release(g_.next_on_resource[t]);
    }
    return std::move(removed_);
  }

 private:
  void release(TaskId t) {
    if (--waiting_[t] == 0) ready_.push_back(t);
  }

  // Every remaining task waits. The first unfinished task of each resource waits on edges
  // only (its sequence predecessor is done); the one recorded first is freed from them.
  void free_first_blocked_head() {
    TaskId best = kNone;
    for (const Resource& resource : g_.resources) {
      TaskId head = resource.first;
      while (head != kNone && done_[head]) head = g_.next_on_resource[head];
      if (head == kNone) continue;
      if (best == kNone || g_.recorded_start[head] < g_.recorded_start[best] ||
          (g_.recorded_start[head] == g_.recorded_start[best] && head < best)) {
        best = head;
      }
    }
    for (auto e : boost::make_iterator_range(boost::in_edges(best, topology_))) {
      EdgeId id = topology_[e].id;
      if (done_[boost::source(e, topology_)] || dropped_[id]) continue;
      dropped_[id] = 1;
      removed_.push_back(id);
    }
    waiting_[best] = 0;
    ready_.push_back(best);
  }

  Graph& g_;
  const Topology& topology_;
  size_t live_ = 0;
  std::vector<uint32_t> waiting_;  // unmet predecessors (edges + sequence) per task
  std::vector<uint8_t> done_;
  std::vector<uint8_t> dropped_;  // per edge
  std::vector<TaskId> ready_;
  std::vector<EdgeId> removed_;
};

}  // namespace

size_t break_dependency_cycles(Graph& graph) {
  std::vector<EdgeId> removed = CycleBreaker(graph).run();
  for (EdgeId edge : removed) graph.remove_edge(edge);  // invalidates the topology: after the walk
  if (!removed.empty()) {
    graph.diagnostics.set("dependency_cycle_edges_removed", Severity::kWarning, removed.size());
  }
  return removed.size();
}

}  // namespace dd
