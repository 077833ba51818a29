// The Kineto importer on inputs that are not (whole) traces: each gives one error that names
// the file and says what is wrong — never a crash, an exception or a silent partial load.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "collector/kineto_fixture.h"
#include "test_paths.h"

namespace {

constexpr const char* kSmallTrace = R"json({"traceEvents": [
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1,
   "ts": 10, "dur": 5, "args": {"correlation": 1}},
  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
   "args": {"device": 0, "stream": 7, "correlation": 1}}
]})json";

dd::Error import_error(const std::string& path) {
  dd::Trace trace;
  dd::TraceBuilder builder(trace);
  auto imported = dd::import_kineto_file(path, builder);
  REQUIRE_FALSE(imported);
  return imported.error();
}

void check_error(const std::string& path, const std::string& fragment,
                 dd::ErrorKind kind = dd::ErrorKind::kBadInput) {
  dd::Error error = import_error(path);
  INFO(error.message);
  CHECK(error.kind == kind);
  CHECK_THAT(error.message, Catch::StartsWith(path + ": "));
  CHECK_THAT(error.message, Catch::Contains(fragment));
  CHECK(error.message.find('\n') == std::string::npos);
}

void check_json_error(const std::string& json, const std::string& fragment) {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), json);
  check_error(file.path(), fragment);
}

}  // namespace

TEST_CASE("Kineto bad input: missing file, directory, special file", "[collector][kineto]") {
  dd::test::ScratchFile missing(".json");
  check_error(missing.path(), "no such file", dd::ErrorKind::kIo);

  dd::test::ScratchFile directory(".d");
  std::filesystem::create_directory(directory.path());
  check_error(directory.path(), "is a directory");

  dd::test::ScratchFile fifo(".fifo");
  REQUIRE(::mkfifo(fifo.path().c_str(), 0600) == 0);
  check_error(fifo.path(), "not a regular file");  // and no blocking on open
}

TEST_CASE("Kineto bad input: unreadable file", "[collector][kineto]") {
  dd::test::ScratchFile file(".json");
  dd::test::write_text(file.path(), kSmallTrace);
  REQUIRE(::chmod(file.path().c_str(), 0) == 0);
  if (::access(file.path().c_str(), R_OK) == 0) {
    WARN("running with permission to read a mode-000 file (root?): case not checked");
    return;
  }
  check_error(file.path(), "cannot open", dd::ErrorKind::kIo);
}

TEST_CASE("Kineto bad input: empty files", "[collector][kineto]") {
  dd::test::ScratchFile empty(".json");
  dd::test::write_text(empty.path(), "");
  check_error(empty.path(), "empty file");

  dd::test::ScratchFile empty_gzip(".json.gz");
  dd::test::write_gzip(empty_gzip.path(), "");
  check_error(empty_gzip.path(), "empty file");

  check_json_error("  \n\t ", "invalid JSON");
}

TEST_CASE("Kineto bad input: gzip data damaged before any event", "[collector][kineto]") {
  std::string bytes =
      dd::test::read_bytes(dd::test::trace_path("vgg13_h100_iter41.pt.trace.json.gz"));
  REQUIRE(bytes.size() > 1000);
  dd::test::ScratchFile corrupt(".json.gz");
  std::string damaged = bytes;
  for (size_t i = 100; i < 200; ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  dd::test::write_text(corrupt.path(), damaged);
  check_error(corrupt.path(), "corrupt gzip data");

  dd::test::ScratchFile header_only(".json.gz");  // the gzip header and nothing inflatable
  dd::test::write_text(header_only.path(), bytes.substr(0, 12));
  check_error(header_only.path(), "truncated gzip");
}

TEST_CASE("Kineto bad input: invalid JSON", "[collector][kineto]") {
  check_json_error(R"json({"traceEvents": [{"ph": "X",, "cat": "kernel"}]})json", "invalid JSON");
  check_json_error(R"json({"traceEvents": [{"ph": "X" "cat": "kernel"}]})json", "invalid JSON");
  check_json_error(R"json({"traceEvents": [] "x": 1})json", "invalid JSON");
  check_json_error(R"json({"traceEvents": []} {"traceEvents": []})json", "invalid JSON");
}

TEST_CASE("Kineto bad input: no readable event is an error", "[collector][kineto]") {
  check_json_error("[1, 2, 3]", "no readable trace event (3 malformed");
  check_json_error(R"json({"traceEvents": []})json", "no readable trace event");
  check_json_error(R"json({"traceEvents": [{"ph": "M", "name": "process_name", "pid": 1,
                                           "args": {"name": "python"}}]})json",
                   "no readable trace event");
  check_json_error(R"json({"traceEvents": [{"ph": "X", "cat": "no such category", "name": "a",
                                           "pid": 1, "tid": 1, "ts": 1, "dur": 1}]})json",
                   "1 of unknown categories");
}
TEST_CASE("Kineto bad input: valid JSON that is not a trace", "[collector][kineto]") {
  check_json_error(R"json({"schemaVersion": 1, "deviceProperties": []})json", "not a Kineto trace");
  check_json_error(R"json({"traceEvents": {"ph": "X"}})json", "traceEvents is an object");
  check_json_error(R"json({"traceEvents": 3})json", "traceEvents is a number");
  check_json_error("42", "not a Kineto trace");
  check_json_error(R"json("a string")json", "not a Kineto trace");
  check_json_error("null", "not a Kineto trace");
}

TEST_CASE("Kineto: the small trace used above imports cleanly", "[collector][kineto]") {
  // Guards the truncation cases: they fail because of the cut, not because of the fixture.
  dd::Trace trace = dd::test::import_json(kSmallTrace);
  CHECK(trace.api_calls.size() == 1);
  CHECK(trace.gpu_ops.size() == 1);
  CHECK(trace.diagnostics.empty());
}
