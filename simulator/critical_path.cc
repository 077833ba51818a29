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

// When the task's own work began: its end less its duration.
TimeNs work_start(const Graph& graph, const Timeline& timeline, TaskId t) {
  return std::max(timeline.start[t], add_saturated(timeline.end[t], -graph.duration[t]));
}

// A predecessor's release of `t`, a release after t's work began counting as at that instant.
struct Release {
  TaskId task = kNone;
  TimeNs at = 0;
};

// The predecessor that released t last (see the rules in critical_path.h), or none.
TaskId binding_predecessor(const Graph& graph, const Timeline& timeline, TaskId t) {
  TimeNs begun = work_start(graph, timeline, t);
  Release best;
  auto consider = [&](TaskId p, TimeNs release, bool edge) {
    if (!ran(timeline, p)) return;
    TimeNs at = std::min(release, begun);
    if (best.task != kNone) {
      if (at != best.at) {
        if (at < best.at) return;
      } else if (!edge) {
        return;  // the resource predecessor comes last; an edge already ties
      } else if (timeline.end[p] != timeline.end[best.task]) {
        if (timeline.end[p] < timeline.end[best.task]) return;
      } else if (p > best.task) {
        return;
      }
    }
    best = {p, at};
  };
  const Topology& topology = graph.topology();
  for (auto e : boost::make_iterator_range(boost::in_edges(t, topology))) {
    TaskId p = boost::source(e, topology);
    consider(p, add_saturated(timeline.end[p], graph.edge_latency[topology[e].id]), true);
  }
  TaskId previous = graph.prev_on_resource[t];
  if (previous != kNone) {
    TimeNs gap = graph.resources[graph.resource[t]].switch_gap_ns;
    consider(previous, add_saturated(timeline.end[previous], gap), false);
  }
  return best.task;
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
