// The two-rank job several tests share, with times chosen so every per-rank and job-level
// answer can be worked out by hand (times in ns):
//   rank 0 (pid 100, GPU 0): ProfilerStep#1 [0, 100), #2 [100, 200)
//     gemm [20, 50) and [120, 150); AllReduce [60, 90) and [170, 190)
//   rank 1 (pid 200, GPU 1): ProfilerStep#1 [5, 125), #2 [125, 265)
//     gemm [25, 75) and [132, 160); AllReduce [80, 90) and [165, 190)
// Measured iterations (start to next start; the last to its marker's end): rank 0 100 and 100,
// rank 1 120 and 140, so the job's are 120 and 140 (rank 1's), steady state 140. Rank 1 arrives
// last at the first AllReduce (skew 20), rank 0 at the second (skew 5).
#pragma once

#include "job_maker.h"

namespace dd::test {

inline constexpr const char* kAllReduce = "ncclKernel_AllReduce_RING_LL_Sum_float";

inline dd::Trace two_rank_training_job() {
  JobMaker job;
  size_t r0 = job.add_rank(0, 100, 0);
  size_t r1 = job.add_rank(1, 200, 1);
  job.step(r0, 1, 0, 100);
  job.step(r0, 2, 100, 200);
  job.step(r1, 1, 5, 125);
  job.step(r1, 2, 125, 265);
  job.launch(r0, "gemm", 10, 20, 50);
  job.launch(r0, kAllReduce, 55, 60, 90);
  job.launch(r0, "gemm", 110, 120, 150);
  job.launch(r0, kAllReduce, 160, 170, 190);
  job.launch(r1, "gemm", 15, 25, 75);
  job.launch(r1, kAllReduce, 76, 80, 90);
  job.launch(r1, "gemm", 126, 132, 160);
  job.launch(r1, kAllReduce, 160, 165, 190);
  return std::move(job.finish());
}

}  // namespace dd::test
