// Writes a Trace as a daydream SQLite trace: one transaction, batched INSERTs per table,
// every Trace table in row order so that reading the file back gives the same tables. This file
// holds the driver and the small tables (strings, enums, processes, threads, devices, streams,
// metadata, diagnostics); the event tables are in sqlite_writer_events.cc.
#include "collector/sqlite/sqlite_writer.h"

#include <filesystem>
#include <unordered_map>

#include "collector/sqlite/nsys_enums.h"
#include "collector/sqlite/sqlite_schema.h"
#include "collector/sqlite/sqlite_writer_internal.h"

namespace dd {

namespace sqlite_write {

WriteContext::WriteContext(const Trace& trace, SqliteDb& db) : trace_(trace), db_(db) {
  // The first process with a given pid keeps hw/vm id 0 (plain nsys ids); later ones with the
  // same pid count up in the hw/vm bits.
  std::unordered_map<int64_t, int64_t> seen;
  for (int64_t pid : trace.processes.pid) {
    int64_t duplicate = seen[pid & 0xFFFFFF]++;
    global_pids_.push_back(sql::compose_global_pid(duplicate >> 8, duplicate, pid));
  }
  for (uint32_t t = 0; t < trace.threads.size(); ++t) {
    uint32_t process = trace.threads.process[t];
    int64_t pid = process < global_pids_.size() ? global_pids_[process] : 0;
    global_tids_.push_back(pid | (trace.threads.tid[t] & 0xFFFFFF));
  }
}

void WriteContext::bind_process(SqliteBatchInsert& stmt, int column, uint32_t process) const {
  if (process < global_pids_.size()) {
    stmt.bind_int(column, global_pids_[process]);
  } else {
    stmt.bind_null(column);
  }
}

void WriteContext::bind_thread(SqliteBatchInsert& stmt, int column, uint32_t thread) const {
  if (thread < global_tids_.size()) {
    stmt.bind_int(column, global_tids_[thread]);
  } else {
    stmt.bind_null(column);
  }
}

void WriteContext::bind_stream(SqliteBatchInsert& stmt, int pid_column, int device_column,
                               int stream_column, uint32_t stream) const {
  const StreamTable& streams = trace_.streams;
  if (stream >= streams.size()) {
    stmt.bind_null(pid_column);
    stmt.bind_null(device_column);
    stmt.bind_null(stream_column);
    return;
  }
  bind_process(stmt, pid_column, streams.process[stream]);
  stmt.bind_int(device_column, streams.device[stream]);
  stmt.bind_int(stream_column, streams.stream_id[stream]);
}

}  // namespace sqlite_write

namespace {

using sqlite_write::WriteContext;

Result<void> write_strings(WriteContext& context) {
  auto stmt = context.insert(sql::strings::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const StringPool& strings = context.trace().strings;
  for (StringId id = 0; id < strings.size(); ++id) {
    stmt->bind_int(sql::strings::kId, id);
    stmt->bind_text(sql::strings::kValue, strings.get(id));
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_enums(WriteContext& context) {
  for (const NsysEnum* nsys_enum : all_nsys_enums()) {
    auto stmt = context.insert(sql::Table{nsys_enum->table, sql::kEnumColumns});
    if (!stmt) return std::unexpected(stmt.error());
    for (const NsysEnumEntry& entry : nsys_enum->entries) {
      stmt->bind_int(sql::enum_rows::kId, entry.id);
      stmt->bind_text(sql::enum_rows::kName, entry.name);
      stmt->bind_text(sql::enum_rows::kLabel, entry.label);
      if (auto done = stmt->add_row(); !done) return done;
    }
    if (auto done = stmt->finish(); !done) return done;
  }
  return {};
}

Result<void> write_processes(WriteContext& context) {
  namespace p = sql::processes;
  namespace r = sql::dd_processes;
  auto processes = context.insert(p::kTable);
  if (!processes) return std::unexpected(processes.error());
  auto ranks = context.insert(r::kTable);
  if (!ranks) return std::unexpected(ranks.error());
  const Trace& trace = context.trace();
  for (uint32_t i = 0; i < trace.processes.size(); ++i) {
    processes->bind_int(p::kGlobalPid, context.global_pid(i));
    processes->bind_int(p::kPid, trace.processes.pid[i]);
    processes->bind_text(p::kName, trace.str(trace.processes.name[i]));
    if (auto done = processes->add_row(); !done) return done;
    ranks->bind_int(r::kGlobalPid, context.global_pid(i));
    ranks->bind_int(r::kRank, trace.processes.rank[i]);
    if (auto done = ranks->add_row(); !done) return done;
  }
  if (auto done = processes->finish(); !done) return done;
  return ranks->finish();
}

Result<void> write_threads(WriteContext& context) {
  namespace t = sql::threads;
  auto stmt = context.insert(t::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const ThreadTable& threads = context.trace().threads;
  for (uint32_t i = 0; i < threads.size(); ++i) {
    stmt->bind_int(t::kNameId, threads.name[i]);
    stmt->bind_int(t::kGlobalTid, context.global_tid(i));
    stmt->bind_int(t::kDdTid, threads.tid[i]);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

// Each device row becomes a TARGET_INFO_GPU row (its properties, id = row index) and a
// TARGET_INFO_CUDA_DEVICE row (which process sees it under which CUDA device id).
Result<void> write_devices(WriteContext& context) {
  namespace g = sql::gpus;
  namespace c = sql::cuda_devices;
  auto gpus = context.insert(g::kTable);
  if (!gpus) return std::unexpected(gpus.error());
  auto cuda = context.insert(c::kTable);
  if (!cuda) return std::unexpected(cuda.error());
  const Trace& trace = context.trace();
  const DeviceTable& devices = trace.devices;
  for (uint32_t i = 0; i < devices.size(); ++i) {
    gpus->bind_int(g::kId, i);
    gpus->bind_text(g::kName, trace.str(devices.name[i]));
    gpus->bind_int(g::kTotalMemory, static_cast<int64_t>(devices.total_memory_bytes[i]));
    gpus->bind_double(g::kMemoryBandwidth, devices.memory_bandwidth_bytes_per_s[i]);
    gpus->bind_double(g::kClockRate, devices.clock_hz[i]);
    gpus->bind_int(g::kSmCount, devices.sm_count[i]);
    gpus->bind_int(g::kComputeMajor, devices.compute_major[i]);
    gpus->bind_int(g::kComputeMinor, devices.compute_minor[i]);
    if (auto done = gpus->add_row(); !done) return done;

    uint32_t process = devices.process[i];
    cuda->bind_int(c::kGpuId, i);
    cuda->bind_int(c::kCudaId, devices.device_id[i]);
    if (process < trace.processes.size()) {
      cuda->bind_int(c::kPid, trace.processes.pid[process]);
    } else {
      cuda->bind_null(c::kPid);
    }
    cuda->bind_int(c::kNumMultiprocessors, devices.sm_count[i]);
    context.bind_process(*cuda, c::kDdGlobalPid, process);
    if (auto done = cuda->add_row(); !done) return done;
  }
  if (auto done = gpus->finish(); !done) return done;
  return cuda->finish();
}

Result<void> write_streams(WriteContext& context) {
  namespace s = sql::streams;
  auto stmt = context.insert(s::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  const StreamTable& streams = context.trace().streams;
  for (uint32_t i = 0; i < streams.size(); ++i) {
    stmt->bind_int(s::kStreamId, streams.stream_id[i]);
    if (streams.process[i] < context.trace().processes.size()) {
      int64_t global = context.global_pid(streams.process[i]);
      stmt->bind_int(s::kHwId, sql::hw_id_of_global(global));
      stmt->bind_int(s::kVmId, sql::vm_id_of_global(global));
      stmt->bind_int(s::kProcessId, pid_of_global(global));
    } else {
      stmt->bind_null(s::kHwId);
      stmt->bind_null(s::kVmId);
      stmt->bind_null(s::kProcessId);
    }
    stmt->bind_int(s::kDdDeviceId, streams.device[i]);
    stmt->bind_int(s::kDdNameId, streams.name[i]);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_metadata(WriteContext& context) {
  namespace m = sql::meta;
  auto stmt = context.insert(m::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  auto write = [&](std::string_view name, std::string_view value) {
    stmt->bind_text(m::kName, name);
    stmt->bind_text(m::kValue, value);
    return stmt->add_row();
  };
  const Trace& trace = context.trace();
  for (const auto& [name, value] : trace.metadata) {
    if (name == sql::kFormatKey || name == sql::kFormatVersionKey ||
        name == sql::kNsysSchemaBasisKey) {
      continue;
    }
    if (auto done = write(name, value); !done) return done;
  }
  if (!trace.metadata.contains(std::string(sql::kSourceFormatKey))) {
    auto done = write(sql::kSourceFormatKey, trace_format_name(trace.format));
    if (!done) return done;
  }
  if (auto done = write(sql::kFormatKey, sql::kFormatValue); !done) return done;
  auto version = write(sql::kFormatVersionKey, std::to_string(kSqliteFormatVersion));
  if (!version) return version;
  if (auto done = write(sql::kNsysSchemaBasisKey, kNsysSchemaBasis); !done) return done;
  return stmt->finish();
}

Result<void> write_diagnostics(WriteContext& context) {
  namespace d = sql::diagnostics;
  auto stmt = context.insert(d::kTable);
  if (!stmt) return std::unexpected(stmt.error());
  for (const auto& [name, counter] : context.trace().diagnostics.counters()) {
    stmt->bind_text(d::kName, name);
    stmt->bind_text(d::kSeverity, severity_name(counter.severity));
    stmt->bind_int(d::kCount, static_cast<int64_t>(counter.count));
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

Result<void> write_tables(const Trace& trace, SqliteDb& db) {
  // Nothing to roll back to and nobody reads the file before it is complete: no journal, no
  // fsync, one transaction. Large pages make inserting and later scanning cheaper per row.
  auto setup = db.exec(
      "PRAGMA page_size = 65536; PRAGMA journal_mode = OFF; "
      "PRAGMA synchronous = OFF; PRAGMA user_version = " +
      std::to_string(kSqliteFormatVersion) + "; BEGIN;");
  if (!setup) return setup;
  if (auto schema = db.exec(std::string(sqlite_schema_sql())); !schema) return schema;
  WriteContext context(trace, db);
  for (auto write :
       {write_strings, write_enums, write_processes, write_threads, write_devices, write_streams,
        sqlite_write::write_events, write_metadata, write_diagnostics}) {
    if (auto done = write(context); !done) return done;
  }
  return db.exec("COMMIT");
}

}  // namespace

Result<void> write_sqlite_trace(const Trace& trace, const std::string& path) {
  Result<void> written;
  {
    auto db = SqliteDb::create_fresh(path);
    if (!db) return std::unexpected(db.error());
    written = write_tables(trace, *db);
  }
  if (!written) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // never leave a half-written trace behind
  }
  return written;
}

}  // namespace dd
