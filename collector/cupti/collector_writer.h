// collector_writer: writes the CUPTI collector's rows into a daydream SQLite trace as they
// come, one transaction per batch, so the file on disk is always a readable trace of what was
// collected so far. WAL journaling keeps it readable when the process is killed mid-batch
// (the last batch is then lost, never half-written); close() folds the WAL back into one file.
// Tables and columns are the trace format's own (collector/sqlite/sqlite_tables.h); metadata and
// diagnostics are rewritten whole each time they are written, so the last write wins.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "collector/cupti/collector_rows.h"
#include "collector/cupti/device_specs.h"
#include "collector/sqlite/sqlite_db.h"
#include "collector/trace/diagnostics.h"
#include "collector/trace/result.h"

namespace dd::cupti {

struct SessionInfo {
  uint32_t pid = 0;
  std::string process_name;
  int32_t rank = -1;  // -1: not part of a distributed job
};

class CollectorWriter {
 public:
  // Creates the trace at `path` (replacing a file there), with its schema and enum tables.
  static Result<CollectorWriter> create(const std::string& path, const SessionInfo& session);

  Result<void> write(const RowBatch& batch);
  // Replaces DD_META's rows of these names and the whole of DD_DIAGNOSTICS.
  Result<void> write_status(const std::map<std::string, std::string>& metadata,
                            const Diagnostics& diagnostics);
  // Indexes for the reader's joins, then a single-file database (journal mode DELETE).
  Result<void> close();

 private:
  CollectorWriter(SqliteDb db, const SessionInfo& session);
  Result<void> write_rows(const RowBatch& batch);
  Result<void> write_status_rows(const std::map<std::string, std::string>& metadata,
                                 const Diagnostics& diagnostics);

  SqliteDb db_;
  int64_t global_pid_ = 0;
  uint32_t pid_ = 0;
};

}  // namespace dd::cupti
