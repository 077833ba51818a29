// The trust signal (reports/replay_trust.h) on a hand-built trace whose GPU op waited ~1 µs for
// something the trace does not record: the miss, its cause and its size worked out by hand,
// and the warning in the replay, what-if and diff outputs; a faithful replay raises none.
#include "reports/replay_trust.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "collector/trace/trace_builder.h"
#include "graph/graph_builder.h"
#include "reports/diff_metrics.h"
#include "reports/diff_tables.h"
#include "reports/replay_report.h"
#include "reports/whatif_metrics.h"
#include "reports/whatif_report.h"
#include "simulator/simulator.h"
#include "trace_maker.h"

namespace {

// Four launches 20 ns apart, each kernel 2 ns after its call and 10 ns long, then a device
// synchronize from 70 until 5 ns after the last kernel. With `stalled` the fourth kernel starts
// at 1000 instead of 67: nothing in the trace explains the 933 ns.
//   measured: 0 .. 1015 (stalled) or 0 .. 82;
//   replay: the fourth kernel [67,77], the synchronize runs its 5 ns after it: 0 .. 82.
dd::Trace launches(bool stalled) {
  dd::test::TraceMaker m;
  for (uint64_t i = 0; i < 4; ++i) {
    auto at = static_cast<dd::TimeNs>(20 * i);
    m.api(m.main_thread, "cudaLaunchKernel", at, at + 5, i + 1);
    dd::TimeNs start = i == 3 && stalled ? 1000 : at + 7;
    m.kernel("kernel", start, start + 10, i + 1, m.stream);
  }
  m.api(m.main_thread, "cudaDeviceSynchronize", 70, stalled ? 1015 : 82);
  dd::finish_trace(m.trace);
  return std::move(m.trace);
}

struct Replayed {
  dd::Trace trace;
  dd::Graph graph;
  dd::ReplayResult result;
  explicit Replayed(bool stalled)
      : trace(launches(stalled)), graph(std::move(*dd::build_graph(trace))),
        result(dd::compare_replay(graph, dd::measured_timeline(graph),
                                  dd::simulate(graph, dd::graph_origin(graph)))) {}
};

}  // namespace

TEST_CASE("A GPU op that waited for something unrecorded is the named cause of the miss",
          "[reports][trust]") {
  Replayed run(true);
  const dd::ReplayTrust& trust = run.result.trust;
  CHECK(run.result.measured.steady_state == 1015);
  CHECK(run.result.simulated.steady_state == 82);
  CHECK(trust.error_pct == Approx(100.0 * (82 - 1015) / 1015));
  CHECK_FALSE(trust.trusted);
  CHECK(trust.unrecorded_wait_ns == 933);  // started at 1000, allowed at 65 + 2
  REQUIRE_FALSE(trust.causes.empty());
  CHECK_THAT(trust.causes[0], Catch::StartsWith("1 GPU ops waited 0.001 ms"));
  CHECK_THAT(trust.causes.back(), Catch::Contains("no iteration markers"));

  std::ostringstream replay_text, replay_json;
  dd::print_replay_text(run.graph, run.result, replay_text);
  dd::print_replay_json(run.graph, run.result, replay_json);
  CHECK_THAT(replay_text.str(), Catch::StartsWith("WARNING: the replay misses the measured "
                                                  "iteration time by -91.9% (more than 5%)"));
  CHECK_THAT(replay_json.str(), Catch::Contains("\"trusted\": false"));

  dd::Timeline measured = dd::measured_timeline(run.graph);
  dd::Timeline replayed = dd::simulate(run.graph, dd::graph_origin(run.graph));
  dd::WhatIfResult whatif =
      dd::compare_whatif(run.graph, measured, replayed, run.graph, replayed, {});
  std::ostringstream whatif_text;
  dd::print_whatif_text(whatif, whatif_text);
  CHECK_THAT(whatif_text.str(), Catch::Contains("so the prediction, built on it, cannot be trusted"));
  CHECK_THAT(whatif_text.str(), Catch::Contains("NOT TRUSTWORTHY"));

  Replayed faithful(false);
  dd::Timeline faithful_measured = dd::measured_timeline(faithful.graph);
  dd::Timeline faithful_replayed = dd::simulate(faithful.graph, dd::graph_origin(faithful.graph));
  dd::DiffResult diff = dd::compare_runs({"base", faithful.graph, faithful_measured, faithful_replayed},
                                         {"new", run.graph, measured, replayed}, 2.0);
  std::vector<std::string> lines = dd::diff_trust_lines(diff);
  REQUIRE_FALSE(lines.empty());
  CHECK_THAT(lines[0], Catch::Contains("NEW's replay"));
}

TEST_CASE("A faithful replay raises no warning and names no cause", "[reports][trust]") {
  Replayed run(false);
  CHECK(run.result.measured.steady_state == 82);
  CHECK(run.result.simulated.steady_state == 82);
  CHECK(run.result.trust.trusted);
  CHECK(run.result.trust.causes.empty());
  CHECK(dd::trust_warning(run.result.trust, "anything").empty());
  std::ostringstream text;
  dd::print_replay_text(run.graph, run.result, text);
  CHECK_THAT(text.str(), !Catch::Contains("WARNING"));
}
