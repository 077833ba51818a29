// Loading any supported trace: detects the format of each file from its content (gzip or JSON
// → Kineto; SQLite → nsys export or daydream trace; trace_files.h) and imports it. Several
// files (one per rank of a job, given one by one or as the directory holding them) load into
// one Trace, one process each. A file with no readable event is an error naming it.
#pragma once

#include <string>
#include <vector>

#include "collector/trace/progress.h"
#include "collector/trace/result.h"
#include "collector/trace/trace.h"
#include "collector/trace_files.h"

namespace dd {

// Reports the reading of JSON files, in bytes on disk, to `progress` when given (SQLite files load
// without progress reports).
Result<Trace> load_trace(const std::vector<std::string>& paths, Progress* progress = nullptr);

}  // namespace dd
