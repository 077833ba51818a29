// Collectives across the ranks of a job (Graph::ranks), from the measured run: each rank's
// communication kernels (NCCL/RCCL), matched across ranks by kernel name and order (the k-th
// AllReduce of one rank is the k-th of every other: ranks issue a communicator's collectives
// in the same order), and for each matched collective which rank arrived last (its kernel
// started last), the skew (last start - first start), and how long each rank spent waiting for
// the others inside its kernel (from its start to the last rank's start).
//
// Times come from each rank's own trace clock. Ranks on one host share it; ranks on several
// hosts are only as aligned as the hosts' clocks. A collective ends at about the same moment on
// every rank, so the spread of the ends bounds the clocks' disagreement: skews below it may be
// clock offset, and the report says so.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace dd {

inline constexpr size_t kTopSkewedCollectives = 10;

struct CollectiveRow {
  std::string name;       // the kernel name
  size_t occurrence = 0;  // the k-th collective of that name on every rank (from 0)
  std::vector<TimeNs> start, end;  // per rank, in Graph::ranks order
  size_t last_rank = 0;   // the rank that started last
  TimeNs skew = 0;        // last start - first start
  TimeNs end_spread = 0;  // last end - first end
};

struct RankCollectives {
  TimeNs time = 0;          // its matched collective kernels' duration, summed
  TimeNs waiting = 0;       // of that, the time before the last rank arrived
  uint64_t arrived_last = 0;
};

struct CollectiveSummary {
  std::vector<std::string> ranks;           // labels, in Graph::ranks order
  std::vector<CollectiveRow> collectives;   // in the first rank's order
  std::vector<RankCollectives> per_rank;
  uint64_t unmatched = 0;  // collectives a rank ran beyond the count every rank ran
  TimeNs median_skew = 0;
  TimeNs max_skew = 0;
  TimeNs median_end_spread = 0;
};

// Empty (no ranks, no collectives) for a single process or a job without communication kernels.
CollectiveSummary compute_collectives(const Graph& graph);

// The collectives with the largest skew, at most `count`, largest first (ties: trace order).
std::vector<const CollectiveRow*> most_skewed(const CollectiveSummary& summary, size_t count);

}  // namespace dd
