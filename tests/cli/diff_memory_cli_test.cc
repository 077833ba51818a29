// `daydream diff` and `daydream memory` end to end through the built binary, on the small
// bundled VGG-13 trace: exit codes (0 unchanged, 3 regressed, 2 no allocator events), the
// promised JSON keys, well-formed JUnit XML, Markdown, and -o through the safe writer.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collector/sqlite/sqlite_writer.h"
#include "collector/trace_loader.h"
#include "daydream_runner.h"
#include "slowed_trace.h"
#include "test_paths.h"

namespace {

using dd::test::CommandResult;
using dd::test::run_daydream;

const std::string kVgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");

std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / "dd_diff_memory_cli_test";
  std::filesystem::create_directories(dir);
  return dir;
}

// VGG-13 with every kernel 50% slower, written once as a daydream SQLite trace.
const std::string& slowed_vgg() {
  static const std::string path = [] {
    auto trace = dd::load_trace({kVgg});
    REQUIRE(trace);
    dd::test::slow_down(*trace, [](uint32_t) { return true; }, 1.5);
    std::string out = (scratch_dir() / "vgg13_slowed.sqlite").string();
    std::filesystem::remove(out);
    REQUIRE(dd::write_sqlite_trace(*trace, out));
    return out;
  }();
  return path;
}

// A minimal well-formedness check: tags nest and close, attribute values are quoted, and
// text holds no raw '<' and no '&' outside an entity.
bool well_formed_xml(const std::string& xml) {
  std::vector<std::string> open;
  size_t i = 0;
  if (xml.starts_with("<?xml")) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      size_t semicolon = xml.find(';', i);
      std::string entity = xml.substr(i, semicolon == std::string::npos ? 0 : semicolon - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;") {
        return false;
      }
      i = semicolon + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    size_t close = i + 1;
    char quote = 0;
    for (; close < xml.size() && (quote != 0 || xml[close] != '>'); ++close) {
      if (quote == 0 && (xml[close] == '"' || xml[close] == '\'')) {
        quote = xml[close];
      } else if (xml[close] == quote) {
        quote = 0;
      } else if (quote != 0 && xml[close] == '<') {
        return false;
      }
    }
    if (close >= xml.size()) return false;
    std::string tag = xml.substr(i + 1, close - i - 1);
    if (tag.starts_with("/")) {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (!tag.ends_with("/")) {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    i = close + 1;
  }
  return open.empty();
}

}  // namespace

TEST_CASE("diff of a trace with itself exits 0 in every format", "[cli][diff]") {
  CommandResult text = run_daydream("diff " + kVgg + " " + kVgg);
  INFO(text.output);
  CHECK(text.exit_code == 0);
  CHECK(text.output.find("): no change\n") != std::string::npos);

  CommandResult json = run_daydream("diff --format json " + kVgg + " " + kVgg);
  REQUIRE(json.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(json.output)).get(doc) == simdjson::SUCCESS);
  CHECK(double(doc["base_iteration_ms"]) == double(doc["new_iteration_ms"]));
  CHECK(double(doc["change_pct"]) == 0.0);
  CHECK(bool(doc["regressed"]) == false);
  simdjson::dom::array contributors = doc["contributors"];
  CHECK(contributors.size() > 0);
  for (simdjson::dom::element c : contributors) {
    CHECK(!std::string_view(c["name"]).empty());
    CHECK(!std::string_view(c["kind"]).empty());
    CHECK(double(c["delta_ms"]) == 0.0);
  }

  CommandResult junit = run_daydream("diff --format junit " + kVgg + " " + kVgg);
  CHECK(junit.exit_code == 0);
  CHECK(well_formed_xml(junit.output));
  CHECK(junit.output.find("failures=\"0\"") != std::string::npos);

  CommandResult md = run_daydream("diff --format md " + kVgg + " " + kVgg);
  CHECK(md.exit_code == 0);
  CHECK(md.output.starts_with("### daydream diff: "));
  CHECK(md.output.find("| --- |") != std::string::npos);
}

TEST_CASE("diff against a slower copy exits 3 and names the slower kernels", "[cli][diff]") {
  CommandResult json = run_daydream("diff --format json " + kVgg + " " + slowed_vgg());
  INFO(json.output);
  REQUIRE(json.exit_code == 3);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(json.output)).get(doc) == simdjson::SUCCESS);
  CHECK(bool(doc["regressed"]));
  CHECK(double(doc["change_pct"]) > 20.0);
  simdjson::dom::array contributors = doc["contributors"];
  double previous = 1e300;
  for (simdjson::dom::element c : contributors) {  // largest |delta| first
    double delta = std::abs(double(c["delta_ms"]));
    CHECK(delta <= previous);
    previous = delta;
  }
  CHECK(std::string_view(contributors.at(0)["kind"]) == "kernel_class");

  CommandResult junit = run_daydream("diff --format junit " + kVgg + " " + slowed_vgg());
  CHECK(junit.exit_code == 3);
  CHECK(well_formed_xml(junit.output));
  CHECK(junit.output.find("<failure message=\"regressed: ") != std::string::npos);

  // A threshold above the slowdown lets it pass.
  CHECK(run_daydream("diff --threshold 90 " + kVgg + " " + slowed_vgg()).exit_code == 0);
}

TEST_CASE("diff -o writes the report safely and never over an input", "[cli][diff]") {
  std::string report = (scratch_dir() / "diff.md").string();
  std::filesystem::remove(report);
  CommandResult written = run_daydream("diff --format md -o " + report + " " + kVgg + " " + kVgg);
  CHECK(written.exit_code == 0);
  std::ifstream in(report);
  std::string first_line;
  std::getline(in, first_line);
  CHECK(first_line.starts_with("### daydream diff: "));

  std::string copy = (scratch_dir() / "vgg_copy.json.gz").string();
  std::filesystem::copy_file(kVgg, copy, std::filesystem::copy_options::overwrite_existing);
  auto size = std::filesystem::file_size(copy);
  CommandResult refused = run_daydream("diff -o " + copy + " " + kVgg + " " + copy);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("refusing to overwrite an input trace") != std::string::npos);
  CHECK(std::filesystem::file_size(copy) == size);
  CHECK(run_daydream("diff --format yaml " + kVgg + " " + kVgg).exit_code == 1);
}

TEST_CASE("memory --json has the peak and the categories", "[cli][memory]") {
  CommandResult r = run_daydream("memory --json " + kVgg);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(r.output)).get(doc) == simdjson::SUCCESS);
  int64_t peak = int64_t(doc["peak_bytes"]);
  CHECK(peak > 0);
  int64_t total = 0;
  for (auto [name, bytes] : simdjson::dom::object(doc["categories"])) total += int64_t(bytes);
  CHECK(total == peak);
  CHECK(simdjson::dom::array(doc["series"]["time_ms"]).size() > 0);
}

TEST_CASE("memory of a trace without allocator events exits 2 and says why", "[cli][memory]") {
  std::string path = (scratch_dir() / "no_memory.json").string();
  std::ofstream(path) << R"({"traceEvents": [
    {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 7, "tid": 8,
     "ts": 20, "dur": 5, "args": {"correlation": 1}},
    {"ph": "X", "cat": "kernel", "name": "add_kernel", "pid": 0, "tid": 7, "ts": 30, "dur": 4,
     "args": {"correlation": 1, "stream": 7, "device": 0}}]})";
  CommandResult r = run_daydream("memory " + path);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(path) != std::string::npos);
  CHECK(r.output.find("no memory allocation events") != std::string::npos);
}
