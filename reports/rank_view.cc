// rank_view (see rank_view.h): the graph copied with the rank's iterations and only its
// resources' task lists, and timelines with every other process's tasks marked as not run.
#include "reports/rank_view.h"

namespace dd {

RankView rank_view(const Graph& graph, size_t rank) {
  RankView view{Graph(graph), graph.ranks[rank].process};
  view.graph.iterations = graph.ranks[rank].iterations;
  view.graph.ranks.clear();
  for (Resource& resource : view.graph.resources) {
    if (resource.process != view.process) resource.first = resource.last = kNone;
  }
  return view;
}

Timeline RankView::only_rank(const Timeline& timeline) const {
  Timeline restricted = timeline;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.resources[graph.resource[t]].process == process) continue;
    restricted.start[t] = kNotRun;
    restricted.end[t] = kNotRun;
  }
  return restricted;
}

}  // namespace dd
