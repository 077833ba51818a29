// Discrete-event simulation of a Graph. Per resource: the next task in sequence (or, for a
// priority-scheduled resource, a heap of its tasks whose dependencies are met), whether it is
// busy, and when it became free. Per task: unmet predecessor count and ready time. The event
// queue holds at most one completion per resource, so it stays tiny and fast.
#include "simulator/simulator.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "simulator/event_queue.h"
#include "simulator/saturating_time.h"

namespace dd {

namespace {

// Events for task completions carry the task id; a priority resource's decision carries
// the resource id with this bit set.
constexpr uint32_t kDecisionBit = 1u << 31;

struct ResourceState {
  TaskId head = kNone;  // in-order: next in sequence; priority: first not yet started
  TimeNs free_at = 0;
  bool busy = false;
  bool has_run = false;
  bool by_priority = false;
  bool deciding = false;          // a decision event is queued
  std::vector<TaskId> ready;      // priority resources: dependencies met, not started
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
    position_.assign(n, 0);
    for (ResourceId r = 0; r < resources_.size(); ++r) {
      ResourceState& state = resources_[r];
      state.head = graph.resources[r].first;
      state.free_at = add_saturated(origin, graph.resources[r].busy_at_start_ns);
      state.by_priority = graph.resources[r].policy == SchedulingPolicy::kPriority;
      if (!state.by_priority) continue;
      uint32_t position = 0;
      for (TaskId t = state.head; t != kNone; t = graph.next_on_resource[t]) {
        position_[t] = position++;
        if (pending_[t] == 0) state.ready.push_back(t);
      }
    }
    queue_.reserve(resources_.size());
  }

  Timeline run() {
    for (ResourceId r = 0; r < resources_.size(); ++r) try_start(r);
    while (true) {
      while (!queue_.empty()) {
        SimEvent event = queue_.pop();
        if (event.task & kDecisionBit) {
          decide(event.task & ~kDecisionBit, event.time);
        } else {
          complete(event);
        }
      }
      if (!force_blocked_head()) break;
    }
    return std::move(timeline_);
  }

 private:
  TimeNs free_time(ResourceId r) const {
    const ResourceState& state = resources_[r];
    return add_saturated(state.free_at, state.has_run ? graph_.resources[r].switch_gap_ns : 0);
  }

  void try_start(ResourceId r) {
    ResourceState& state = resources_[r];
    if (state.busy) return;
    if (!state.by_priority) {
      if (state.head != kNone && pending_[state.head] == 0) start(r, state.head);
      return;
    }
    // A priority resource decides when it is free and the earliest ready task can start,
    // among everything ready by then: events up to that time are processed first.
    if (state.deciding || state.ready.empty()) return;
    TimeNs earliest = ready_[state.ready.front()];
    for (TaskId t : state.ready) earliest = std::min(earliest, ready_[t]);
    state.deciding = true;
    queue_.push(std::max(free_time(r), earliest), r | kDecisionBit);
  }

  void decide(ResourceId r, TimeNs now) {
    ResourceState& state = resources_[r];
    state.deciding = false;
    size_t best = state.ready.size();
    for (size_t i = 0; i < state.ready.size(); ++i) {
      TaskId t = state.ready[i];
      if (ready_[t] > now) continue;
      if (best == state.ready.size() || std::pair(graph_.priority[t], position_[t]) <
                                            std::pair(graph_.priority[state.ready[best]],
                                                      position_[state.ready[best]])) {
        best = i;
      }
    }
    if (best == state.ready.size() || state.busy) return try_start(r);
    TaskId chosen = state.ready[best];
    state.ready[best] = state.ready.back();
    state.ready.pop_back();
    start(r, chosen);
  }

  // Dependencies of `t` are met: it may start now.
  void on_ready(TaskId t) {
    ResourceId r = graph_.resource[t];
    if (resources_[r].by_priority) resources_[r].ready.push_back(t);
    try_start(r);
  }

  void start(ResourceId r, TaskId t) {
    ResourceState& state = resources_[r];
    TimeNs begin = std::max(free_time(r), ready_[t]);
    timeline_.start[t] = begin;
    state.busy = true;
    queue_.push(add_saturated(begin, graph_.duration[t]), t);
  }

  void complete(const SimEvent& event) {
    TaskId t = event.task;
    timeline_.end[t] = event.time;
    ResourceId r = graph_.resource[t];
    ResourceState& state = resources_[r];
    state.busy = false;
    state.has_run = true;
    state.free_at = event.time;
    if (!state.by_priority) state.head = graph_.next_on_resource[t];
    for (auto e : boost::make_iterator_range(boost::out_edges(t, topology_))) {
      TaskId successor = boost::target(e, topology_);
      EdgeId id = topology_[e].id;
      TimeNs ready = add_saturated(event.time, graph_.edge_latency[id]);
      ready_[successor] = std::max(ready_[successor], ready);
      if (--pending_[successor] == 0) on_ready(successor);
    }
    try_start(r);
  }

  // A dependency cycle (or a dependency on a later task of the same resource) leaves every
  // resource waiting. Start the waiting head with the earliest ready time; false if none.
  bool force_blocked_head() {
    ResourceId best = kNone;
    for (ResourceId r = 0; r < resources_.size(); ++r) {
      ResourceState& state = resources_[r];
      if (state.by_priority) {  // first task in sequence that has not started
        while (state.head != kNone && timeline_.start[state.head] != kNotRun) {
          state.head = graph_.next_on_resource[state.head];
        }
      }
      if (state.busy || state.deciding || state.head == kNone) continue;
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
  std::vector<uint32_t> position_;  // per task, in its resource's sequence (priority resources)
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
