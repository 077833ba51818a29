// Discrete-event simulation of a Graph. Per resource: the next task in sequence, whether it
// is busy, and when it became free. Per task: unmet predecessor count and ready time. The
// event queue holds at most one completion per resource, so it stays tiny and fast.
#include "simulator/simulator.h"

#include <algorithm>
#include <limits>

#include "simulator/event_queue.h"

namespace dd {

namespace {

struct ResourceState {
  TaskId head = kNone;
  TimeNs free_at = 0;
  bool busy = false;
  bool has_run = false;
};

class Simulation {
 public:
  Simulation(const Graph& graph, TimeNs origin) : graph_(graph), topology_(graph.topology()) {
    size_t n = graph.task_count();
    timeline_.start.assign(n, kNotRun);
    timeline_.end.assign(n, kNotRun);
    pending_.assign(n, 0);
    ready_.assign(n, origin);
    for (TaskId t = 0; t < n; ++t) {
      pending_[t] = static_cast<uint32_t>(boost::in_degree(t, topology_));
    }
    resources_.resize(graph.resources.size());
    for (ResourceId r = 0; r < resources_.size(); ++r) {
      resources_[r].head = graph.resources[r].first;
      resources_[r].free_at = origin;
    }
    queue_.reserve(resources_.size());
  }

  Timeline run() {
    for (ResourceId r = 0; r < resources_.size(); ++r) try_start(r);
    while (true) {
      while (!queue_.empty()) complete(queue_.pop());
      if (!force_blocked_head()) break;
    }
    return std::move(timeline_);
  }

 private:
  void try_start(ResourceId r) {
    ResourceState& state = resources_[r];
    if (state.busy || state.head == kNone || pending_[state.head] > 0) return;
    start(r, state.head);
  }

  void start(ResourceId r, TaskId t) {
    ResourceState& state = resources_[r];
    TimeNs free = state.free_at + (state.has_run ? graph_.resources[r].switch_gap_ns : 0);
    TimeNs begin = std::max(free, ready_[t]);
    timeline_.start[t] = begin;
    state.busy = true;
    queue_.push(begin + graph_.duration[t], t);
  }

  void complete(const SimEvent& event) {
    TaskId t = event.task;
    timeline_.end[t] = event.time;
    ResourceId r = graph_.resource[t];
    ResourceState& state = resources_[r];
    state.busy = false;
    state.has_run = true;
    state.free_at = event.time;
    state.head = graph_.next_on_resource[t];
    for (auto e : boost::make_iterator_range(boost::out_edges(t, topology_))) {
      TaskId successor = boost::target(e, topology_);
      EdgeId id = topology_[e].id;
      ready_[successor] = std::max(ready_[successor], event.time + graph_.edge_latency[id]);
      if (--pending_[successor] == 0) try_start(graph_.resource[successor]);
    }
    try_start(r);
  }

  // A dependency cycle (or a dependency on a later task of the same resource) leaves every
  // resource waiting. Start the waiting head with the earliest ready time; false if none.
  bool force_blocked_head() {
    ResourceId best = kNone;
    for (ResourceId r = 0; r < resources_.size(); ++r) {
      const ResourceState& state = resources_[r];
      if (state.busy || state.head == kNone) continue;
      if (best == kNone || ready_[state.head] < ready_[resources_[best].head]) best = r;
    }
    if (best == kNone) return false;
    ++timeline_.forced_starts;
    pending_[resources_[best].head] = 0;
    start(best, resources_[best].head);
    return true;
  }

  const Graph& graph_;
  const Topology& topology_;
  Timeline timeline_;
  std::vector<uint32_t> pending_;
  std::vector<TimeNs> ready_;
  std::vector<ResourceState> resources_;
  EventQueue queue_;
};

}  // namespace

Timeline simulate(const Graph& graph, TimeNs origin) { return Simulation(graph, origin).run(); }

TimeNs graph_origin(const Graph& graph) {
  TimeNs origin = std::numeric_limits<TimeNs>::max();
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!graph.removed[t]) origin = std::min(origin, graph.recorded_start[t]);
  }
  return origin == std::numeric_limits<TimeNs>::max() ? 0 : origin;
}

Timeline measured_timeline(const Graph& graph) {
  Timeline timeline;
  timeline.start = graph.recorded_start;
  timeline.end = graph.recorded_end;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t]) timeline.start[t] = timeline.end[t] = kNotRun;
  }
  return timeline;
}

}  // namespace dd
