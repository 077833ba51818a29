// One rank of a job of several (Graph::ranks) seen on its own: a copy of the graph whose
// iterations are the rank's and whose other resources list no tasks (their tasks stay, linked
// to nothing a walk starts from), and the job's timelines restricted to the rank's tasks. Any
// analysis of a single run (the breakdown, the critical path, GPU busy time) then reads one
// rank, so a job's numbers are per rank and never sums over ranks. Task `iteration` attributes
// still index the job's iterations (Graph::iterations of the run), not the view's.
#pragma once

#include "graph/graph.h"
#include "simulator/timeline.h"

namespace dd {

struct RankView {
  Graph graph;
  uint32_t process = kNone;
  // `timeline` (of the job's graph) with every other rank's tasks marked as not run.
  Timeline only_rank(const Timeline& timeline) const;
};

// `rank` indexes graph.ranks.
RankView rank_view(const Graph& graph, size_t rank);

}  // namespace dd
