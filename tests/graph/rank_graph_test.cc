// A job of several ranks in the graph: ranks in rank order with their own iteration boundaries,
// every resource named with its rank (so every report, HTML lane and Perfetto track says which
// rank it is); a single process keeps its plain names and no ranks.
#include <catch2/catch.hpp>

#include "graph/graph_builder.h"
#include "job_traces.h"

TEST_CASE("A two-rank job's graph has its ranks, their iterations and rank-named resources",
          "[graph][ranks]") {
  dd::Trace trace = dd::test::two_rank_training_job();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  REQUIRE(graph->ranks.size() == 2);
  CHECK(graph->ranks[0].label == "rank 0");
  CHECK(graph->ranks[1].label == "rank 1");
  for (const dd::RankIterations& rank : graph->ranks) {
    INFO(rank.label);
    REQUIRE(rank.iterations.size() == 2);
    CHECK(rank.iterations[0].number == 1);
    CHECK(rank.iterations[1].number == 2);
  }
  CHECK(graph->recorded_start[graph->ranks[1].iterations[0].start_task] == 5);
  CHECK(graph->recorded_start[graph->ranks[1].iterations[1].start_task] == 125);
  CHECK(graph->recorded_start[graph->ranks[1].iterations[1].end_task] == 265);
  // The run's iterations are the first marked process's: rank 0's.
  REQUIRE(graph->iterations.size() == 2);
  CHECK(graph->recorded_start[graph->iterations[1].start_task] == 100);
  std::vector<std::string> names;
  for (const dd::Resource& r : graph->resources) names.push_back(r.name);
  CHECK(names == std::vector<std::string>{"rank 0: thread 100", "rank 1: thread 200",
                                          "rank 0: stream 7 (GPU 0)", "rank 1: stream 7 (GPU 1)"});
}

TEST_CASE("A single process has no ranks and plain resource names", "[graph][ranks]") {
  dd::test::JobMaker job;
  size_t only = job.add_rank(3, 100, 0);  // a rank number alone does not make a job
  job.step(only, 1, 0, 100);
  job.launch(only, "gemm", 10, 20, 50);
  dd::Trace& trace = job.finish();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  CHECK(graph->ranks.empty());
  CHECK(graph->resources[0].name == "thread 100");
  CHECK(graph->resources[1].name == "stream 7 (GPU 0)");
}

TEST_CASE("Ranks without rank numbers are ordered by their GPU", "[graph][ranks]") {
  dd::test::JobMaker job;
  size_t on_gpu1 = job.add_rank(-1, 300, 1);  // listed first in the trace
  size_t on_gpu0 = job.add_rank(-1, 400, 0);
  job.launch(on_gpu1, "gemm", 10, 20, 50);
  job.launch(on_gpu0, "gemm", 10, 20, 50);
  dd::Trace& trace = job.finish();
  auto graph = dd::build_graph(trace);
  REQUIRE(graph);
  REQUIRE(graph->ranks.size() == 2);
  CHECK(graph->ranks[0].label == "pid 400");
  CHECK(graph->ranks[1].label == "pid 300");
}
