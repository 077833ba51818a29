// The daydream SQLite trace format: an Nsight-Systems-shaped subset (same table and column
// names, ns units, globalTid = pid << 24 | tid) plus DD_* tables (collector-design.md §7.3-7.4).
// Versioned by PRAGMA user_version and DD_META(formatVersion).
#pragma once

#include <cstdint>
#include <string_view>

namespace dd {

inline constexpr int kSqliteFormatVersion = 1;
inline constexpr std::string_view kNsysSchemaBasis = "3.28.1";

// The DDL of every table the writer creates, as one SQL script.
std::string_view sqlite_schema_sql();

// nsys packing of process and thread ids.
inline int64_t global_tid(int64_t pid, int64_t tid) {
  return ((pid & 0xFFFFFF) << 24) | (tid & 0xFFFFFF);
}
inline int64_t global_pid(int64_t pid) { return (pid & 0xFFFFFF) << 24; }
inline int64_t pid_of_global(int64_t global) { return (global >> 24) & 0xFFFFFF; }
inline int64_t tid_of_global(int64_t global) { return global & 0xFFFFFF; }

}  // namespace dd
