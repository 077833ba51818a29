// The job's iteration is its slowest rank's: each rank timed on its own tasks from its own
// markers (never the first rank's alone, never a sum), matched by ProfilerStep number.
#include <catch2/catch.hpp>

#include "graph/graph_builder.h"
#include "job_traces.h"
#include "simulator/iteration_metrics.h"

TEST_CASE("Measured iteration times of a two-rank job: per rank and the slowest rank's",
          "[simulator][ranks]") {
  dd::Trace trace = dd::test::two_rank_training_job();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  dd::IterationTimes times = dd::iteration_times(*graph, dd::measured_timeline(*graph));
  REQUIRE(times.ranks.size() == 2);
  CHECK(times.ranks[0].per_iteration == std::vector<dd::TimeNs>{100, 100});
  CHECK(times.ranks[1].per_iteration == std::vector<dd::TimeNs>{120, 140});
  CHECK(times.ranks[0].steady_state == 100);
  CHECK(times.ranks[1].steady_state == 140);
  CHECK(times.per_iteration == std::vector<dd::TimeNs>{120, 140});
  CHECK(times.slowest_rank == std::vector<size_t>{1, 1});
  CHECK(times.steady_state == 140);
}

TEST_CASE("A rank's iteration matches the job's by ProfilerStep number", "[simulator][ranks]") {
  // Rank 1's trace starts one step later: its #2 is the job's second iteration, and it has no
  // #1. Rank 0: #1 [0, 100), #2 [100, 200); rank 1: #2 [100, 250), #3 [250, 300).
  dd::test::JobMaker job;
  size_t r0 = job.add_rank(0, 100, 0);
  size_t r1 = job.add_rank(1, 200, 1);
  job.step(r0, 1, 0, 100);
  job.step(r0, 2, 100, 200);
  job.step(r1, 2, 100, 250);
  job.step(r1, 3, 250, 300);
  job.launch(r0, "gemm", 10, 20, 50);
  job.launch(r1, "gemm", 110, 120, 150);
  job.launch(r0, "gemm", 110, 130, 160);  // every rank's last step launches work (iterations.h)
  job.launch(r1, "gemm", 260, 270, 290);
  dd::Trace& trace = job.finish();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  dd::IterationTimes times = dd::iteration_times(*graph, dd::measured_timeline(*graph));
  CHECK(times.ranks[1].per_iteration == std::vector<dd::TimeNs>{dd::kNoIteration, 150});
  CHECK(times.per_iteration == std::vector<dd::TimeNs>{100, 150});
  CHECK(times.slowest_rank == std::vector<size_t>{0, 1});
}

TEST_CASE("A job without markers lasts as long as its longest rank", "[simulator][ranks]") {
  // No markers: each rank is one iteration from its first task's start to its last task's end.
  // Every thread's work starts at the trace's first event (the builder's leading CPU work, here
  // rank 0's call at 10): rank 0 [10, 50) = 40, rank 1 [10, 95) = 85.
  dd::test::JobMaker job;
  size_t r0 = job.add_rank(-1, 100, 0);
  size_t r1 = job.add_rank(-1, 200, 1);
  job.launch(r0, "gemm", 10, 20, 50);
  job.launch(r1, "gemm", 15, 25, 95);
  dd::Trace& trace = job.finish();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  REQUIRE(graph->ranks.size() == 2);
  CHECK(graph->ranks[0].label == "pid 100");
  dd::IterationTimes times = dd::iteration_times(*graph, dd::measured_timeline(*graph));
  CHECK(times.ranks[0].per_iteration == std::vector<dd::TimeNs>{40});
  CHECK(times.ranks[1].per_iteration == std::vector<dd::TimeNs>{85});
  CHECK(times.per_iteration == std::vector<dd::TimeNs>{85});
}
