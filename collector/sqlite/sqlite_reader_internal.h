// Internals of the SQLite trace reader, shared by its files (sqlite_reader*.cc): typed access
// to a result row that marks the row malformed instead of failing, and the ReadContext that
// selects a table's columns by name and maps the file's ids (globalPid, globalTid, streams,
// string ids, enum ids) to Trace rows.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collector/sqlite/nsys_enums.h"
#include "collector/sqlite/sqlite_db.h"
#include "collector/sqlite/sqlite_tables.h"
#include "collector/trace/result.h"
#include "collector/trace/trace.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace/trace_time.h"

namespace dd::sqlite_read {

// The current row of a SELECT built by ReadContext::select. Getters take the column's position
// in the table declaration. A value of the wrong type (or a NULL where one is required) marks
// the row invalid; the caller then drops it and it is counted as malformed.
class Row {
 public:
  static constexpr int kMaxColumns = 32;

  Row(sqlite3_stmt* stmt, int columns) : stmt_(stmt), columns_(columns) {}

  bool valid() const { return valid_; }
  // Starts on the statement's current row: fetches each column's value once.
  void load() {
    valid_ = true;
    for (int column = 0; column < columns_; ++column) {
      values_[column] = sqlite3_column_value(stmt_, column);
    }
  }
  void invalidate() { valid_ = false; }
  bool is_null(int column) const { return sqlite3_value_type(value(column)) == SQLITE_NULL; }

  int64_t required_int(int column) {
    sqlite3_value* v = value(column);
    if (sqlite3_value_type(v) != SQLITE_INTEGER) valid_ = false;
    return sqlite3_value_int64(v);
  }
  // A recorded time (trace_time.h): an integer within the trace time range.
  TimeNs required_time(int column) {
    int64_t time = required_int(column);
    if (!is_trace_time(time)) valid_ = false;
    return time;
  }
  int64_t optional_int(int column, int64_t fallback) {
    sqlite3_value* v = value(column);
    int type = sqlite3_value_type(v);
    if (type == SQLITE_NULL) return fallback;
    if (type != SQLITE_INTEGER) valid_ = false;
    return sqlite3_value_int64(v);
  }
  double optional_real(int column, double fallback) {
    sqlite3_value* v = value(column);
    int type = sqlite3_value_type(v);
    if (type == SQLITE_NULL) return fallback;
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) valid_ = false;
    return sqlite3_value_double(v);
  }
  std::string_view optional_text(int column) {
    sqlite3_value* v = value(column);
    int type = sqlite3_value_type(v);
    if (type == SQLITE_NULL) return {};
    if (type != SQLITE_TEXT) valid_ = false;
    return text(v);
  }
  std::string_view required_text(int column) {
    sqlite3_value* v = value(column);
    if (sqlite3_value_type(v) != SQLITE_TEXT) valid_ = false;
    return text(v);
  }
  // The rowid, selected after the table's declared columns.
  int64_t rowid(int column_count) const { return sqlite3_column_int64(stmt_, column_count); }

 private:
  sqlite3_value* value(int column) const { return values_[column]; }
  static std::string_view text(sqlite3_value* v) {
    const unsigned char* data = sqlite3_value_text(v);
    if (data == nullptr) return {};
    return {reinterpret_cast<const char*>(data), static_cast<size_t>(sqlite3_value_bytes(v))};
  }

  sqlite3_stmt* stmt_;
  int columns_;
  std::array<sqlite3_value*, kMaxColumns> values_{};
  bool valid_ = true;
};

constexpr size_t widest_table() {
  size_t widest = 0;
  for (const sql::Table& table : sql::kWrittenTables) {
    widest = std::max(widest, table.columns.size());
  }
  return widest;
}
static_assert(Row::kMaxColumns >= widest_table(), "Row must hold every column of a table");

// A file's ENUM_* ids → the meaning of their names (nsys_enums.h).
class EnumMap {
 public:
  EnumMap() = default;
  explicit EnumMap(const NsysEnum& nsys_enum) : unknown_(nsys_enum.unknown_value) {}
  void set(int64_t id, uint8_t value);
  uint8_t get(int64_t id) const {
    return id >= 0 && static_cast<uint64_t>(id) < values_.size() ? values_[id] : unknown_;
  }

 private:
  std::vector<uint8_t> values_;
  uint8_t unknown_ = 0;
};

class ReadContext {
 public:
  ReadContext(SqliteDb& db, Trace& trace, std::unordered_set<std::string> tables);

  Trace& trace() { return trace_; }
  bool has_table(std::string_view name) const { return tables_.contains(std::string(name)); }
  // Daydream traces must have our DD_* tables and dd* columns; nsys exports never do.
  void set_daydream(bool daydream) { daydream_ = daydream; }
  bool daydream() const { return daydream_; }

  // SELECT of `table`'s declared columns in declaration order (NULL where an optional column
  // is missing) plus the rowid, in rowid order; nullopt when the table is missing or lacks a
  // required column. Both are counted in diagnostics.
  Result<std::optional<SqliteStatement>> select(const sql::Table& table);

  // Calls `on_row(Row&)` for every row of `table`; rows the callback leaves invalid are
  // counted as malformed.
  template <typename OnRow>
  Result<void> read_table(const sql::Table& table, OnRow&& on_row);

  uint32_t process(int64_t global_pid);
  uint32_t thread(int64_t global_tid);
  // Registers a thread whose full tid is known (ThreadNames.ddTid).
  uint32_t add_thread(int64_t global_tid, int64_t tid);
  uint32_t stream(int64_t global_pid, int64_t device, int64_t stream_id);
  uint32_t device(uint32_t process, int64_t device_id);
  // Row references; kNone where the columns are NULL. A stream is named by (globalPid,
  // deviceId, streamId); CUPTI's "not applicable" stream id also reads as no stream.
  uint32_t process_at(Row& row, int column);
  uint32_t thread_at(Row& row, int column);
  uint32_t stream_at(Row& row, int pid_column, int device_column, int stream_column);
  // Reads a string-id column (NULL = empty string).
  StringId string(Row& row, int column);
  StringId intern(std::string_view text) { return trace_.strings.intern(text); }

  Result<void> load_strings();
  Result<void> load_enums();
  const EnumMap& event_classes() const { return event_classes_; }
  const EnumMap& nvtx_event_types() const { return nvtx_event_types_; }
  const EnumMap& memcpy_kinds() const { return memcpy_kinds_; }
  const EnumMap& sync_types() const { return sync_types_; }
  const EnumMap& memory_kinds() const { return memory_kinds_; }
  const EnumMap& memory_operations() const { return memory_operations_; }

  void count(std::string_view name, Severity severity, uint64_t n = 1) {
    if (n > 0) trace_.diagnostics.add(name, severity, n);
  }
  // Names, in diagnostics notes about `path`, the tables the file lacks and the tables not
  // read for want of a required column (counted as they were met).
  void note_missing(const std::string& path);

 private:
  struct StreamKey {
    int64_t process;
    int64_t device;
    int64_t stream_id;
    bool operator==(const StreamKey&) const = default;
  };
  struct StreamKeyHash {
    size_t operator()(const StreamKey& key) const {
      auto mix = [](uint64_t seed, int64_t value) {
        return (seed ^ static_cast<uint64_t>(value)) * 0x100000001B3ull;  // FNV-1a style
      };
      return mix(mix(mix(0xCBF29CE484222325ull, key.process), key.device), key.stream_id);
    }
  };
  bool expected(std::string_view table, std::string_view column = {}) const;
  Result<EnumMap> load_enum(const NsysEnum& nsys_enum);

  SqliteDb& db_;
  Trace& trace_;
  TraceBuilder builder_;
  std::unordered_set<std::string> tables_;
  std::set<std::string> missing_tables_;
  std::set<std::string> unread_tables_;  // "TABLE (no COLUMN)"
  bool daydream_ = false;
  std::unordered_map<int64_t, uint32_t> processes_;
  std::unordered_map<int64_t, uint32_t> threads_;
  std::unordered_map<StreamKey, uint32_t, StreamKeyHash> streams_;
  int64_t last_global_tid_ = 0;  // one-entry caches: consecutive rows mostly share these
  uint32_t last_thread_ = kNone;
  StreamKey last_stream_key_{};
  uint32_t last_stream_ = kNone;
  std::vector<StringId> strings_;                         // file string id → pool id, dense
  std::unordered_map<int64_t, StringId> sparse_strings_;  // for ids far past the row count
  EnumMap event_classes_, nvtx_event_types_, memcpy_kinds_, sync_types_, memory_kinds_,
      memory_operations_;
};

template <typename OnRow>
Result<void> ReadContext::read_table(const sql::Table& table, OnRow&& on_row) {
  auto stmt = select(table);
  if (!stmt) return std::unexpected(stmt.error());
  if (!stmt->has_value()) return {};
  Row row((*stmt)->get(), static_cast<int>(table.columns.size()));
  uint64_t malformed = 0;
  while (true) {
    auto more = (*stmt)->step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    row.load();
    on_row(row);
    if (!row.valid()) ++malformed;
  }
  count("sqlite_malformed_row", Severity::kDataLoss, malformed);
  return {};
}

// The enumerator named `name` among the values up to `last` of a Trace enum with a name
// function (range_kind_name, ...).
template <typename E>
std::optional<E> enum_from_name(std::string_view name, std::string_view (*name_of)(E), E last) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (name_of(static_cast<E>(i)) == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Sorting rows read from several tables into their key order (ddOpId, range ids).
std::vector<uint32_t> order_by_key(const std::vector<int64_t>& keys);  // empty: already sorted
template <typename T>
void apply_order(std::vector<T>& column, const std::vector<uint32_t>& order) {
  std::vector<T> sorted;
  sorted.reserve(column.size());
  for (uint32_t i : order) sorted.push_back(column[i]);
  column = std::move(sorted);
}
template <typename Table>
void apply_row_order(Table& table, const std::vector<uint32_t>& order) {
  Table sorted;
  for (uint32_t i : order) sorted.append(table.row(i));
  table = std::move(sorted);
}

// Trace tables by group, in the order their rows must be created.
Result<void> read_entities(ReadContext& context);  // processes, threads, streams, devices
Result<void> read_events(ReadContext& context);    // API calls, GPU ops, syncs, events, memory
Result<void> read_ranges(ReadContext& context);    // NVTX and DD ranges, links
Result<void> read_iterations(ReadContext& context);

}  // namespace dd::sqlite_read
