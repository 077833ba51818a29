// Loading any supported trace: detects the format of each file from its content (gzip or JSON
// → Kineto; SQLite → nsys export or daydream trace) and imports it. Several Kineto files (one
// per rank of a job) load into one Trace, one process each.
#pragma once

#include <string>
#include <vector>

#include "collector/trace/progress.h"
#include "collector/trace/result.h"
#include "collector/trace/trace.h"

namespace dd {

enum class FileFormat { kKinetoJson, kSqlite };

// Checks that `path` is a readable regular file and names its format; errors name the file.
Result<FileFormat> detect_file_format(const std::string& path);

// Reports the reading of JSON files, in bytes on disk, to `progress` when given (SQLite files load
// without progress reports).
Result<Trace> load_trace(const std::vector<std::string>& paths, Progress* progress = nullptr);

}  // namespace dd
