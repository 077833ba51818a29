// The ranks of a job: the processes of a trace that ran GPU work, each with a label that says
// which rank it is ("rank 3" from the profiler's distributed info or daydream record's RANK;
// "pid 1234" where the trace does not say) and the GPUs its streams ran on. Several rank files
// loaded together (trace_loader.h) and multi-process Nsight exports are jobs of several ranks;
// every report that shows a job per rank, and never sums across ranks, starts here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collector/trace/trace.h"

namespace dd {

struct JobRank {
  uint32_t process = kNone;
  std::string label;             // unique within the job
  std::vector<int32_t> devices;  // GPU ids its streams ran ops on, ascending
};

// Ordered by rank number where known (those first), the others by their first GPU, then pid.
std::vector<JobRank> job_ranks(const Trace& trace);

// Per process row: whether it made CUDA (or HIP) API calls, ran GPU ops or allocated GPU
// memory. Nsight exports list every process on the machine; these are the ones of the run.
std::vector<bool> processes_with_cuda_activity(const Trace& trace);

}  // namespace dd
