// The SQLite reader on a real daydream trace damaged one table at a time: each table dropped,
// and each table's every column overwritten with text, NULL, a BLOB, the most negative
// integer and a huge real. Every variant reads with the damage counted, or fails with an
// error naming the file; what reads goes on through the graph builder and the simulator
// without a crash or a task left behind.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "collector/kineto_fixture.h"
#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite/sqlite_writer.h"
#include "graph/graph_builder.h"
#include "simulator/simulator.h"

namespace {

// One iteration with every table the writer fills: launches, kernels, a copy, a memset, a
// device sync, CPU ops with a forward-backward link, and a memory event.
constexpr const char* kTrace = R"json({"traceEvents": [
  {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 1,
   "ts": 0, "dur": 200},
  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 5, "dur": 20,
   "args": {"External id": 3, "Sequence number": 9}},
  {"ph": "X", "cat": "cpu_op", "name": "MmBackward0", "pid": 1, "tid": 1, "ts": 100, "dur": 20,
   "args": {"External id": 4, "Sequence number": 9}},
  {"ph": "s", "cat": "fwdbwd", "id": 9, "pid": 1, "tid": 1, "ts": 5},
  {"ph": "f", "cat": "fwdbwd", "id": 9, "pid": 1, "tid": 1, "ts": 100, "bp": "e"},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 10,
   "dur": 5, "args": {"correlation": 1, "External id": 3}},
  {"ph": "X", "cat": "kernel", "name": "volta_sgemm_128x64_nn", "pid": 0, "tid": 7, "ts": 20,
   "dur": 30, "args": {"device": 0, "stream": 7, "correlation": 1, "grid": [4, 1, 1]}},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemcpyAsync", "pid": 1, "tid": 1, "ts": 60,
   "dur": 5, "args": {"correlation": 2}},
  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pageable -> Device)", "pid": 0,
   "tid": 7, "ts": 70, "dur": 10, "args": {"device": 0, "stream": 7, "correlation": 2,
   "bytes": 4096}},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaMemsetAsync", "pid": 1, "tid": 1, "ts": 105,
   "dur": 5, "args": {"correlation": 5}},
  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 112,
   "dur": 3, "args": {"device": 0, "stream": 7, "correlation": 5}},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaDeviceSynchronize", "pid": 1, "tid": 1,
   "ts": 150, "dur": 30, "args": {"correlation": 6}},
  {"ph": "i", "s": "t", "cat": "cpu_instant_event", "name": "[memory]", "pid": 1, "tid": 1,
   "ts": 8, "args": {"Device Type": 1, "Device Id": 0, "Bytes": 512, "Addr": 77,
   "Total Allocated": 512, "Total Reserved": 2048}}
]})json";

std::vector<std::string> query_texts(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> texts;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    texts.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return texts;
}

// Reads `path`; a Trace must survive the graph builder and a simulation with every task run.
void check_reads_or_names_file(const std::string& path) {
  auto trace = dd::read_sqlite_trace(path);
  if (!trace) {
    INFO(trace.error().message);
    CHECK(trace.error().kind == dd::ErrorKind::kBadInput);
    CHECK_THAT(trace.error().message, Catch::StartsWith(path));
    return;
  }
  dd::finish_trace(*trace);
  auto graph = dd::build_graph(*trace);
  if (!graph) return;  // nothing left to build from: an error the CLI reports with the path
  dd::Timeline timeline = dd::simulate(*graph, dd::graph_origin(*graph));
  CHECK(timeline.forced_starts == 0);
  for (dd::TaskId t = 0; t < graph->task_count(); ++t) {
    CHECK(timeline.end[t] >= timeline.start[t]);
  }
}

}  // namespace

TEST_CASE("SQLite adversarial: every table dropped or retyped in turn",
          "[collector][sqlite][adversarial]") {
  dd::test::ScratchFile original(".sqlite");
  REQUIRE(dd::write_sqlite_trace(dd::test::import_json(kTrace), original.path()));
  REQUIRE(dd::test::make_sqlite_db(original.path(), "PRAGMA page_size = 4096; VACUUM;").empty());
  std::vector<std::string> tables =
      query_texts(original.path(), "SELECT name FROM sqlite_master WHERE type = 'table'");
  REQUIRE(tables.size() >= 15);

  const std::vector<std::string> values = {"'x'", "NULL", "x'00ff'", "-9223372036854775808",
                                           "1e308"};
  dd::test::ScratchFile damaged(".sqlite");
  for (const std::string& table : tables) {
    std::vector<std::string> columns =
        query_texts(original.path(), "SELECT name FROM pragma_table_info('" + table + "')");
    std::vector<std::string> edits = {"DROP TABLE \"" + table + "\";"};
    for (const std::string& value : values) {
      std::string assignments;
      for (const std::string& column : columns) {
        assignments += (assignments.empty() ? "" : ", ") + ("\"" + column + "\" = " + value);
      }
      edits.push_back("UPDATE \"" + table + "\" SET " + assignments + ";");
    }
    for (const std::string& edit : edits) {
      INFO(edit);
      std::filesystem::copy_file(original.path(), damaged.path(),
                                 std::filesystem::copy_options::overwrite_existing);
      std::string error = dd::test::make_sqlite_db(damaged.path(), edit);
      if (!error.empty()) continue;  // a constraint refused the value: nothing to read
      check_reads_or_names_file(damaged.path());
    }
  }
}

TEST_CASE("SQLite adversarial: reading leaves nothing beside the file and ignores stale side files",
          "[collector][sqlite][adversarial]") {
  dd::Trace trace = dd::test::import_json(kTrace);
  dd::test::ScratchFile directory(".d");
  std::filesystem::create_directory(directory.path());
  // '?' and '#' would end a SQLite URI's path if they were not encoded.
  std::string path = directory.path() + "/odd?name#1%.sqlite";
  REQUIRE(dd::write_sqlite_trace(trace, path));
  sqlite3* db = nullptr;  // a database in WAL mode, its log folded back at close
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  REQUIRE_FALSE(std::filesystem::exists(path + "-wal"));

  auto read = dd::read_sqlite_trace(path);
  REQUIRE(read);
  CHECK(read->gpu_ops.size() == trace.gpu_ops.size());
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(path + "-shm"));

  // An empty log and a garbage shared-memory index beside the file, as a killed writer of some
  // other database might leave them, change nothing.
  dd::test::write_text(path + "-wal", "");
  dd::test::write_text(path + "-shm", std::string(32768, '\x5a'));
  auto with_stale_files = dd::read_sqlite_trace(path);
  REQUIRE(with_stale_files);
  CHECK(with_stale_files->gpu_ops.size() == trace.gpu_ops.size());
  CHECK(dd::test::read_bytes(path + "-shm") == std::string(32768, '\x5a'));
}
