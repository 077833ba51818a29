// The SQLite reader on inputs that are not (good) traces: each gives an error that names the
// file, or reads with the bad rows counted — never a crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite/sqlite_writer.h"
#include "collector/sqlite_fixture.h"

namespace {

void require_bad_input(const std::string& path, const std::string& fragment) {
  auto read = dd::read_sqlite_trace(path);
  REQUIRE_FALSE(read);
  INFO(read.error().message);
  CHECK(read.error().kind == dd::ErrorKind::kBadInput);
  CHECK_THAT(read.error().message, Catch::Contains(path));
  CHECK_THAT(read.error().message, Catch::Contains(fragment));
}

// A small valid daydream trace: one process, thread, stream, two API calls and a kernel.
void write_small_trace(const std::string& path) {
  dd::Trace trace;
  uint32_t process = trace.processes.append({10, dd::kEmptyString, -1});
  uint32_t thread = trace.threads.append({process, 11, dd::kEmptyString});
  uint32_t stream = trace.streams.append({process, 0, 7, dd::kEmptyString});
  for (int i = 0; i < 200; ++i) {
    trace.api_calls.append({i * 10, i * 10 + 5, thread, static_cast<uint64_t>(i),
                            trace.strings.intern("cudaLaunchKernel"), dd::ApiSource::kRuntime, 211,
                            0});
  }
  dd::GpuOpRow kernel;
  kernel.stream = stream;
  kernel.name = trace.strings.intern("kernel");
  trace.gpu_ops.append(kernel);
  REQUIRE(dd::write_sqlite_trace(trace, path));
}

}  // namespace

TEST_CASE("Files that are not SQLite traces give an error naming the file", "[collector][sqlite]") {
  dd::test::ScratchFile file(".sqlite");

  SECTION("missing file") {
    require_bad_input(file.path(), "no such file");
  }
  SECTION("empty file") {
    std::ofstream(file.path()).flush();
    require_bad_input(file.path(), "empty");
  }
  SECTION("text file") {
    std::ofstream(file.path()) << "just some text, certainly not a database\n";
    require_bad_input(file.path(), "SQLite");
  }
  SECTION("directory") {
    std::filesystem::create_directory(file.path());
    require_bad_input(file.path(), "directory");
  }
  SECTION("an SQLite database with unrelated tables") {
    REQUIRE(dd::test::make_sqlite_db(file.path(),
                                     "CREATE TABLE users (id INTEGER, name TEXT);"
                                     "INSERT INTO users VALUES (1, 'ada');")
                .empty());
    require_bad_input(file.path(), "is an SQLite database but not a trace");
  }
  SECTION("StringIds alone is not an nsys export") {
    REQUIRE(dd::test::make_sqlite_db(file.path(),
                                     "CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT);")
                .empty());
    require_bad_input(file.path(), "not a trace");
  }
  SECTION("a truncated trace (its first KiB)") {
    dd::test::ScratchFile whole(".sqlite");
    write_small_trace(whole.path());
    std::ifstream in(whole.path(), std::ios::binary);
    std::string head(1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(file.path(), std::ios::binary) << head;
    require_bad_input(file.path(), "");
  }
}

TEST_CASE("A trace cut short in its table pages is an error, not a crash", "[collector][sqlite]") {
  dd::test::ScratchFile whole(".sqlite");
  write_small_trace(whole.path());
  auto size = std::filesystem::file_size(whole.path());
  dd::test::ScratchFile cut(".sqlite");
  std::filesystem::copy_file(whole.path(), cut.path());
  std::filesystem::resize_file(cut.path(), size - 4096);
  auto read = dd::read_sqlite_trace(cut.path());
  if (!read) {
    CHECK_THAT(read.error().message, Catch::Contains(cut.path()));
  } else {
    CHECK(read->api_calls.size() <= 200);
  }
}

TEST_CASE("Rows with NULL or wrongly typed required values are counted and skipped",
          "[collector][sqlite]") {
  dd::test::ScratchFile file(".sqlite");
  REQUIRE(dd::test::make_sqlite_db(file.path(), R"sql(
    CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO StringIds VALUES (1, 'cudaLaunchKernel'), (2, 'k');
    CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start, end, eventClass, globalTid,
      correlationId, nameId, returnValue);
    INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES
      (10, 20, 0, 5 * 16777216 + 6, 1, 1, 0),
      ('ten', 20, 0, 5 * 16777216 + 6, 2, 1, 0),
      (30, NULL, 0, 5 * 16777216 + 6, 3, 1, 0),
      (40, 50, 0, 5 * 16777216 + 6, 4, 'not an id', 0),
      (60, 70, 0, 5 * 16777216 + 6, 5, 999, 0),
      (80, 90, 0.5, 5 * 16777216 + 6, 6, 1, 0);
    CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start, end, deviceId, streamId, globalPid,
      demangledName, gridX);
    INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES
      (100, 110, 0, 7, 5 * 16777216, 2, 1),
      (120, 130, 0, NULL, 5 * 16777216, 2, 1),
      (140, 150, 0, 7, 5 * 16777216, 2, x'00ff');
    CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start, end, deviceId, globalPid);
  )sql")
              .empty());
  auto read = dd::read_sqlite_trace(file.path());
  INFO((read ? std::string() : read.error().message));
  REQUIRE(read);
  // Runtime: 'ten', NULL end, a text nameId and a REAL eventClass are malformed; the unknown
  // string id 999 keeps the row with an empty name.
  CHECK(read->api_calls.size() == 2);
  CHECK(read->api_calls.correlation[0] == 1);
  CHECK(read->str(read->api_calls.name[1]).empty());
  CHECK(read->diagnostics.count("sqlite_unknown_string_id") == 1);
  // Kernel: NULL streamId and a BLOB grid are malformed.
  CHECK(read->gpu_ops.size() == 1);
  CHECK(read->diagnostics.count("sqlite_malformed_row") == 6);
  CHECK(read->diagnostics.counters().at("sqlite_malformed_row").severity ==
        dd::Severity::kDataLoss);
  // The memcpy table lacks required columns (streamId): skipped as a whole, and counted.
  CHECK(read->diagnostics.count("sqlite_missing_required_column") == 1);
}
