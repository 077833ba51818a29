// `daydream whatif` comparison and renderings on hand-built graphs transformed by hand: the
// iteration times, speedup and the change per phase, layer and kernel class are worked out in
// the comments; the JSON parses and carries the promised keys.
#include "reports/whatif_report.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "reports/whatif_metrics.h"
#include "simulator/simulator.h"
#include "tiny_graph.h"
#include "transforms/primitives.h"

using dd::ChangeRow;
using dd::EdgeKind;
using dd::KernelClass;
using dd::Phase;
using dd::TaskId;
using dd::TaskKind;

namespace {

// CPU: work (20) data, launch0 (10) fwd conv1, launch1 (10) bwd fc, sync (5) other, waiting
//      for k1.
// GPU: k0 conv (100) fwd conv1, k1 gemm (50) bwd fc.
// Replay: work [0,20], launch0 [20,30], launch1 [30,40], k0 [30,130], k1 [130,180],
//         sync [180,185] -> 185.
// Prediction (k0 and work halved): work [0,10], launch0 [10,20], launch1 [20,30], k0 [20,70],
//         k1 [70,120], sync [120,125] -> 125.
struct ConvRun {
  dd::test::TinyGraph t;
  TaskId work = t.cpu_task(TaskKind::kCpuWork, 20, Phase::kData, "");
  TaskId launch0 = t.cpu_task(TaskKind::kApiCall, 10, Phase::kForward, "conv1");
  TaskId launch1 = t.cpu_task(TaskKind::kApiCall, 10, Phase::kBackward, "fc");
  TaskId sync = t.cpu_task(TaskKind::kApiCall, 5, Phase::kOther, "");
  TaskId k0 = t.gpu_op(t.gpu, 100, "conv_fwd", KernelClass::kConvolution, Phase::kForward, "conv1");
  TaskId k1 = t.gpu_op(t.gpu, 50, "sgemm", KernelClass::kGemm, Phase::kBackward, "fc");
  ConvRun() {
    t.graph.add_edge(launch0, k0, EdgeKind::kLaunch);
    t.graph.add_edge(launch1, k1, EdgeKind::kLaunch);
    t.graph.add_edge(k1, sync, EdgeKind::kHostWait);
  }
};

dd::AppliedModelSummary halving() {
  return {"scale", {{"select", "name:conv"}, {"factor", "2"}}, true, "halved"};
}

// Compares `graph` with `transformed`, the replay standing in for the measured run.
dd::WhatIfResult compare(const dd::Graph& graph, const dd::Graph& transformed,
                         std::vector<dd::AppliedModelSummary> applied) {
  dd::Timeline replay = dd::simulate(graph, 0);
  return dd::compare_whatif(graph, replay, replay, transformed, dd::simulate(transformed, 0),
                            std::move(applied));
}

dd::WhatIfResult conv_halved() {
  ConvRun run;
  dd::Graph transformed(run.t.graph);
  dd::scale_durations(transformed, std::vector<TaskId>{run.k0, run.work}, 0.5);
  return compare(run.t.graph, transformed, {halving()});
}

void check_row(const ChangeRow& row, const char* name, dd::TimeNs gpu_replay,
               dd::TimeNs gpu_predicted, dd::TimeNs cpu_replay, dd::TimeNs cpu_predicted) {
  INFO(row.name);
  CHECK(row.name == name);
  CHECK(row.gpu_replay == gpu_replay);
  CHECK(row.gpu_predicted == gpu_predicted);
  CHECK(row.cpu_replay == cpu_replay);
  CHECK(row.cpu_predicted == cpu_predicted);
}

std::string json_of(const dd::WhatIfResult& result) {
  std::ostringstream out;
  dd::print_whatif_json(result, out);
  return out.str();
}

}  // namespace

TEST_CASE("whatif compares iteration times and the change per phase, layer and class", "[whatif]") {
  dd::WhatIfResult r = conv_halved();
  CHECK(r.measured == 185);
  CHECK(r.replayed == 185);
  CHECK(r.predicted == 125);
  CHECK(r.speedup == Approx(185.0 / 125.0));
  CHECK(r.trust.error_pct == 0);
  check_row(r.total, "total", 150, 100, 45, 35);

  REQUIRE(r.phases.size() == dd::kPhaseCount);
  check_row(r.phases[static_cast<size_t>(Phase::kForward)], "forward", 100, 50, 10, 10);
  check_row(r.phases[static_cast<size_t>(Phase::kBackward)], "backward", 50, 50, 10, 10);
  check_row(r.phases[static_cast<size_t>(Phase::kData)], "data", 0, 0, 20, 10);
  check_row(r.phases[static_cast<size_t>(Phase::kOther)], "other", 0, 0, 5, 5);

  // conv1 changed most; fc not at all; the rows of work in no layer come last whatever their
  // change: data loading (the halved work), then the rest (the sync).
  REQUIRE(r.layers.size() == 4);
  check_row(r.layers[0], "conv1", 100, 50, 10, 10);
  check_row(r.layers[1], "fc", 50, 50, 10, 10);
  check_row(r.layers[2], "(data loading)", 0, 0, 20, 10);
  check_row(r.layers[3], "(unattributed)", 0, 0, 5, 5);

  REQUIRE(r.kernel_classes.size() == 2);
  check_row(r.kernel_classes[0], "convolution", 100, 50, 0, 0);
  check_row(r.kernel_classes[1], "gemm", 50, 50, 0, 0);

  CHECK(r.critical_path.replay == 185);
  CHECK(r.critical_path.predicted == 125);
}

TEST_CASE("whatif keeps the top 10 layers by change and folds the rest", "[whatif]") {
  // Layer i has one kernel of 10 * (i + 1); halving all changes layer i by 5 * (i + 1), so
  // layers 11 down to 2 are listed and layers 1 and 0 (20 + 10 -> 10 + 5) fold into one row.
  dd::test::TinyGraph t;
  std::vector<TaskId> kernels;
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back("layer" + std::to_string(i));
  for (int i = 0; i < 12; ++i) {
    kernels.push_back(
        t.gpu_op(t.gpu, 10 * (i + 1), "k", KernelClass::kOther, Phase::kForward, names[i].c_str()));
  }
  dd::Graph transformed(t.graph);
  dd::scale_durations(transformed, kernels, 0.5);
  dd::WhatIfResult r = compare(t.graph, transformed, {halving()});
  REQUIRE(r.layers.size() == dd::kTopChangedLayers + 1);
  check_row(r.layers[0], "layer11", 120, 60, 0, 0);
  check_row(r.layers[9], "layer2", 30, 15, 0, 0);
  check_row(r.layers[10], "(2 more layers)", 30, 15, 0, 0);
}

TEST_CASE("whatif JSON parses and carries the promised keys", "[whatif]") {
  std::string text = json_of(conv_halved());
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(text)).get(doc) == simdjson::SUCCESS);
  CHECK(double(doc["measured_iteration_ms"]) == Approx(185e-6));
  CHECK(double(doc["replay_iteration_ms"]) == Approx(185e-6));
  CHECK(double(doc["predicted_iteration_ms"]) == Approx(125e-6));
  CHECK(double(doc["speedup"]) == Approx(185.0 / 125.0));
  simdjson::dom::array applied = doc["applied"];
  REQUIRE(applied.size() == 1);
  CHECK(std::string_view(applied.at(0)["name"]) == "scale");
  CHECK(std::string_view(applied.at(0)["parameters"]["factor"]) == "2");
  CHECK(std::string_view(applied.at(0)["parameters"]["select"]) == "name:conv");
  CHECK(bool(applied.at(0)["applicable"]));
  CHECK(std::string_view(applied.at(0)["summary"]) == "halved");
  simdjson::dom::array phases = doc["phases"];
  CHECK(phases.size() == dd::kPhaseCount);
  simdjson::dom::element conv1 = doc["layers"].at(0);
  CHECK(std::string_view(conv1["name"]) == "conv1");
  CHECK(double(conv1["gpu_change_ms"]) == Approx(-50e-6));
  simdjson::dom::element conv = doc["kernel_classes"].at(0);
  CHECK(std::string_view(conv["name"]) == "convolution");
  CHECK(double(conv["gpu_predicted_ms"]) == Approx(50e-6));
  CHECK(double(doc["phases"].at(static_cast<size_t>(Phase::kData))["cpu_change_ms"]) ==
        Approx(-10e-6));
}

TEST_CASE("whatif text says plainly when a model could not apply, and why", "[whatif]") {
  ConvRun run;
  dd::Graph unchanged(run.t.graph);
  dd::WhatIfResult r =
      compare(run.t.graph, unchanged,
              {{"scale", {{"select", "class:attention"}}, false, "no task matches"}});
  CHECK(r.speedup == 1.0);
  std::ostringstream out;
  dd::print_whatif_text(r, out);
  std::string text = out.str();
  CHECK(text.find("scale (select=class:attention): NOT APPLICABLE, nothing changed: no task "
                  "matches") != std::string::npos);
  CHECK(text.find("No model could apply") != std::string::npos);
  CHECK(text.find("Speedup: 1.000x") != std::string::npos);
}

TEST_CASE("whatif counts GPU work by iteration, and its tables sum to their totals", "[whatif]") {
  // conv_halved: one unmarked iteration, GPU work k0 100 + k1 50 -> 50 + 50 ns.
  dd::WhatIfResult r = conv_halved();
  CHECK(r.gpu_work_replay == 150);
  CHECK(r.gpu_work_predicted == 100);
  std::ostringstream out;
  dd::print_whatif_text(r, out);
  std::string text = out.str();
  CHECK(text.find("GPU work: 0.000 -> 0.000 ms per iteration") != std::string::npos);
  CHECK(text.find("Each table sums to its total row.") != std::string::npos);
  // The layer and kernel-class tables end with the total row, as the phase table does.
  size_t classes = text.find("Per kernel class (GPU)");
  REQUIRE(classes != std::string::npos);
  CHECK(text.find("total", classes) != std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string json = json_of(r);
  REQUIRE(parser.parse(simdjson::padded_string(json)).get(doc) == simdjson::SUCCESS);
  CHECK(bool(doc["timed"]));
  CHECK(double(doc["gpu_work_replay_ms"]) == Approx(150e-6));
  CHECK(double(doc["gpu_work_predicted_ms"]) == Approx(100e-6));
}

TEST_CASE("whatif GPU work takes the later half of the iterations, by attribution",
          "[whatif]") {
  // Four iterations with one GPU op each (10, 20, 30, 40 ns): steady state is iterations 2
  // and 3, (30 + 40) / 2 = 35 ns per iteration, whatever the timeline.
  dd::test::TinyGraph t;
  for (int32_t i = 0; i < 4; ++i) {
    TaskId op = t.gpu_op(t.gpu, 10 * (i + 1), "k", KernelClass::kGemm, Phase::kForward, "");
    t.graph.iteration[op] = i;
    t.graph.iterations.push_back({i, dd::kEmptyString, op, dd::kNone});
  }
  CHECK(dd::gpu_work_per_iteration(t.graph) == 35);
  dd::Graph no_iterations(t.graph);
  no_iterations.iterations.clear();
  CHECK(dd::gpu_work_per_iteration(no_iterations) == 100);
}

TEST_CASE("whatif says a rewritten run that cannot run is not timed", "[whatif]") {
  std::vector<dd::AppliedModelSummary> applied{
      {"gpu", {{"target", "T4"}}, false, "DOES NOT FIT in memory: peak 36.6 GiB", false}};
  std::ostringstream text;
  dd::print_whatif_not_timed_text(applied, text);
  CHECK(text.str().find("Not timed: the run as rewritten by gpu cannot run (DOES NOT FIT") !=
        std::string::npos);
  CHECK(text.str().find("Speedup") == std::string::npos);
  std::ostringstream json;
  dd::print_whatif_not_timed_json(applied, json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string body = json.str();
  REQUIRE(parser.parse(simdjson::padded_string(body)).get(doc) == simdjson::SUCCESS);
  CHECK_FALSE(bool(doc["timed"]));
  CHECK(std::string_view(doc["not_timed_reason"]).find("DOES NOT FIT") == 0);
  CHECK(doc["applied"].get_array().size() == 1);
}
