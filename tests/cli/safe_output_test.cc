// Safe output writing (cli/safe_output.h): the output appears whole or not at all, a failed
// write keeps the previous file, and inputs, directories and devices are never replaced.
#include "cli/safe_output.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collector/kineto_fixture.h"

namespace {

namespace fs = std::filesystem;

// A scratch directory holding the output; lists what is left in it.
struct OutputDir {
  dd::test::ScratchFile dir{".d"};
  OutputDir() { fs::create_directory(dir.path()); }
  std::string file(const std::string& name) const { return dir.path() + "/" + name; }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

dd::Result<void> write_text_to(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.good()) return dd::io_error(path + ": cannot write");
  return {};
}

}  // namespace

TEST_CASE("A written output appears under its name and nothing else is left", "[cli][output]") {
  OutputDir out;
  std::string seen;
  auto written = dd::cli::write_output_file(out.file("a.sqlite"), {}, [&](const std::string& p) {
    seen = p;
    return write_text_to(p, "complete");
  });
  REQUIRE(written);
  CHECK(seen != out.file("a.sqlite"));  // written elsewhere first
  CHECK(dd::test::read_bytes(out.file("a.sqlite")) == "complete");
  CHECK(out.entries() == std::vector<std::string>{"a.sqlite"});
}

TEST_CASE("A failure mid-write leaves no file and keeps the previous output", "[cli][output]") {
  OutputDir out;
  std::string target = out.file("a.sqlite");
  auto fail_halfway = [](const std::string& p) -> dd::Result<void> {
    REQUIRE(write_text_to(p, "half of a tr"));
    return dd::io_error(p + ": disk full");
  };
  SECTION("no previous file") {
    auto written = dd::cli::write_output_file(target, {}, fail_halfway);
    REQUIRE_FALSE(written);
    CHECK(written.error().message == target + ": disk full");  // named after the output
    CHECK(out.entries().empty());
  }
  SECTION("a previous file") {
    REQUIRE(write_text_to(target, "previous"));
    REQUIRE_FALSE(dd::cli::write_output_file(target, {}, fail_halfway));
    CHECK(dd::test::read_bytes(target) == "previous");
    CHECK(out.entries() == std::vector<std::string>{"a.sqlite"});
  }
}

TEST_CASE("Inputs, directories and devices are never replaced", "[cli][output]") {
  OutputDir out;
  std::string input = out.file("trace.json");
  REQUIRE(write_text_to(input, "{}"));
  auto never = [](const std::string&) -> dd::Result<void> {
    FAIL("the writer must not be called");
    return {};
  };
  auto check_refused = [&](const std::string& path, const std::string& fragment) {
    auto written = dd::cli::write_output_file(path, {input}, never);
    REQUIRE_FALSE(written);
    INFO(written.error().message);
    CHECK(written.error().kind == dd::ErrorKind::kUsage);
    CHECK_THAT(written.error().message, Catch::StartsWith(path + ": "));
    CHECK_THAT(written.error().message, Catch::Contains(fragment));
  };
  check_refused(input, "input trace");
  fs::create_symlink(input, out.file("link.json"));
  check_refused(out.file("link.json"), "input trace");  // the same file by another name
  fs::create_hard_link(input, out.file("hard.json"));
  check_refused(out.file("hard.json"), "input trace");
  check_refused(out.dir.path(), "directory");
  REQUIRE(::mkfifo(out.file("pipe").c_str(), 0600) == 0);
  check_refused(out.file("pipe"), "not a regular file");
  check_refused("/dev/null", "not a regular file");
  CHECK(dd::test::read_bytes(input) == "{}");
}

TEST_CASE("An output nobody can create fails with the output's name and leaves nothing",
          "[cli][output]") {
  OutputDir out;
  std::string target;
  fs::create_directory(out.file("locked"));
  ::chmod(out.file("locked").c_str(), 0555);
  if (::access(out.file("locked").c_str(), W_OK) != 0) {
    target = out.file("locked/a.sqlite");
  } else {  // root writes anywhere: a path below a regular file cannot be created by anyone
    REQUIRE(write_text_to(out.file("plain"), "x"));
    target = out.file("plain/a.sqlite");
  }
  auto written = dd::cli::write_output_file(
      target, {}, [](const std::string& p) { return write_text_to(p, "never"); });
  REQUIRE_FALSE(written);
  CHECK_THAT(written.error().message, Catch::StartsWith(target + ": "));
  CHECK(fs::is_empty(out.file("locked")));
  ::chmod(out.file("locked").c_str(), 0755);
}
