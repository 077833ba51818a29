// guarded_writer: the collector's writes under its policy for a disk that fills up or fails
// while a program is being recorded. The first failed write stops all writing: SQLite rolled
// that batch's transaction back, so the file keeps every batch committed before it and stays a
// readable trace (its write-ahead log stays beside it, and the reader opens such a file as
// is). The batches that come after are counted, with their rows, and reported on `messages`
// when the session ends, since the trace itself can no longer take them. The program being
// recorded carries on either way.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "collector/cupti/collector_rows.h"
#include "collector/cupti/collector_writer.h"
#include "collector/trace/diagnostics.h"

namespace dd::cupti {

class GuardedWriter {
 public:
  GuardedWriter(CollectorWriter writer, std::FILE* messages);

  void write(const RowBatch& batch);
  void write_status(const std::map<std::string, std::string>& metadata,
                    const Diagnostics& diagnostics);
  // Closes the trace; after a failure, says on `messages` what was lost instead.
  void close();

  bool failed() const { return !failure_.empty(); }
  uint64_t lost_batches() const { return lost_batches_; }
  uint64_t lost_rows() const { return lost_rows_; }

 private:
  void fail(const std::string& message);

  CollectorWriter writer_;
  std::FILE* messages_;
  std::string failure_;
  uint64_t lost_batches_ = 0;
  uint64_t lost_rows_ = 0;
};

}  // namespace dd::cupti
