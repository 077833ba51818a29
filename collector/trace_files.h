// Which files a load reads and what each holds, told from content, not names: a Kineto JSON
// text (plain or gzip) or an SQLite trace. What is not a trace gets an error that says what it
// is and what to do: an archive (zip, tar, tar.gz, ...) to extract first, an Nsight Systems
// report to export to SQLite first. A directory stands for the trace files in it (the rank
// files of one job).
#pragma once

#include <string>
#include <vector>

#include "collector/trace/result.h"

namespace dd {

enum class FileFormat { kKinetoJson, kSqlite };

// Checks that `path` is a readable regular file and names its format; errors name the file.
Result<FileFormat> detect_file_format(const std::string& path);

// `paths` with each directory replaced by the trace files directly in it (named *.json,
// *.json.gz or *.sqlite, in name order). A directory without any is an error.
Result<std::vector<std::string>> expand_trace_paths(const std::vector<std::string>& paths);

}  // namespace dd
