// RAII SQLite connection and statement: opening, preparing, stepping, and turning SQLite
// return codes into Result errors that name the file.
#include "collector/sqlite/sqlite_db.h"

#include <filesystem>

namespace dd {

namespace {

// A URI that opens `path` as immutable: no locks, no journal, no -wal or -shm files created
// beside it (sqlite.org/uri.html). '%', '?' and '#' in the path are percent-encoded.
std::string immutable_uri(const std::string& path) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  if (ec) absolute = path;
  std::string uri = "file://";
  for (char c : absolute) {
    if (c == '%' || c == '?' || c == '#') {
      constexpr char kHex[] = "0123456789ABCDEF";
      auto byte = static_cast<unsigned char>(c);
      uri += std::string("%") + kHex[byte >> 4] + kHex[byte & 15];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

// Whether committed transactions may sit in a write-ahead log beside the file: a recording
// killed before it folded its log back (collector_writer.cc) leaves a non-empty "-wal".
bool has_write_ahead_log(const std::string& path) {
  std::error_code ec;
  return std::filesystem::file_size(path + "-wal", ec) > 0 && !ec;
}

}  // namespace

Error SqliteErrorContext::error(sqlite3* db, std::string_view what) const {
  std::string message = path + ": " + std::string(what);
  if (db != nullptr) message += " (" + one_line(sqlite3_errmsg(db)) + ")";
  return Error{kind, std::move(message)};
}

Result<void> SqliteStatement::run() {
  int rc = sqlite3_step(get());
  sqlite3_reset(get());
  if (rc != SQLITE_DONE) {
    return std::unexpected(context_.error(sqlite3_db_handle(get()), "cannot write a row"));
  }
  return {};
}

Result<bool> SqliteStatement::step() {
  int rc = sqlite3_step(get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(context_.error(sqlite3_db_handle(get()), "cannot read the database"));
}

// Immutable unless a write-ahead log holds data: reading then needs SQLite's shared-memory index
// beside the file, and only then is one created. Otherwise nothing is written next to the input,
// and a stale "-shm" left there (by a killed writer, or beside a file since replaced) is never
// consulted: one made SQLite wait on locks no process held.
Result<SqliteDb> SqliteDb::open_read_only(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      has_write_ahead_log(path)
          ? sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr)
          : sqlite3_open_v2(immutable_uri(path).c_str(), &raw,
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
  SqliteDb db(raw, {path, ErrorKind::kBadInput});
  if (rc != SQLITE_OK) return std::unexpected(db.context_.error(raw, "cannot open as SQLite"));
  // SQLite reads the file lazily: touch the schema now so that non-databases fail here.
  if (auto checked = db.exec("SELECT count(*) FROM sqlite_master"); !checked) {
    return std::unexpected(db.context_.error(raw, "not a readable SQLite database"));
  }
  // Reading pages through a memory map saves a copy per page on a full scan.
  if (auto mapped = db.exec("PRAGMA mmap_size = 1073741824"); !mapped) {
    return std::unexpected(mapped.error());
  }
  return db;
}

Result<SqliteDb> SqliteDb::create_fresh(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return io_error(path + ": is a directory");
  std::filesystem::remove(path, ec);
  if (ec) return io_error(path + ": cannot replace the existing file (" + ec.message() + ")");
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw, {path, ErrorKind::kIo});
  if (rc != SQLITE_OK) return std::unexpected(db.context_.error(raw, "cannot create"));
  return db;
}

Result<void> SqliteDb::exec(const std::string& sql) {
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(context_.error(db_.get(), "SQL failed"));
  }
  return {};
}

Result<SqliteStatement> SqliteDb::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return std::unexpected(context_.error(db_.get(), "cannot prepare `" + sql + "`"));
  }
  return SqliteStatement(stmt, context_);
}

namespace {

Result<std::unordered_set<std::string>> text_column(SqliteDb& db, const std::string& sql,
                                                    const std::string* parameter) {
  auto stmt = db.prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  if (parameter != nullptr) stmt->bind_text(0, *parameter);
  std::unordered_set<std::string> names;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const unsigned char* text = sqlite3_column_text(stmt->get(), 0);
    if (text != nullptr) names.emplace(reinterpret_cast<const char*>(text));
  }
  return names;
}

}  // namespace

Result<std::unordered_set<std::string>> SqliteDb::table_names() {
  return text_column(*this, "SELECT name FROM sqlite_master WHERE type = 'table'", nullptr);
}

Result<std::unordered_set<std::string>> SqliteDb::column_names(const std::string& table) {
  return text_column(*this, "SELECT name FROM pragma_table_info(?)", &table);
}

}  // namespace dd
