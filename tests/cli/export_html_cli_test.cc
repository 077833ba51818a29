// `daydream export --perfetto` and the --html reports end to end through the built binary:
// the files they write parse and hold the promised tracks and charts, they are never written
// over an input, a bad --apply fails before the trace loads, and nothing but the command's
// own output reaches a non-terminal stderr (no progress bar).
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "daydream_runner.h"
#include "test_paths.h"

namespace {

using dd::test::run_daydream;

const std::string kVgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "dd_export_html_cli_test";
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir / name);
  return dir / name;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("export --perfetto --apply writes measured and predicted tracks", "[cli][export]") {
  auto out = scratch("vgg.perfetto.json");
  auto r = run_daydream("export " + kVgg + " --perfetto " + out.string() +
                        " --apply amp --apply fused-optimizer --replay --json");
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find('\r') == std::string::npos);  // stderr is a pipe: no progress bar
  simdjson::dom::parser summary_parser;
  auto summary = dd::test::parse(summary_parser, r.output);
  simdjson::dom::array tracks = summary["tracks"];
  REQUIRE(tracks.size() == 3);
  CHECK(std::string_view(tracks.at(0)["name"]) == "measured");
  CHECK(std::string_view(tracks.at(1)["name"]) == "replayed (simulated, unchanged)");
  CHECK(std::string_view(tracks.at(2)["name"]) == "predicted: amp + fused-optimizer");

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(out.string()).get(doc) == simdjson::SUCCESS);
  std::set<std::string> processes;
  uint64_t slices = 0;
  for (simdjson::dom::element event : doc["traceEvents"].get_array()) {
    std::string_view ph = event["ph"];
    if (ph == "X") ++slices;
    if (ph == "M" && std::string_view(event["name"]) == "process_name") {
      processes.insert(std::string(std::string_view(event["args"]["name"])));
    }
  }
  CHECK(processes == std::set<std::string>{"measured", "replayed (simulated, unchanged)",
                                           "predicted: amp + fused-optimizer"});
  CHECK(slices == uint64_t(tracks.at(0)["tasks"]) + uint64_t(tracks.at(1)["tasks"]) +
                      uint64_t(tracks.at(2)["tasks"]));
  std::filesystem::remove(out);
}

TEST_CASE("export refuses bad models, missing output and overwriting its input", "[cli][export]") {
  auto unknown = run_daydream("export /no/such/trace.json --perfetto /tmp/x.json --apply nope");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("unknown model 'nope'") != std::string::npos);
  CHECK(run_daydream("export " + kVgg).exit_code == 1);  // --perfetto is required
  auto over = run_daydream("export " + kVgg + " --perfetto " + kVgg);
  CHECK(over.exit_code == 1);
  CHECK(over.output.find("refusing to overwrite an input trace") != std::string::npos);
  CHECK(run_daydream("export /no/such/trace.json --perfetto /tmp/x.json").exit_code == 2);
}

TEST_CASE("breakdown, whatif, diff and memory --html write self-contained pages with charts",
          "[cli][html]") {
  auto breakdown_page = scratch("breakdown.html");
  auto breakdown = run_daydream("breakdown --json " + kVgg + " --html " + breakdown_page.string());
  REQUIRE(breakdown.exit_code == 0);
  simdjson::dom::parser parser;
  dd::test::parse(parser, breakdown.output);  // stdout still holds the JSON report alone

  auto whatif_page = scratch("whatif.html");
  auto whatif = run_daydream("whatif " + kVgg + " --apply amp --html " + whatif_page.string());
  REQUIRE(whatif.exit_code == 0);

  auto diff_page = scratch("diff.html");
  auto diff = run_daydream("diff --format json " + kVgg + " " + kVgg + " --html " +
                           diff_page.string());
  REQUIRE(diff.exit_code == 0);
  dd::test::parse(parser, diff.output);

  auto memory_page = scratch("memory.html");
  auto memory = run_daydream("memory " + kVgg + " --html " + memory_page.string());
  REQUIRE(memory.exit_code == 0);
  for (const auto& page : {breakdown_page, whatif_page, diff_page, memory_page}) {
    std::string html = read_file(page);
    INFO(page);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.ends_with("</html>\n"));
  }
  std::string breakdown_html = read_file(breakdown_page);
  for (const char* section : {"Operators", "GPU busy and idle", "Launch queue over the first",
                              "The measured run of", "the model&#39;s check"}) {
    INFO(section);
    CHECK(breakdown_html.find(section) != std::string::npos);
  }
  CHECK(read_file(whatif_page).find(">predicted, ") != std::string::npos);
  CHECK(read_file(diff_page).find(">new, ") != std::string::npos);
  CHECK(read_file(memory_page).find("Allocated memory over time") != std::string::npos);
  CHECK(run_daydream("breakdown " + kVgg + " --html " + kVgg).exit_code == 1);
  CHECK(run_daydream("diff " + kVgg + " " + kVgg + " --html " + kVgg).exit_code == 1);
  CHECK(run_daydream("memory " + kVgg + " --html " + kVgg).exit_code == 1);
  for (const auto& page : {breakdown_page, whatif_page, diff_page, memory_page}) {
    std::filesystem::remove(page);
  }
}
