// Dispatch to the Kineto or SQLite importer, file by file, into one Trace: Kineto files stream
// into it directly (one TraceBuilder per file), SQLite files are read whole and appended.
#include "collector/trace_loader.h"

#include "collector/kineto/kineto_importer.h"
#include "collector/sqlite/sqlite_reader.h"
#include "collector/trace/trace_builder.h"
#include "collector/trace/trace_merge.h"

namespace dd {

namespace {

Result<void> load_sqlite_file(const std::string& path, Trace& job) {
  auto loaded = read_sqlite_trace(path);
  if (!loaded) return std::unexpected(loaded.error());
  if (loaded->event_count() == 0) {
    return bad_input(path + ": no events: the trace's tables hold no CUDA API call, GPU op, "
                     "range, synchronization or memory event");
  }
  if (job.processes.size() == 0 && job.event_count() == 0) {
    job = std::move(*loaded);
  } else {
    append_trace(job, *loaded);
  }
  return {};
}

}  // namespace

Result<Trace> load_trace(const std::vector<std::string>& given, Progress* progress) {
  if (given.empty()) return usage_error("no trace file given");
  auto paths = expand_trace_paths(given);
  if (!paths) return std::unexpected(paths.error());
  std::vector<FileFormat> formats;
  for (const std::string& path : *paths) {
    auto format = detect_file_format(path);
    if (!format) return std::unexpected(format.error());
    if (!formats.empty() && *format != formats.front()) {
      return usage_error(path + ": cannot mix SQLite and Kineto JSON files in one load");
    }
    formats.push_back(*format);
  }
  Trace trace;
  for (const std::string& path : *paths) {
    if (formats.front() == FileFormat::kSqlite) {
      if (auto loaded = load_sqlite_file(path, trace); !loaded) return std::unexpected(loaded.error());
      continue;
    }
    TraceBuilder builder(trace);  // one per file: each file's pids are its own processes
    auto imported = import_kineto_file(path, builder, progress);
    if (!imported) return std::unexpected(imported.error());
  }
  finish_trace(trace);
  return trace;
}

}  // namespace dd
