// The command-line contract, end to end through the built `daydream` binary: exit codes, the
// one-line error naming the file, and the keys every --json output promises.
#include <simdjson.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_paths.h"

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run_daydream(const std::string& arguments) {
  std::string command = std::string(DD_DAYDREAM_BIN) + " " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  REQUIRE(parser.parse(simdjson::padded_string(text)).get(doc) == simdjson::SUCCESS);
  return doc;
}

const std::string kResnet = dd::test::trace_path("resnet50_v100_rank0.pt.trace.json.gz");

}  // namespace

TEST_CASE("Bad input exits 2 with one line naming the file", "[cli]") {
  auto dir = std::filesystem::temp_directory_path() / "dd_cli_test";
  std::filesystem::create_directories(dir);
  std::string empty = (dir / "empty.json").string();
  std::ofstream(empty).close();
  std::string text = (dir / "notes.txt").string();
  std::ofstream(text) << "not a trace\n";
  for (const std::string& path : {empty, text, (dir / "missing.json").string(), dir.string()}) {
    for (const char* command : {"info", "replay", "breakdown"}) {
      CommandResult r = run_daydream(std::string(command) + " " + path);
      INFO(command << " " << path << " -> " << r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.find(path) != std::string::npos);
      CHECK(r.output.find("daydream: error: ") == 0);
      CHECK(r.output.find('\n') == r.output.size() - 1);
    }
  }
}

TEST_CASE("Usage errors exit 1", "[cli]") {
  CHECK(run_daydream("").exit_code == 1);
  CHECK(run_daydream("replay").exit_code == 1);
  CHECK(run_daydream("info --no-such-flag " + kResnet).exit_code == 1);
  CHECK(run_daydream("replay --iteration-marker no_such_range " + kResnet).exit_code == 1);
}

TEST_CASE("info --json has the promised keys and the independently counted events", "[cli]") {
  CommandResult r = run_daydream("info --json " + kResnet);
  REQUIRE(r.exit_code == 0);
  simdjson::dom::parser parser;
  auto doc = parse(parser, r.output);
  CHECK(std::string_view(doc["format"]) == "kineto-json");
  CHECK(std::string_view(doc["devices"].at(0)["name"]) == "Tesla V100-SXM2-32GB");
  CHECK(uint64_t(doc["counts"]["kernels"]) == 4350);
  CHECK(uint64_t(doc["counts"]["memcpy"]) == 1600);
  CHECK(uint64_t(doc["counts"]["memset"]) == 145);
  CHECK(uint64_t(doc["counts"]["runtime"]) == 15329);
  CHECK(uint64_t(doc["counts"]["ranges"]) == 23910 + 70 + 15);
  CHECK(uint64_t(doc["counts"]["memory_events"]) == 0);
  simdjson::dom::array iterations = doc["iterations"];
  REQUIRE(iterations.size() == 5);
  CHECK(std::string_view(iterations.at(0)["name"]) == "ProfilerStep#101");
  CHECK(int64_t(iterations.at(0)["duration_ns"]) == 35'115'869);
  CHECK(doc["diagnostics"].is_object());
}

TEST_CASE("replay --json and breakdown --json have the promised keys", "[cli]") {
  simdjson::dom::parser parser;
  CommandResult replay = run_daydream("replay --json " + kResnet);
  REQUIRE(replay.exit_code == 0);
  auto doc = parse(parser, replay.output);
  double measured = doc["measured_iteration_ms"];
  double simulated = doc["simulated_iteration_ms"];
  double error = doc["error_pct"];
  CHECK(measured == Approx(95.699037));
  CHECK(error == Approx(100.0 * (simulated - measured) / measured));
  simdjson::dom::array iterations = doc["iterations"];
  CHECK(iterations.size() == 5);
  CHECK(double(iterations.at(4)["measured_ms"]) == Approx(95.699037));
  CHECK(iterations.at(4)["simulated_ms"].is_double());

  CommandResult breakdown = run_daydream("breakdown --json " + kResnet);
  REQUIRE(breakdown.exit_code == 0);
  simdjson::dom::parser parser2;
  auto b = parse(parser2, breakdown.output);
  CHECK(std::string_view(b["verdict"]) == "GPU-bound");
  for (const char* key : {"phases", "layers", "kernel_classes", "top_kernels"}) {
    CHECK(b[key].is_array());
  }
}

TEST_CASE("import writes a daydream trace that replays to the same numbers", "[cli]") {
  auto out = std::filesystem::temp_directory_path() / "dd_cli_import.sqlite";
  std::filesystem::remove(out);
  std::string vgg = dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz");
  REQUIRE(run_daydream("import " + vgg + " -o " + out.string()).exit_code == 0);
  CommandResult from_json = run_daydream("replay --json " + vgg);
  CommandResult from_sqlite = run_daydream("replay --json " + out.string());
  REQUIRE(from_sqlite.exit_code == 0);
  CHECK(from_json.output == from_sqlite.output);
  CHECK(run_daydream("import " + vgg + " -o " + vgg).exit_code == 1);  // never over an input
  std::filesystem::remove(out);
}

TEST_CASE("The same input gives byte-identical output", "[cli]") {
  CommandResult first = run_daydream("breakdown --json " + kResnet);
  CommandResult second = run_daydream("breakdown --json " + kResnet);
  CHECK(first.output == second.output);
}
