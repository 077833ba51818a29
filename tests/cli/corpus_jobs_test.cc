// The corpus's multi-rank traces (../shared/corpus; skipped where it is absent) load and report
// as jobs: ranks 0 and 1 of one 128-rank recommender job (two Kineto files), and a 2-GPU Nsight
// export (one file, two processes). The job's measured iterations are checked against the
// ProfilerStep events read straight from the JSON: each rank's iteration i lasts from its
// ProfilerStep#i to its #i+1 (the last to its own end), and the job's is the slowest rank's.
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

#include "collector/kineto_fixture.h"
#include "daydream_runner.h"

namespace {

const std::string kCorpus = DD_CORPUS_DIR;
const std::string kRank0 =
    kCorpus + "/facebookresearch__HolisticTraceAnalysis__tests__data__timeline_analysis__sampled_rank-0.json.gz";
const std::string kRank1 =
    kCorpus + "/facebookresearch__HolisticTraceAnalysis__tests__data__trace_filter__sampled_rank-1.json.gz";
const std::string kNsys2Gpu = kCorpus + "/GindaChen__nsys-ai__tests__fixtures__mfu_2gpu_before.sqlite";

bool have_corpus() {
  if (std::filesystem::exists(kRank0) && std::filesystem::exists(kRank1) &&
      std::filesystem::exists(kNsys2Gpu)) {
    return true;
  }
  WARN("skipped: no corpus at " << kCorpus);
  return false;
}

// ProfilerStep number -> (ts, dur) in µs, from the trace's own JSON.
std::map<int, std::pair<int64_t, int64_t>> profiler_steps(const std::string& path) {
  std::string text = dd::test::gunzip(path);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(simdjson::padded_string(text));
  std::map<int, std::pair<int64_t, int64_t>> steps;
  for (simdjson::dom::element event : doc["traceEvents"].get_array()) {
    std::string_view name;
    if (event["name"].get(name) != simdjson::SUCCESS || !name.starts_with("ProfilerStep#")) continue;
    int number = std::stoi(std::string(name.substr(13)));
    steps[number] = {int64_t(double(event["ts"])), int64_t(double(event["dur"]))};
  }
  return steps;
}

// Each iteration's time in ms: to the next step's start, the last to its own end.
std::vector<double> iteration_ms(const std::map<int, std::pair<int64_t, int64_t>>& steps) {
  std::vector<double> ms;
  for (auto it = steps.begin(); it != steps.end(); ++it) {
    auto next = std::next(it);
    int64_t us = next == steps.end() ? it->second.second : next->second.first - it->second.first;
    ms.push_back(static_cast<double>(us) / 1e3);
  }
  return ms;
}

}  // namespace

TEST_CASE("Corpus: two rank files of one job replay as a job", "[cli][ranks][corpus]") {
  if (!have_corpus()) return;
  std::vector<double> rank0 = iteration_ms(profiler_steps(kRank0));
  std::vector<double> rank1 = iteration_ms(profiler_steps(kRank1));
  REQUIRE(rank0.size() == 2);
  REQUIRE(rank1.size() == 2);
  auto r = dd::test::run_daydream("replay --json " + kRank0 + " " + kRank1);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = dd::test::parse(parser, r.output);
  simdjson::dom::array iterations = doc["iterations"];
  REQUIRE(iterations.size() == 2);
  simdjson::dom::array ranks = doc["ranks"];
  REQUIRE(ranks.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    INFO("iteration " << i);
    // Whole µs in the JSON, so exact up to the double printing of ms.
    CHECK(double(ranks.at(0)["iterations"].at(i)["measured_ms"]) == Approx(rank0[i]).epsilon(0).margin(1e-9));
    CHECK(double(ranks.at(1)["iterations"].at(i)["measured_ms"]) == Approx(rank1[i]).epsilon(0).margin(1e-9));
    CHECK(double(iterations.at(i)["measured_ms"]) ==
          Approx(std::max(rank0[i], rank1[i])).epsilon(0).margin(1e-9));
  }
}

TEST_CASE("Corpus: info and breakdown of the rank files report a job", "[cli][ranks][corpus]") {
  if (!have_corpus()) return;
  auto info = dd::test::run_daydream("info " + kRank0 + " " + kRank1);
  REQUIRE(info.exit_code == 0);
  CHECK(info.output.find("job: 2 ranks: rank 0, rank 1") != std::string::npos);
  auto breakdown = dd::test::run_daydream("breakdown --json " + kRank0 + " " + kRank1);
  REQUIRE(breakdown.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = dd::test::parse(parser, breakdown.output);
  CHECK(simdjson::dom::array(doc["ranks"]).size() == 2);
  CHECK(uint64_t(doc["collectives"]["matched"]) == 10);  // 10 NCCL kernels on each rank
  // The analysed rank's GPU time per iteration is at most its iteration: one rank, not a sum.
  simdjson::dom::element analysed = doc["breakdown"];
  CHECK(double(analysed["gpu_ms"]) < 2 * double(analysed["iteration_ms"]));
}

TEST_CASE("Corpus: a 2-GPU Nsight export is a job of two processes", "[cli][ranks][corpus]") {
  if (!have_corpus()) return;
  auto info = dd::test::run_daydream("info --json " + kNsys2Gpu);
  REQUIRE(info.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = dd::test::parse(parser, info.output);
  simdjson::dom::array ranks = doc["ranks"];
  REQUIRE(ranks.size() == 2);
  CHECK(std::string_view(ranks.at(0)["label"]).starts_with("pid "));
  // Only the two processes that ran CUDA work are listed; the export's other 15 are counted.
  CHECK(simdjson::dom::array(doc["processes"]).size() == 2);
  CHECK(uint64_t(doc["processes_not_listed"]) == 15);
}
