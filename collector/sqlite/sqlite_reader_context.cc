// ReadContext: column selection by name, id mapping and ENUM_*/StringIds loading for the
// SQLite trace reader (see sqlite_reader_internal.h).
#include <algorithm>
#include <numeric>

#include "collector/sqlite/sqlite_reader_internal.h"

namespace dd::sqlite_read {

namespace {

constexpr StringId kUnmappedString = UINT32_MAX;
// String ids up to this far past the last one stay in the dense map.
constexpr int64_t kDenseStringSlack = 1 << 20;
constexpr int64_t kMaxEnumId = 1 << 16;

}  // namespace

void EnumMap::set(int64_t id, uint8_t value) {
  if (id < 0 || id >= kMaxEnumId) return;
  if (static_cast<size_t>(id) >= values_.size()) values_.resize(id + 1, unknown_);
  values_[id] = value;
}

ReadContext::ReadContext(SqliteDb& db, Trace& trace, std::unordered_set<std::string> tables)
    : db_(db), trace_(trace), builder_(trace), tables_(std::move(tables)) {}

bool ReadContext::expected(std::string_view table, std::string_view column) const {
  return daydream_ || (!sql::is_extension(table) && !sql::is_extension(column));
}

Result<std::optional<SqliteStatement>> ReadContext::select(const sql::Table& table) {
  const std::string table_name(table.name);
  if (!has_table(table_name)) {
    if (expected(table.name) && missing_tables_.insert(table_name).second) {
      count("sqlite_missing_table", Severity::kInfo);
    }
    return std::nullopt;
  }
  auto present = db_.column_names(table_name);
  if (!present) return std::unexpected(present.error());
  std::string sql = "SELECT ";
  uint64_t missing = 0;
  for (const sql::Column& column : table.columns) {
    std::string name(column.name);
    if (column.role == sql::Role::kWriteOnly) {
      sql += "NULL, ";  // keeps column positions; nothing to decode
    } else if (present->contains(name)) {
      sql += "\"" + name + "\", ";
    } else if (column.role == sql::Role::kRequired) {
      count("sqlite_missing_required_column", Severity::kDataLoss);
      unread_tables_.insert(table_name + " (no " + name + ")");
      return std::nullopt;
    } else {
      sql += "NULL, ";
      if (expected(table.name, column.name)) ++missing;
    }
  }
  count("sqlite_missing_column", Severity::kInfo, missing);
  auto stmt = db_.prepare(sql + "rowid FROM \"" + table_name + "\" ORDER BY rowid");
  if (!stmt) return std::unexpected(stmt.error());
  return std::optional<SqliteStatement>(std::move(*stmt));
}

void ReadContext::note_missing(const std::string& path) {
  auto list = [](const std::set<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
  };
  if (!missing_tables_.empty()) {
    trace_.diagnostics.note(Severity::kInfo,
                            path + ": tables this file does not have (what they would record is "
                                   "not in the trace): " + list(missing_tables_));
  }
  if (!unread_tables_.empty()) {
    trace_.diagnostics.note(Severity::kDataLoss,
                            path + ": tables not read, for want of a column they need: " +
                                list(unread_tables_));
  }
}

uint32_t ReadContext::process(int64_t global_pid) {
  int64_t key = sql::process_of_global(global_pid);
  auto [it, inserted] = processes_.try_emplace(key, 0);
  if (inserted) it->second = trace_.processes.append({pid_of_global(key), kEmptyString, -1});
  return it->second;
}

uint32_t ReadContext::thread(int64_t global_tid) {
  if (global_tid == last_global_tid_ && last_thread_ != kNone) return last_thread_;
  auto it = threads_.find(global_tid);
  uint32_t index =
      it != threads_.end() ? it->second : add_thread(global_tid, tid_of_global(global_tid));
  last_global_tid_ = global_tid;
  last_thread_ = index;
  return index;
}

uint32_t ReadContext::add_thread(int64_t global_tid, int64_t tid) {
  uint32_t index = builder_.thread(process(global_tid), tid);
  threads_.try_emplace(global_tid, index);
  return index;
}

uint32_t ReadContext::stream(int64_t global_pid, int64_t device, int64_t stream_id) {
  StreamKey key{sql::process_of_global(global_pid), device, stream_id};
  if (key == last_stream_key_ && last_stream_ != kNone) return last_stream_;
  auto [it, inserted] = streams_.try_emplace(key, 0);
  if (inserted) {
    it->second = builder_.stream(process(global_pid), static_cast<int32_t>(device), stream_id);
  }
  last_stream_key_ = key;
  last_stream_ = it->second;
  return it->second;
}

uint32_t ReadContext::device(uint32_t process_index, int64_t device_id) {
  return builder_.device(process_index, static_cast<int32_t>(device_id));
}

uint32_t ReadContext::process_at(Row& row, int column) {
  if (row.is_null(column)) return kNone;
  int64_t global = row.optional_int(column, 0);
  return row.valid() ? process(global) : kNone;
}

uint32_t ReadContext::thread_at(Row& row, int column) {
  if (row.is_null(column)) return kNone;
  int64_t global = row.optional_int(column, 0);
  return row.valid() ? thread(global) : kNone;
}

uint32_t ReadContext::stream_at(Row& row, int pid_column, int device_column, int stream_column) {
  constexpr int64_t kNotApplicable = UINT32_MAX;  // CUPTI_SYNCHRONIZATION_INVALID_VALUE
  if (row.is_null(pid_column) || row.is_null(device_column) || row.is_null(stream_column)) {
    return kNone;
  }
  int64_t global = row.optional_int(pid_column, 0);
  int64_t device = row.optional_int(device_column, 0);
  int64_t stream_id = row.optional_int(stream_column, 0);
  if (!row.valid() || stream_id == kNotApplicable || stream_id == -1) return kNone;
  return stream(global, device, stream_id);
}

StringId ReadContext::string(Row& row, int column) {
  if (row.is_null(column)) return kEmptyString;
  int64_t id = row.optional_int(column, 0);
  StringId found = kUnmappedString;
  if (id >= 0 && static_cast<uint64_t>(id) < strings_.size()) {
    found = strings_[id];
  } else if (auto it = sparse_strings_.find(id); it != sparse_strings_.end()) {
    found = it->second;
  }
  if (found != kUnmappedString) return found;
  if (row.valid()) count("sqlite_unknown_string_id", Severity::kWarning);
  return kEmptyString;
}

Result<void> ReadContext::load_strings() {
  namespace s = sql::strings;
  return read_table(s::kTable, [&](Row& row) {
    int64_t id = row.required_int(s::kId);
    std::string_view value = row.required_text(s::kValue);
    if (!row.valid()) return;
    StringId interned = intern(value);
    if (id >= 0 && id < static_cast<int64_t>(strings_.size()) + kDenseStringSlack) {
      if (static_cast<size_t>(id) >= strings_.size()) strings_.resize(id + 1, kUnmappedString);
      strings_[id] = interned;
    } else {
      sparse_strings_[id] = interned;
    }
  });
}

Result<EnumMap> ReadContext::load_enum(const NsysEnum& nsys_enum) {
  namespace e = sql::enum_rows;
  EnumMap map(nsys_enum);
  bool present = has_table(nsys_enum.table);
  auto read = read_table(sql::Table{nsys_enum.table, sql::kEnumColumns}, [&](Row& row) {
    int64_t id = row.required_int(e::kId);
    std::string_view name = row.required_text(e::kName);
    if (!row.valid()) return;
    auto entry = std::find_if(nsys_enum.entries.begin(), nsys_enum.entries.end(),
                              [&](const NsysEnumEntry& known) { return known.name == name; });
    map.set(id, entry != nsys_enum.entries.end() ? entry->value : nsys_enum.unknown_value);
  });
  if (!read) return std::unexpected(read.error());
  if (!present) {
    for (const NsysEnumEntry& entry : nsys_enum.entries) map.set(entry.id, entry.value);
  }
  return map;
}

Result<void> ReadContext::load_enums() {
  struct Target {
    const NsysEnum& nsys_enum;
    EnumMap& map;
  };
  for (Target target :
       {Target{nsys_event_class_enum(), event_classes_},
        Target{nvtx_event_type_enum(), nvtx_event_types_},
        Target{memcpy_kind_enum(), memcpy_kinds_}, Target{sync_type_enum(), sync_types_},
        Target{memory_kind_enum(), memory_kinds_},
        Target{memory_operation_enum(), memory_operations_}}) {
    auto map = load_enum(target.nsys_enum);
    if (!map) return std::unexpected(map.error());
    target.map = std::move(*map);
  }
  return {};
}

std::vector<uint32_t> order_by_key(const std::vector<int64_t>& keys) {
  if (std::is_sorted(keys.begin(), keys.end())) return {};
  std::vector<uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  return order;
}

}  // namespace dd::sqlite_read
