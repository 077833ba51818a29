// Reports of a job of several ranks on the hand-made two-rank job (job_traces.h): replay rows
// per rank and the job's (slowest rank's) iterations; a breakdown per rank on the rank's own
// tasks, never the ranks' sum; collectives matched across ranks with who arrived last.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "graph/graph_builder.h"
#include "job_traces.h"
#include "reports/html/breakdown_page.h"
#include "reports/job_breakdown.h"
#include "reports/perfetto_export.h"
#include "reports/rank_view.h"
#include "reports/replay_report.h"
#include "reports/whatif_metrics.h"
#include "simulator/simulator.h"

namespace {

struct Job {
  dd::Trace trace = dd::test::two_rank_training_job();
  dd::Graph graph = *dd::build_graph(trace);
  dd::Timeline measured = dd::measured_timeline(graph);
};

dd::TimeNs class_time(const dd::Breakdown& b, dd::KernelClass k) {
  for (const dd::BreakdownRow& row : b.kernel_classes) {
    if (row.name == dd::kernel_class_name(k)) return row.gpu_time;
  }
  return 0;
}

}  // namespace

TEST_CASE("A rank view holds one rank's tasks and iterations", "[reports][ranks]") {
  Job job;
  dd::RankView view = dd::rank_view(job.graph, 1);
  dd::Timeline timeline = view.only_rank(job.measured);
  CHECK(view.graph.ranks.empty());
  REQUIRE(view.graph.iterations.size() == 2);
  CHECK(view.graph.recorded_start[view.graph.iterations[0].start_task] == 5);
  for (dd::TaskId t = 0; t < job.graph.task_count(); ++t) {
    bool rank1 = job.graph.resources[job.graph.resource[t]].process == job.graph.ranks[1].process;
    CHECK((timeline.start[t] != dd::kNotRun) == rank1);
  }
  for (const dd::Resource& r : view.graph.resources) {
    CHECK((r.first != dd::kNone) == (r.process == job.graph.ranks[1].process));
  }
}

TEST_CASE("A job's breakdown is per rank: each on its own steady-state iteration",
          "[reports][ranks]") {
  Job job;
  // The measured timeline stands in for the replay too: exact by hand.
  auto breakdown = dd::compute_job_breakdown(job.graph, job.measured, job.measured);
  REQUIRE(breakdown);
  REQUIRE(breakdown->ranks.size() == 2);
  // Steady state: each rank's second iteration. Rank 0 [100, 200): gemm 30 + AllReduce 20;
  // rank 1 [125, 265): gemm 28 + AllReduce 25. Never the 103 of both.
  const dd::Breakdown& r0 = breakdown->ranks[0].breakdown;
  const dd::Breakdown& r1 = breakdown->ranks[1].breakdown;
  CHECK(r0.steady_state == 100);
  CHECK(r1.steady_state == 140);
  CHECK(r0.gpu_time == 50);
  CHECK(r1.gpu_time == 53);
  CHECK(class_time(r0, dd::KernelClass::kCommunication) == 20);
  CHECK(class_time(r1, dd::KernelClass::kCommunication) == 25);
  CHECK(r0.gpu.all_streams.busy == 50);
  CHECK(r1.gpu.all_streams.busy == 53);
  CHECK(r1.gpu.streams.size() == 1);  // only rank 1's stream
  CHECK(breakdown->slowest == 1);
  CHECK(breakdown->analysed == 1);

  auto chosen = dd::compute_job_breakdown(job.graph, job.measured, job.measured, {}, "0");
  REQUIRE(chosen);
  CHECK(chosen->analysed == 0);
  CHECK(dd::compute_job_breakdown(job.graph, job.measured, job.measured, {}, "rank 1")->analysed ==
        1);
  auto missing = dd::compute_job_breakdown(job.graph, job.measured, job.measured, {}, "5");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == dd::ErrorKind::kUsage);
  CHECK_THAT(missing.error().message, Catch::Contains("ranks: rank 0, rank 1"));
}

TEST_CASE("Collectives are matched across ranks with the last to arrive", "[reports][ranks]") {
  Job job;
  dd::CollectiveSummary c = dd::compute_collectives(job.graph);
  CHECK(c.ranks == std::vector<std::string>{"rank 0", "rank 1"});
  REQUIRE(c.collectives.size() == 2);
  // First AllReduce: rank 0 starts at 60, rank 1 at 80: rank 1 last, skew 20, both end at 90.
  CHECK(c.collectives[0].start == std::vector<dd::TimeNs>{60, 80});
  CHECK(c.collectives[0].last_rank == 1);
  CHECK(c.collectives[0].skew == 20);
  CHECK(c.collectives[0].end_spread == 0);
  // Second: rank 0 at 170, rank 1 at 165: rank 0 last, skew 5.
  CHECK(c.collectives[1].last_rank == 0);
  CHECK(c.collectives[1].skew == 5);
  // Rank 0: 30 + 20 in collectives, 20 of it waiting for rank 1; rank 1: 10 + 25, 5 waiting.
  CHECK(c.per_rank[0].time == 50);
  CHECK(c.per_rank[0].waiting == 20);
  CHECK(c.per_rank[1].time == 35);
  CHECK(c.per_rank[1].waiting == 5);
  CHECK(c.per_rank[0].arrived_last == 1);
  CHECK(c.per_rank[1].arrived_last == 1);
  CHECK(c.median_skew == 12);  // midpoint of 5 and 20, in whole ns
  CHECK(c.max_skew == 20);
  CHECK(c.unmatched == 0);
  CHECK(dd::most_skewed(c, 1).front() == &c.collectives[0]);
}

TEST_CASE("Replay of a job: the slowest rank's iterations and every rank's rows",
          "[reports][ranks]") {
  Job job;
  dd::ReplayResult replay =
      dd::compare_replay(job.graph, job.measured, dd::simulate(job.graph, dd::graph_origin(job.graph)));
  std::ostringstream json;
  dd::print_replay_json(job.graph, replay, json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(simdjson::padded_string(json.str()));
  CHECK(double(doc["measured_iteration_ms"]) == 140e-6);
  simdjson::dom::array iterations = doc["iterations"];
  REQUIRE(iterations.size() == 2);
  CHECK(std::string_view(iterations.at(0)["slowest_rank"]) == "rank 1");
  CHECK(double(iterations.at(0)["measured_ms"]) == 120e-6);
  simdjson::dom::array ranks = doc["ranks"];
  REQUIRE(ranks.size() == 2);
  CHECK(std::string_view(ranks.at(0)["label"]) == "rank 0");
  CHECK(double(ranks.at(0)["measured_iteration_ms"]) == 100e-6);
  CHECK(double(ranks.at(1)["iterations"].at(1)["measured_ms"]) == 140e-6);

  std::ostringstream text;
  dd::print_replay_text(job.graph, replay, text);
  CHECK(text.str().find("slowest rank") != std::string::npos);
  CHECK(text.str().find("Per rank") != std::string::npos);
}

TEST_CASE("Perfetto tracks and HTML lanes of a job carry the rank", "[reports][ranks]") {
  Job job;
  dd::ExportedTimeline measured{"measured", &job.graph, &job.measured, false};
  std::ostringstream perfetto;
  REQUIRE(dd::write_perfetto_trace({&measured, 1}, 0, perfetto).written);
  simdjson::dom::parser parser;
  std::set<std::string> tracks;
  simdjson::dom::element doc = parser.parse(simdjson::padded_string(perfetto.str()));
  for (simdjson::dom::element event : doc["traceEvents"].get_array()) {
    std::string_view name;
    if (event["name"].get(name) == simdjson::SUCCESS && name == "thread_name") {
      tracks.insert(std::string(std::string_view(event["args"]["name"])));
    }
  }
  CHECK(tracks == std::set<std::string>{"rank 0: thread 100", "rank 1: thread 200",
                                        "rank 0: stream 7 (GPU 0)", "rank 1: stream 7 (GPU 1)"});

  auto breakdown = dd::compute_job_breakdown(job.graph, job.measured, job.measured);
  REQUIRE(breakdown);
  dd::RankView view = dd::rank_view(job.graph, breakdown->analysed);
  std::ostringstream html;
  dd::html::write_breakdown_html(breakdown->ranks[breakdown->analysed].breakdown, view.graph,
                                 view.only_rank(job.measured), "job", html);
  CHECK(html.str().find("rank 1: stream 7 (GPU 1)") != std::string::npos);
  CHECK(html.str().find("rank 0: stream 7") == std::string::npos);  // one rank's lanes
}

TEST_CASE("A what-if of a job counts its slowest rank's work, never the ranks' sum",
          "[reports][ranks]") {
  Job job;
  // The measured timeline stands in for the replay and the prediction: exact by hand. Rank 1
  // is the slowest (140); its steady-state GPU work is gemm 28 + AllReduce 25 (rank 0's 50
  // would make the sum 103).
  dd::WhatIfResult w =
      dd::compare_whatif(job.graph, job.measured, job.measured, job.graph, job.measured, {});
  CHECK(w.replayed == 140);
  CHECK(w.predicted == 140);
  CHECK(w.gpu_work_replay == 53);
  CHECK(w.total.gpu_replay == 53);
  CHECK_THAT(w.scope, Catch::EndsWith("on rank 1's tasks"));
}
