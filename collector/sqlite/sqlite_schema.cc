// The DDL of the daydream SQLite trace, generated from the table declarations in
// sqlite_tables.h and the ENUM_* tables in nsys_enums.h.
#include "collector/sqlite/sqlite_schema.h"

#include <string>

#include "collector/sqlite/nsys_enums.h"
#include "collector/sqlite/sqlite_tables.h"

namespace dd {

namespace {

void append_create_table(std::string& sql, std::string_view table,
                         std::span<const sql::Column> columns) {
  sql += "CREATE TABLE \"";
  sql += table;
  sql += "\" (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += i == 0 ? "\"" : ", \"";
    sql += columns[i].name;
    sql += "\" ";
    sql += columns[i].type;
  }
  sql += ");\n";
}

std::string build_schema() {
  std::string sql;
  for (const sql::Table& table : sql::kWrittenTables) {
    append_create_table(sql, table.name, table.columns);
  }
  for (const NsysEnum* nsys_enum : all_nsys_enums()) {
    append_create_table(sql, nsys_enum->table, sql::kEnumColumns);
  }
  return sql;
}

}  // namespace

std::string_view sqlite_schema_sql() {
  static const std::string schema = build_schema();
  return schema;
}

}  // namespace dd
