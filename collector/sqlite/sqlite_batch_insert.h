// SqliteBatchInsert: writes the rows of one table through a multi-row INSERT, kBatchRows rows
// per statement execution. Executing a statement has a fixed cost (opening a cursor, starting
// and ending the statement) that a one-row INSERT pays per row; batching roughly doubles the
// writer's throughput. Values are buffered until a batch is full; finish() writes the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/sqlite/sqlite_db.h"
#include "collector/sqlite/sqlite_tables.h"
#include "collector/trace/result.h"

namespace dd {

class SqliteBatchInsert {
 public:
  static constexpr int kBatchRows = 32;

  static Result<SqliteBatchInsert> prepare(SqliteDb& db, const sql::Table& table);

  // Values of the current row by 0-based column position; unset columns are NULL.
  void bind_int(int column, int64_t value) { slot(column) = {Kind::kInt, value, 0, {}}; }
  void bind_double(int column, double value) { slot(column) = {Kind::kDouble, 0, value, {}}; }
  void bind_text(int column, std::string_view text) {
    Value& value = slot(column);
    value.kind = Kind::kText;
    value.text.assign(text);
  }
  void bind_null(int column) { slot(column).kind = Kind::kNull; }

  // Ends the current row; writes a batch when one is full.
  Result<void> add_row();
  // Writes the rows not yet written. Call once, after the last row.
  Result<void> finish();

 private:
  enum class Kind : uint8_t { kNull, kInt, kDouble, kText };
  struct Value {
    Kind kind = Kind::kNull;
    int64_t integer = 0;
    double real = 0;
    std::string text;
  };

  SqliteBatchInsert(SqliteDb& db, const sql::Table& table, SqliteStatement batch);
  Value& slot(int column) { return values_[static_cast<size_t>(rows_ * columns_ + column)]; }
  // Binds the first `rows` buffered rows to `stmt`, runs it and clears them.
  Result<void> write(SqliteStatement& stmt, int first_row, int rows);

  SqliteDb* db_;
  sql::Table table_;
  int columns_;
  SqliteStatement batch_;
  std::vector<Value> values_;  // kBatchRows rows of `columns_` values
  int rows_ = 0;               // complete rows buffered
};

// "INSERT INTO table (columns...) VALUES (?, ...), ..." for `rows` rows.
std::string insert_sql(const sql::Table& table, int rows);

}  // namespace dd
