// `daydream advise` end to end on the bundled traces: every row it ranks predicts what
// `daydream whatif` with the row's models predicts, row for row, and every row it could not
// apply is one whatif calls not applicable; the cost per 1000 iterations follows from the
// iteration time and the price; the HTML page is written.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "bundled_traces.h"
#include "daydream_runner.h"

namespace {

using dd::test::parse;
using dd::test::run_daydream;

std::string applies_of(simdjson::dom::element row) {
  std::string arguments;
  for (simdjson::dom::element apply : row["applies"].get_array()) {
    arguments += " --apply " + std::string(std::string_view(apply));
  }
  return arguments;
}

// `daydream advise ARGUMENTS --json`, which must succeed, parsed by `parser`.
simdjson::dom::element advise_json(simdjson::dom::parser& parser, const std::string& arguments) {
  auto advised = run_daydream("advise " + arguments + " --json");
  REQUIRE(advised.exit_code == 0);
  return parse(parser, advised.output);
}

void check_rows_agree_with_whatif(const std::string& trace) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = advise_json(parser, trace + " --gpus A100");
  size_t ranked = 0;
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    INFO(trace << ":" << applies_of(row));
    bool tried = row["tried"];
    if (!tried) continue;
    auto predicted = run_daydream("whatif " + trace + applies_of(row) + " --json");
    REQUIRE(predicted.exit_code == 0);
    simdjson::dom::parser whatif_parser;
    simdjson::dom::element whatif = parse(whatif_parser, predicted.output);
    if (!row["rank"].is_null()) {
      ++ranked;
      CHECK(double(whatif["predicted_iteration_ms"]) == double(row["predicted_iteration_ms"]));
      CHECK(double(whatif["speedup"]) == double(row["speedup"]));
      continue;
    }
    bool all_applied = true;
    for (simdjson::dom::element applied : whatif["applied"].get_array()) {
      all_applied = all_applied && bool(applied["applicable"]);
    }
    CHECK((!all_applied || !bool(whatif["timed"])));
  }
  CHECK(ranked > 0);
}

}  // namespace

TEST_CASE("advise ranks what whatif predicts, row for row, on every bundled trace",
          "[cli][advise]") {
  for (const char* trace : {"resnet50_v100_rank0.pt.trace.json.gz", "matmul_v100_memory.pt.trace.json.gz",
                            "vgg13_h100_iter41.pt.trace.json.gz", "resnet50_h100_record.sqlite"}) {
    check_rows_agree_with_whatif(std::string(DD_TRACES_DIR) + "/" + trace);
  }
}

TEST_CASE("advise prices the GPU sweep from --price and writes its page", "[cli][advise]") {
  std::string trace = std::string(DD_TRACES_DIR) + "/resnet50_v100_rank0.pt.trace.json.gz";
  auto html = std::filesystem::temp_directory_path() / "daydream_advise_test.html";
  std::filesystem::remove(html);
  simdjson::dom::parser parser;
  simdjson::dom::element doc =
      advise_json(parser, trace + " --gpus H100 --price H100=3.6,V100=1.8 --html " + html.string());
  bool found_h100 = false;
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    if (applies_of(row) != " --apply gpu:target=H100") continue;
    found_h100 = true;
    // $3.6 per hour is $0.001 per second: 1000 iterations of t ms cost t / 1000 dollars.
    CHECK(double(row["usd_per_1000_iterations"]) ==
          Approx(double(row["predicted_iteration_ms"]) / 1000.0));
  }
  CHECK(found_h100);
  REQUIRE(std::filesystem::exists(html));
  CHECK(std::filesystem::file_size(html) > 1000);
  std::filesystem::remove(html);

  auto bad = run_daydream("advise " + trace + " --price H100");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.output, Catch::Contains("expected GPU=DOLLARS_PER_HOUR"));
}

TEST_CASE("advise trusts a move to another vendor's GPU less, and says why", "[cli][advise]") {
  std::string trace = std::string(DD_TRACES_DIR) + "/resnet50_v100_rank0.pt.trace.json.gz";
  simdjson::dom::parser parser;
  simdjson::dom::element doc = advise_json(parser, trace + " --gpus MI300X,H100");
  size_t seen = 0;
  for (simdjson::dom::element row : doc["rows"].get_array()) {
    std::string applies = applies_of(row);
    if (applies != " --apply gpu:target=MI300X" && applies != " --apply gpu:target=H100") continue;
    ++seen;
    bool across = applies.find("MI300X") != std::string::npos;  // the trace's GPU is a V100
    INFO(applies);
    CHECK((std::string_view(row["confidence_level"]) == "LOW") == across);
    CHECK((std::string_view(row["confidence"]).find("another vendor's kernel libraries") !=
           std::string_view::npos) == across);
  }
  CHECK(seen == 2);
}
