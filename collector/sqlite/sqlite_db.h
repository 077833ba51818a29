// sqlite_db: thin RAII wrappers over the SQLite C API (a connection and a prepared statement)
// whose failures come back as Result values naming the database file. The SQLite trace
// writer and reader share them so that neither handles raw sqlite3 pointers or return codes.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "collector/trace/result.h"

namespace dd {

// Names the file and what failed; failures of a database being read are bad input, failures
// of one being written are I/O errors.
struct SqliteErrorContext {
  std::string path;
  ErrorKind kind = ErrorKind::kBadInput;
  Error error(sqlite3* db, std::string_view what) const;
};

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, SqliteErrorContext context)
      : stmt_(stmt), context_(std::move(context)) {}

  sqlite3_stmt* get() const { return stmt_.get(); }

  // Binding by 0-based column position (SQLite counts parameters from 1).
  void bind_int(int column, int64_t value) { sqlite3_bind_int64(get(), column + 1, value); }
  void bind_double(int column, double value) { sqlite3_bind_double(get(), column + 1, value); }
  void bind_null(int column) { sqlite3_bind_null(get(), column + 1); }
  void bind_text(int column, std::string_view text) {
    // A null data pointer would bind NULL; the empty string is a value.
    sqlite3_bind_text(get(), column + 1, text.empty() ? "" : text.data(),
                      static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }

  // Runs an INSERT once and resets the statement for the next row.
  Result<void> run();
  // Advances a query: true when a row is ready, false at the end.
  Result<bool> step();

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  SqliteErrorContext context_;
};

class SqliteDb {
 public:
  // Opens an existing database read-only; fails (naming `path`) when it cannot be opened or is
  // not an SQLite database.
  static Result<SqliteDb> open_read_only(const std::string& path);
  // Creates a fresh database at `path`, replacing any file that is there.
  static Result<SqliteDb> create_fresh(const std::string& path);

  Result<void> exec(const std::string& sql);
  Result<SqliteStatement> prepare(const std::string& sql);
  Result<std::unordered_set<std::string>> table_names();
  Result<std::unordered_set<std::string>> column_names(const std::string& table);

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  SqliteDb(sqlite3* db, SqliteErrorContext context) : db_(db), context_(std::move(context)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  SqliteErrorContext context_;
};

}  // namespace dd
