// Internals of the SQLite trace writer, shared by its files (sqlite_writer*.cc): the nsys ids
// each process and thread is written under, and helpers that bind a Trace row reference as
// the columns that identify it (kNone → NULL).
#pragma once

#include <vector>

#include "collector/sqlite/sqlite_batch_insert.h"
#include "collector/sqlite/sqlite_db.h"
#include "collector/sqlite/sqlite_tables.h"
#include "collector/trace/result.h"
#include "collector/trace/trace.h"

namespace dd::sqlite_write {

class WriteContext {
 public:
  WriteContext(const Trace& trace, SqliteDb& db);

  const Trace& trace() const { return trace_; }
  // An INSERT of every column of `table`, in declaration order.
  Result<SqliteBatchInsert> insert(const sql::Table& table) {
    return SqliteBatchInsert::prepare(db_, table);
  }

  int64_t global_pid(uint32_t process) const { return global_pids_[process]; }
  int64_t global_tid(uint32_t thread) const { return global_tids_[thread]; }

  void bind_process(SqliteBatchInsert& stmt, int column, uint32_t process) const;
  void bind_thread(SqliteBatchInsert& stmt, int column, uint32_t thread) const;
  // The (globalPid, deviceId, streamId) triple that names a stream.
  void bind_stream(SqliteBatchInsert& stmt, int pid_column, int device_column, int stream_column,
                   uint32_t stream) const;

 private:
  const Trace& trace_;
  SqliteDb& db_;
  std::vector<int64_t> global_pids_;
  std::vector<int64_t> global_tids_;
};

// Event tables (sqlite_writer_events.cc): API calls, GPU ops, ranges and their links,
// synchronizations, CUDA events, memory events, iterations.
Result<void> write_events(WriteContext& context);

}  // namespace dd::sqlite_write
