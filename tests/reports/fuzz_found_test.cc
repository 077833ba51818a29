// Every input the fuzzers (fuzz/) ever found to break daydream, replayed through the same run
// and contract checks as the fuzz target that found it (fuzz/fuzz_checks.h). The inputs live in
// tests/data/fuzz_found/<target>/, named after what they broke; under the sanitizer build
// (scripts/test.sh) a regression shows up as a sanitizer report, in any build as a broken
// contract (an error that does not name the file, a task never run).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "fuzz/fuzz_checks.h"
#include "test_paths.h"

namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const std::map<std::string, std::function<std::string(const std::string&)>> kChecks = {
    {"kineto_json_fuzzer", dd::fuzz::check_kineto_file},
    {"sqlite_reader_fuzzer", dd::fuzz::check_sqlite_file},
    {"graph_builder_fuzzer", dd::fuzz::check_pipeline_file},
    {"apply_parser_fuzzer",
     [](const std::string& path) {
       return dd::fuzz::check_apply_texts(file_text(path), DD_FUZZ_APPLY_TRACE);
     }},
};

}  // namespace

TEST_CASE("Inputs the fuzzers found run through with every contract kept", "[fuzz-found]") {
  namespace fs = std::filesystem;
  size_t replayed = 0;
  for (const auto& directory : fs::directory_iterator(dd::test::test_data_path("fuzz_found"))) {
    std::string target = directory.path().filename().string();
    INFO(target);
    REQUIRE(kChecks.contains(target));
    for (const auto& input : fs::directory_iterator(directory.path())) {
      INFO(input.path().string());
      CHECK(kChecks.at(target)(input.path().string()).empty());
      ++replayed;
    }
  }
  CHECK(replayed > 0);
}
