// Critical-path walk over a timeline (see critical_path.h): from the window's last task back
// through the predecessors whose finish set each start.
#include "simulator/critical_path.h"

#include <algorithm>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

// Removed tasks never run, so a task that ran is a live one.
bool ran(const Timeline& timeline, TaskId t) {
  return timeline.start[t] != kNotRun;
}

// The live task with the latest end in (window_start, window_end]; the lowest id on a tie.
TaskId last_task_in_window(const Graph& graph, const Timeline& timeline, TimeNs window_start,
                           TimeNs window_end) {
  TaskId last = kNone;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!ran(timeline, t)) continue;
    TimeNs end = timeline.end[t];
    if (end <= window_start || end > window_end) continue;
    if (last == kNone || end > timeline.end[last]) last = t;
  }
  return last;
}

// The edge predecessor whose end plus latency is t's start; the latest-ending, then lowest id.
TaskId binding_edge_predecessor(const Graph& graph, const Timeline& timeline, TaskId t) {
  const Topology& topology = graph.topology();
  TaskId best = kNone;
  for (auto e : boost::make_iterator_range(boost::in_edges(t, topology))) {
    TaskId p = boost::source(e, topology);
    if (!ran(timeline, p)) continue;
    if (add_saturated(timeline.end[p], graph.edge_latency[topology[e].id]) != timeline.start[t]) {
      continue;
    }
    bool later = best == kNone || timeline.end[p] > timeline.end[best];
    bool same_but_lower = best != kNone && timeline.end[p] == timeline.end[best] && p < best;
    if (later || same_but_lower) best = p;
  }
  return best;
}

// The previous task on t's resource if t started as soon as the resource was free again.
TaskId binding_resource_predecessor(const Graph& graph, const Timeline& timeline, TaskId t) {
  TaskId previous = graph.prev_on_resource[t];
  if (previous == kNone || !ran(timeline, previous)) return kNone;
  TimeNs gap = graph.resources[graph.resource[t]].switch_gap_ns;
  return add_saturated(timeline.end[previous], gap) == timeline.start[t] ? previous : kNone;
}

TaskId binding_predecessor(const Graph& graph, const Timeline& timeline, TaskId t) {
  TaskId edge = binding_edge_predecessor(graph, timeline, t);
  return edge != kNone ? edge : binding_resource_predecessor(graph, timeline, t);
}

}  // namespace

std::vector<TaskId> critical_path(const Graph& graph, const Timeline& timeline, TimeNs window_start,
                                  TimeNs window_end) {
  std::vector<TaskId> path;
  // Zero-length tasks tied at one instant can form a cycle of binding predecessors (only
  // after forced starts); visiting a task twice ends the walk.
  std::vector<uint8_t> visited(graph.task_count(), 0);
  TaskId t = last_task_in_window(graph, timeline, window_start, window_end);
  while (t != kNone && !visited[t]) {
    visited[t] = 1;
    path.push_back(t);
    TaskId previous = binding_predecessor(graph, timeline, t);
    if (previous == kNone || timeline.end[previous] <= window_start) break;
    t = previous;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace dd
