// Multi-row INSERTs with buffered values (see sqlite_batch_insert.h).
#include "collector/sqlite/sqlite_batch_insert.h"

namespace dd {

std::string insert_sql(const sql::Table& table, int rows) {
  std::string sql = "INSERT INTO \"" + std::string(table.name) + "\" (";
  std::string row = "(";
  for (size_t i = 0; i < table.columns.size(); ++i) {
    sql += (i == 0 ? "\"" : ", \"") + std::string(table.columns[i].name) + "\"";
    row += i == 0 ? "?" : ", ?";
  }
  sql += ") VALUES ";
  for (int r = 0; r < rows; ++r) sql += (r == 0 ? "" : ", ") + row + ")";
  return sql;
}

Result<SqliteBatchInsert> SqliteBatchInsert::prepare(SqliteDb& db, const sql::Table& table) {
  auto batch = db.prepare(insert_sql(table, kBatchRows));
  if (!batch) return std::unexpected(batch.error());
  return SqliteBatchInsert(db, table, std::move(*batch));
}

SqliteBatchInsert::SqliteBatchInsert(SqliteDb& db, const sql::Table& table, SqliteStatement batch)
    : db_(&db),
      table_(table),
      columns_(static_cast<int>(table.columns.size())),
      batch_(std::move(batch)),
      values_(static_cast<size_t>(kBatchRows * columns_)) {}

Result<void> SqliteBatchInsert::add_row() {
  if (++rows_ < kBatchRows) return {};
  rows_ = 0;
  return write(batch_, 0, kBatchRows);
}

Result<void> SqliteBatchInsert::finish() {
  if (rows_ == 0) return {};
  auto single = db_->prepare(insert_sql(table_, 1));
  if (!single) return std::unexpected(single.error());
  int rows = rows_;
  rows_ = 0;
  for (int row = 0; row < rows; ++row) {
    if (auto done = write(*single, row, 1); !done) return done;
  }
  return {};
}

Result<void> SqliteBatchInsert::write(SqliteStatement& stmt, int first_row, int rows) {
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns_; ++column) {
      Value& value = values_[static_cast<size_t>((first_row + row) * columns_ + column)];
      int parameter = row * columns_ + column;
      switch (value.kind) {
        case Kind::kNull:
          stmt.bind_null(parameter);
          break;
        case Kind::kInt:
          stmt.bind_int(parameter, value.integer);
          break;
        case Kind::kDouble:
          stmt.bind_double(parameter, value.real);
          break;
        case Kind::kText:
          stmt.bind_text(parameter, value.text);
          break;
      }
      value.kind = Kind::kNull;
    }
  }
  return stmt.run();
}

}  // namespace dd
