// Scratch trace files for the collector's tests: a per-process path in the temp directory, and
// removal of a database with the write-ahead log and shared-memory files SQLite keeps beside it.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace dd::cupti::testing {

inline std::string temp_trace_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(getpid()) + ".sqlite"))
      .string();
}

inline void remove_database(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace dd::cupti::testing
