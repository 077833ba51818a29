// Reading a daydream SQLite trace or an `nsys export --type sqlite` file into a Trace: checks
// the file, tells the two flavours apart, and reads the tables in the order that recreates
// processes, threads, streams and devices with the indexes the writer had. Metadata and
// diagnostics are read here; the other tables in sqlite_reader_{entities,events,ranges}.cc.
#include "collector/sqlite/sqlite_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "collector/sqlite/sqlite_reader_internal.h"

namespace dd {

namespace {

using sqlite_read::ReadContext;
using sqlite_read::Row;

// Big-endian unsigned integer of `bytes` bytes at `offset` of the SQLite file header.
uint64_t header_field(const unsigned char* header, size_t offset, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value = (value << 8) | header[offset + i];
  return value;
}

// What SQLite would report vaguely (or not at all): no file, a directory, an empty file, or
// an SQLite file shorter than its header says (an interrupted copy).
Result<void> check_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return bad_input(path + ": no such file");
  if (fs::is_directory(status)) return bad_input(path + ": is a directory, not a trace file");
  if (!fs::is_regular_file(status)) return {};
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return bad_input(path + ": cannot read (" + ec.message() + ")");
  if (size == 0) return bad_input(path + ": file is empty");
  std::array<unsigned char, 100> header{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (in.gcount() < static_cast<std::streamsize>(header.size()) ||
      std::memcmp(header.data(), "SQLite format 3", 16) != 0) {
    return {};  // not SQLite at all: opening it says so
  }
  uint64_t page_size = header_field(header.data(), 16, 2);
  if (page_size == 1) page_size = 65536;
  uint64_t pages = header_field(header.data(), 28, 4);
  bool pages_valid = header_field(header.data(), 24, 4) == header_field(header.data(), 92, 4);
  if (pages_valid && size < page_size * pages) {
    return bad_input(path + ": truncated SQLite file (" + std::to_string(size) + " of " +
                     std::to_string(page_size * pages) + " bytes)");
  }
  return {};
}

// DD_META: the Trace's metadata, except the rows that describe the file itself.
struct FileIdentity {
  std::string format;
  int64_t version = 0;
};

Result<FileIdentity> read_dd_meta(ReadContext& context) {
  namespace m = sql::meta;
  FileIdentity file;
  auto read = context.read_table(m::kTable, [&](Row& row) {
    std::string_view name = row.required_text(m::kName);
    std::string_view value = row.optional_text(m::kValue);
    if (!row.valid()) return;
    if (name == sql::kFormatKey) {
      file.format = value;
    } else if (name == sql::kFormatVersionKey) {
      std::from_chars(value.data(), value.data() + value.size(), file.version);
    } else if (name != sql::kNsysSchemaBasisKey) {
      context.trace().metadata[std::string(name)] = value;
    }
  });
  if (!read) return std::unexpected(read.error());
  return file;
}

bool looks_like_nsys(const std::unordered_set<std::string>& tables) {
  if (!tables.contains(std::string(sql::strings::kTable.name))) return false;
  return std::any_of(tables.begin(), tables.end(), [](const std::string& table) {
    return table.starts_with("CUPTI_ACTIVITY_KIND_") || table == sql::nvtx::kTable.name ||
           table.starts_with("TARGET_INFO_");
  });
}

// nsys export facts (schema version, product version) as "nsys.NAME" metadata.
Result<void> read_nsys_meta(ReadContext& context) {
  namespace m = sql::nsys_meta;
  return context.read_table(m::kTable, [&](Row& row) {
    std::string_view name = row.required_text(m::kName);
    std::string_view value = row.optional_text(m::kValue);
    if (row.valid()) context.trace().metadata["nsys." + std::string(name)] = value;
  });
}

Result<void> read_diagnostics(ReadContext& context) {
  namespace d = sql::diagnostics;
  return context.read_table(d::kTable, [&](Row& row) {
    std::string_view name = row.required_text(d::kName);
    std::string_view severity = row.optional_text(d::kSeverity);
    int64_t count = row.required_int(d::kCount);
    if (count < 0) row.invalidate();
    if (!row.valid()) return;
    context.trace().diagnostics.add(name, severity_from_name(severity),
                                    static_cast<uint64_t>(count));
  });
}

Result<void> read_tables(ReadContext& context) {
  for (auto read : {sqlite_read::read_entities, sqlite_read::read_events, sqlite_read::read_ranges,
                    sqlite_read::read_iterations}) {
    if (auto done = read(context); !done) return done;
  }
  if (!context.daydream()) {
    if (auto done = read_nsys_meta(context); !done) return done;
  }
  return read_diagnostics(context);
}

}  // namespace

Result<Trace> read_sqlite_trace(const std::string& path) {
  if (auto checked = check_file(path); !checked) return std::unexpected(checked.error());
  auto db = SqliteDb::open_read_only(path);
  if (!db) return std::unexpected(db.error());
  auto tables = db->table_names();
  if (!tables) return std::unexpected(tables.error());

  Trace trace;
  ReadContext context(*db, trace, *tables);
  auto file = read_dd_meta(context);
  if (!file) return std::unexpected(file.error());
  if (file->format == sql::kFormatValue) {
    context.set_daydream(true);
    trace.format = TraceFormat::kDaydreamSqlite;
    if (file->version > kSqliteFormatVersion) {
      context.count("sqlite_newer_format_version", Severity::kWarning);
    }
  } else if (looks_like_nsys(*tables)) {
    trace.format = TraceFormat::kNsysSqlite;
  } else {
    return bad_input(path +
                     " is an SQLite database but not a trace (no DD_META format row of a "
                     "daydream trace, and no StringIds with CUPTI_ACTIVITY_KIND_*, NVTX_EVENTS "
                     "or TARGET_INFO_* tables of an Nsight Systems export)");
  }
  if (auto loaded = context.load_strings(); !loaded) return std::unexpected(loaded.error());
  if (auto loaded = context.load_enums(); !loaded) return std::unexpected(loaded.error());
  if (auto read = read_tables(context); !read) return std::unexpected(read.error());
  context.note_missing(path);
  return trace;
}

}  // namespace dd
