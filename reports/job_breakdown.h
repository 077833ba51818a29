// `daydream breakdown` of a job of several ranks: one measured breakdown per rank (its replay
// beside it), each on the rank's own tasks and iterations (rank_view.h), summarised side by
// side; the full breakdown of one rank (the slowest in the measured run, whose iteration is the
// job's, or the one asked for); and the collectives across ranks (collective_metrics.h).
// Nothing is summed across ranks within an iteration.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "collector/trace/result.h"
#include "reports/breakdown_metrics.h"
#include "reports/collective_metrics.h"

namespace dd {

struct RankBreakdown {
  std::string label;
  Breakdown breakdown;
};

struct JobBreakdown {
  std::vector<RankBreakdown> ranks;  // in Graph::ranks order
  size_t slowest = 0;                // the rank with the longest steady-state iteration
  size_t analysed = 0;               // the rank shown in full
  CollectiveSummary collectives;
};

// The slowest rank of a job on `timeline` (the longest steady-state iteration of its own, the
// first on a tie); 0 for a single process.
size_t slowest_rank(const Graph& graph, const Timeline& timeline);

// The breakdown a report of one run shows: the run's own, or for a job of several ranks that of
// rank `rank` (an index into graph.ranks) on its own tasks, named in the scope. What-ifs and
// diffs compare these, so a job's changes are one rank's, never the ranks' sum.
Breakdown run_breakdown(const Graph& graph, const Timeline& timeline, size_t rank,
                        const BreakdownOptions& options = {});

// `graph` must be a job (graph.ranks not empty); `measured` is its measured timeline and
// `replayed` its replay (as for measured_breakdown). `rank`: the rank to show in full, as "3",
// "rank 3" or "pid 1234"; empty: the slowest. A usage error when no rank matches.
Result<JobBreakdown> compute_job_breakdown(const Graph& graph, const Timeline& measured,
                                           const Timeline& replayed,
                                           const BreakdownOptions& options = {},
                                           const std::string& rank = {});

// Which of graph.ranks `rank` names ("3", "rank 3", "pid 1234"); a usage error listing the
// ranks when none does.
Result<size_t> find_rank(const Graph& graph, const std::string& rank);

void print_job_breakdown_text(const JobBreakdown& job, std::ostream& out);
void print_job_breakdown_json(const JobBreakdown& job, std::ostream& out);

}  // namespace dd
