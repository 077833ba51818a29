// Format detection from file content and dispatch to the Kineto or SQLite importer.
#include "collector/trace_loader.h"

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "collector/kineto/kineto_importer.h"
#include "collector/sqlite/sqlite_reader.h"
#include "collector/trace/trace_builder.h"

namespace dd {

namespace {

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

}  // namespace

Result<FileFormat> detect_file_format(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return io_error(path + ": no such file");
  if (std::filesystem::is_directory(status)) return bad_input(path + ": is a directory, not a trace file");
  if (!std::filesystem::is_regular_file(status)) return bad_input(path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": cannot be opened for reading");
  std::array<char, 512> head{};
  in.read(head.data(), head.size());
  auto got = static_cast<size_t>(in.gcount());
  if (got == 0) return bad_input(path + ": file is empty");
  std::string_view text(head.data(), got);
  if (text.starts_with(kSqliteMagic)) return FileFormat::kSqlite;
  if (got >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
      static_cast<unsigned char>(text[1]) == 0x8b) {
    return FileFormat::kKinetoJson;  // gzip: Kineto .json.gz
  }
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    return FileFormat::kKinetoJson;
  }
  if (first == std::string_view::npos && got < head.size()) {
    return bad_input(path + ": file holds only whitespace");
  }
  return bad_input(path +
                   ": not a supported trace (expected PyTorch profiler JSON, .json.gz, "
                   "an Nsight Systems SQLite export or a daydream SQLite trace)");
}

Result<Trace> load_trace(const std::vector<std::string>& paths, Progress* progress) {
  if (paths.empty()) return usage_error("no trace file given");
  std::vector<FileFormat> formats;
  for (const std::string& path : paths) {
    auto format = detect_file_format(path);
    if (!format) return std::unexpected(format.error());
    formats.push_back(*format);
  }
  Trace trace;
  if (formats.front() == FileFormat::kSqlite) {
    if (paths.size() > 1) {
      return usage_error("SQLite traces are loaded one at a time; got " +
                         std::to_string(paths.size()) + " files starting with " + paths.front());
    }
    auto loaded = read_sqlite_trace(paths.front());
    if (!loaded) return std::unexpected(loaded.error());
    trace = std::move(*loaded);
  } else {
    for (size_t i = 0; i < paths.size(); ++i) {
      if (formats[i] != FileFormat::kKinetoJson) {
        return usage_error(paths[i] + ": cannot mix SQLite and Kineto JSON files in one load");
      }
      TraceBuilder builder(trace);  // one per file: each file's pids are its own processes
      auto imported = import_kineto_file(paths[i], builder, progress);
      if (!imported) return std::unexpected(imported.error());
    }
    trace.format = TraceFormat::kKinetoJson;
  }
  finish_trace(trace);
  return trace;
}

}  // namespace dd
