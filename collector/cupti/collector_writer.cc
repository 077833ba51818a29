// The CUPTI collector's SQLite writer (see collector_writer.h).
#include "collector/cupti/collector_writer.h"

#include <utility>

#include "collector/sqlite/nsys_enums.h"
#include "collector/sqlite/sqlite_batch_insert.h"
#include "collector/sqlite/sqlite_schema.h"
#include "collector/sqlite/sqlite_tables.h"
#include "collector/trace/trace.h"

namespace dd::cupti {

namespace {

template <typename Rows, typename Bind>
Result<void> insert_all(SqliteDb& db, const sql::Table& table, const Rows& rows, Bind bind) {
  if (rows.empty()) return {};
  auto stmt = SqliteBatchInsert::prepare(db, table);
  if (!stmt) return std::unexpected(stmt.error());
  for (const auto& row : rows) {
    bind(*stmt, row);
    if (auto done = stmt->add_row(); !done) return done;
  }
  return stmt->finish();
}

template <typename T>
void bind_optional(SqliteBatchInsert& stmt, int column, const std::optional<T>& value) {
  if (value) stmt.bind_int(column, static_cast<int64_t>(*value));
}

void bind_optional_real(SqliteBatchInsert& stmt, int column, const std::optional<double>& value) {
  if (value) stmt.bind_double(column, *value);
}

int64_t as_int(uint64_t value) {
  return static_cast<int64_t>(value);
}

Result<void> write_enums(SqliteDb& db) {
  for (const NsysEnum* nsys_enum : all_nsys_enums()) {
    auto done = insert_all(db, sql::Table{nsys_enum->table, sql::kEnumColumns}, nsys_enum->entries,
                           [](SqliteBatchInsert& stmt, const NsysEnumEntry& entry) {
                             stmt.bind_int(sql::enum_rows::kId, entry.id);
                             stmt.bind_text(sql::enum_rows::kName, entry.name);
                             stmt.bind_text(sql::enum_rows::kLabel, entry.label);
                           });
    if (!done) return done;
  }
  return {};
}

}  // namespace

CollectorWriter::CollectorWriter(SqliteDb db, const SessionInfo& session)
    : db_(std::move(db)), global_pid_(global_pid(session.pid)), pid_(session.pid) {}

Result<CollectorWriter> CollectorWriter::create(const std::string& path,
                                                const SessionInfo& session) {
  auto db = SqliteDb::create_fresh(path);
  if (!db) return std::unexpected(db.error());
  auto setup = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                        "PRAGMA user_version = " + std::to_string(kSqliteFormatVersion) +
                        "; BEGIN;");
  if (!setup) return std::unexpected(setup.error());
  if (auto schema = db->exec(std::string(sqlite_schema_sql())); !schema) {
    return std::unexpected(schema.error());
  }
  if (auto enums = write_enums(*db); !enums) return std::unexpected(enums.error());
  CollectorWriter writer(std::move(*db), session);
  struct Process {
    int64_t global_pid;
    uint32_t pid;
    std::string name;
    int32_t rank;
  };
  std::vector<Process> process{{writer.global_pid_, session.pid, session.process_name, session.rank}};
  auto written = insert_all(writer.db_, sql::processes::kTable, process,
                            [](SqliteBatchInsert& stmt, const Process& p) {
                              stmt.bind_int(sql::processes::kGlobalPid, p.global_pid);
                              stmt.bind_int(sql::processes::kPid, p.pid);
                              stmt.bind_text(sql::processes::kName, p.name);
                            });
  if (!written) return std::unexpected(written.error());
  if (session.rank >= 0) {
    written = insert_all(writer.db_, sql::dd_processes::kTable, process,
                         [](SqliteBatchInsert& stmt, const Process& p) {
                           stmt.bind_int(sql::dd_processes::kGlobalPid, p.global_pid);
                           stmt.bind_int(sql::dd_processes::kRank, p.rank);
                         });
    if (!written) return std::unexpected(written.error());
  }
  std::map<std::string, std::string> identity = {
      {std::string(sql::kFormatKey), std::string(sql::kFormatValue)},
      {std::string(sql::kFormatVersionKey), std::to_string(kSqliteFormatVersion)},
      {std::string(sql::kNsysSchemaBasisKey), std::string(kNsysSchemaBasis)},
      {std::string(sql::kSourceFormatKey), "cupti"}};
  if (auto done = writer.db_.exec("COMMIT"); !done) return std::unexpected(done.error());
  if (auto done = writer.write_status(identity, Diagnostics{}); !done) {
    return std::unexpected(done.error());
  }
  return writer;
}

Result<void> CollectorWriter::write(const RowBatch& batch) {
  if (auto begun = db_.exec("BEGIN"); !begun) return begun;
  if (auto written = write_rows(batch); !written) {
    (void)db_.exec("ROLLBACK");
    return written;
  }
  auto committed = db_.exec("COMMIT");
  if (!committed) (void)db_.exec("ROLLBACK");  // a failed COMMIT may leave the batch open
  return committed;
}

Result<void> CollectorWriter::write_rows(const RowBatch& batch) {
  using Stmt = SqliteBatchInsert;
  auto strings = insert_all(db_, sql::strings::kTable, batch.strings, [](Stmt& s, const StringRow& r) {
    s.bind_int(sql::strings::kId, r.id);
    s.bind_text(sql::strings::kValue, r.value);
  });
  if (!strings) return strings;
  auto threads = insert_all(db_, sql::threads::kTable, batch.threads, [](Stmt& s, const ThreadRow& r) {
    namespace t = sql::threads;
    bind_optional(s, t::kNameId, r.name_id);
    s.bind_int(t::kGlobalTid, r.global_tid);
    s.bind_int(t::kDdTid, r.tid);
  });
  if (!threads) return threads;
  auto gpus = insert_all(db_, sql::gpus::kTable, batch.devices, [](Stmt& s, const DeviceInfoRow& r) {
    namespace g = sql::gpus;
    s.bind_int(g::kId, r.id);
    s.bind_text(g::kName, r.name);
    s.bind_int(g::kTotalMemory, as_int(r.total_memory_bytes));
    s.bind_int(g::kMemoryBandwidth, as_int(r.memory_bandwidth_bytes_per_s));
    s.bind_int(g::kClockRate, as_int(r.clock_hz));
    s.bind_int(g::kSmCount, r.sm_count);
    s.bind_int(g::kComputeMajor, r.compute_major);
    s.bind_int(g::kComputeMinor, r.compute_minor);
  });
  if (!gpus) return gpus;
  int64_t global_pid = global_pid_;
  uint32_t pid = pid_;
  auto cuda_devices = insert_all(db_, sql::cuda_devices::kTable, batch.devices,
                                 [&](Stmt& s, const DeviceInfoRow& r) {
    namespace c = sql::cuda_devices;
    s.bind_int(c::kGpuId, r.id);
    s.bind_int(c::kCudaId, r.id);
    s.bind_int(c::kPid, pid);
    s.bind_text(c::kUuid, r.uuid);
    s.bind_int(c::kNumMultiprocessors, r.sm_count);
    s.bind_int(c::kDdGlobalPid, global_pid);
  });
  if (!cuda_devices) return cuda_devices;
  auto specs = insert_all(db_, sql::device_specs::kTable, batch.devices, [](Stmt& s, const DeviceInfoRow& r) {
    namespace d = sql::device_specs;
    DeviceSpec spec = device_spec(r.compute_major, r.compute_minor, r.sm_count,
                                  static_cast<double>(r.clock_hz),
                                  static_cast<double>(r.memory_bandwidth_bytes_per_s));
    s.bind_int(d::kDeviceId, r.id);
    s.bind_text(d::kUuid, r.uuid);
    s.bind_int(d::kSmCount, r.sm_count);
    s.bind_int(d::kCoreClockHz, as_int(r.clock_hz));
    s.bind_double(d::kPeakDramBytesPerSec, spec.dram_bytes_per_s);
    bind_optional_real(s, d::kPeakFlopsFp64, spec.fp64);
    bind_optional_real(s, d::kPeakFlopsFp32, spec.fp32);
    bind_optional_real(s, d::kPeakFlopsTf32Tc, spec.tf32_tensor);
    bind_optional_real(s, d::kPeakFlopsFp16Tc, spec.fp16_tensor);
    bind_optional_real(s, d::kPeakFlopsBf16Tc, spec.bf16_tensor);
    bind_optional_real(s, d::kPeakFlopsFp8Tc, spec.fp8_tensor);
    bind_optional_real(s, d::kPeakIntopsInt8Tc, spec.int8_tensor);
    s.bind_text(d::kSpecSource, spec.source);
  });
  if (!specs) return specs;
  auto streams = insert_all(db_, sql::streams::kTable, batch.streams, [&](Stmt& s, const StreamInfoRow& r) {
    namespace t = sql::streams;
    s.bind_int(t::kStreamId, r.stream);
    s.bind_int(t::kHwId, 0);
    s.bind_int(t::kVmId, 0);
    s.bind_int(t::kProcessId, pid);
    s.bind_int(t::kContextId, r.context);
    s.bind_int(t::kPriority, r.priority);
    s.bind_int(t::kFlag, r.flag);
    s.bind_int(t::kDdDeviceId, r.device);
  });
  if (!streams) return streams;
  auto calls = insert_all(db_, sql::runtime::kTable, batch.api_calls, [](Stmt& s, const ApiRow& r) {
    namespace c = sql::runtime;
    s.bind_int(c::kStart, r.start);
    s.bind_int(c::kEnd, r.end);
    s.bind_int(c::kEventClass, nsys_enum_id(nsys_event_class_enum(),
                                            static_cast<uint8_t>(r.driver ? NsysEventClass::kDriver
                                                                          : NsysEventClass::kRuntime)));
    s.bind_int(c::kGlobalTid, r.global_tid);
    s.bind_int(c::kCorrelationId, r.correlation);
    s.bind_int(c::kNameId, r.name_id);
    s.bind_int(c::kReturnValue, r.return_value);
    if (r.cbid >= 0) s.bind_int(c::kDdCbid, r.cbid);
  });
  if (!calls) return calls;
  auto kernels = insert_all(db_, sql::kernels::kTable, batch.kernels, [&](Stmt& s, const KernelRow& r) {
    namespace k = sql::kernels;
    s.bind_int(k::kStart, r.start);
    s.bind_int(k::kEnd, r.end);
    s.bind_int(k::kDeviceId, r.device);
    s.bind_int(k::kContextId, r.context);
    s.bind_int(k::kStreamId, r.stream);
    s.bind_int(k::kCorrelationId, r.correlation);
    s.bind_int(k::kGlobalPid, global_pid);
    s.bind_int(k::kDemangledName, r.demangled_name_id);
    s.bind_int(k::kShortName, r.short_name_id);
    s.bind_int(k::kMangledName, r.mangled_name_id);
    const int grid[3] = {k::kGridX, k::kGridY, k::kGridZ};
    const int block[3] = {k::kBlockX, k::kBlockY, k::kBlockZ};
    for (int i = 0; i < 3; ++i) {
      s.bind_int(grid[i], r.grid[i]);
      s.bind_int(block[i], r.block[i]);
    }
    s.bind_int(k::kRegistersPerThread, r.registers_per_thread);
    s.bind_int(k::kStaticSharedMemory, r.static_shared_memory);
    s.bind_int(k::kDynamicSharedMemory, r.dynamic_shared_memory);
  });
  if (!kernels) return kernels;
  auto memcpys = insert_all(db_, sql::memcpys::kTable, batch.memcpys, [&](Stmt& s, const TransferRow& r) {
    namespace c = sql::memcpys;
    s.bind_int(c::kStart, r.start);
    s.bind_int(c::kEnd, r.end);
    s.bind_int(c::kDeviceId, r.device);
    s.bind_int(c::kStreamId, r.stream);
    s.bind_int(c::kCorrelationId, r.correlation);
    s.bind_int(c::kGlobalPid, global_pid);
    s.bind_int(c::kBytes, as_int(r.bytes));
    bind_optional(s, c::kCopyKind, r.copy_kind);
  });
  if (!memcpys) return memcpys;
  auto memsets = insert_all(db_, sql::memsets::kTable, batch.memsets, [&](Stmt& s, const TransferRow& r) {
    namespace m = sql::memsets;
    s.bind_int(m::kStart, r.start);
    s.bind_int(m::kEnd, r.end);
    s.bind_int(m::kDeviceId, r.device);
    s.bind_int(m::kStreamId, r.stream);
    s.bind_int(m::kCorrelationId, r.correlation);
    s.bind_int(m::kGlobalPid, global_pid);
    s.bind_int(m::kBytes, as_int(r.bytes));
  });
  if (!memsets) return memsets;
  auto syncs = insert_all(db_, sql::syncs::kTable, batch.syncs, [&](Stmt& s, const SyncRow& r) {
    namespace y = sql::syncs;
    s.bind_int(y::kStart, r.start);
    s.bind_int(y::kEnd, r.end);
    bind_optional(s, y::kDeviceId, r.device);
    bind_optional(s, y::kStreamId, r.stream);
    s.bind_int(y::kCorrelationId, r.correlation);
    s.bind_int(y::kGlobalPid, global_pid);
    s.bind_int(y::kSyncType, r.type);
    bind_optional(s, y::kEventId, r.event_id);
    bind_optional(s, y::kEventSyncId, r.event_sync_id);
  });
  if (!syncs) return syncs;
  auto events = insert_all(db_, sql::cuda_events::kTable, batch.cuda_events, [&](Stmt& s, const CudaEventRow& r) {
    namespace e = sql::cuda_events;
    bind_optional(s, e::kTimestamp, r.timestamp);
    s.bind_int(e::kDeviceId, r.device);
    s.bind_int(e::kStreamId, r.stream);
    s.bind_int(e::kCorrelationId, r.correlation);
    s.bind_int(e::kGlobalPid, global_pid);
    s.bind_int(e::kEventId, r.event_id);
    s.bind_int(e::kEventSyncId, as_int(r.event_sync_id));
  });
  if (!events) return events;
  auto memory = insert_all(db_, sql::memory::kTable, batch.memory, [&](Stmt& s, const MemoryRow& r) {
    namespace m = sql::memory;
    s.bind_int(m::kStart, r.time);
    s.bind_int(m::kGlobalPid, global_pid);
    s.bind_int(m::kDeviceId, r.device);
    s.bind_int(m::kAddress, as_int(r.address));
    s.bind_int(m::kBytes, as_int(r.bytes));
    s.bind_int(m::kMemKind, r.nsys_memory_kind);
    s.bind_int(m::kMemoryOperationType, r.nsys_operation);
  });
  if (!memory) return memory;
  return insert_all(db_, sql::nvtx::kTable, batch.nvtx_ranges, [](Stmt& s, const NvtxRangeRow& r) {
    namespace n = sql::nvtx;
    s.bind_int(n::kStart, r.start);
    s.bind_int(n::kEnd, r.end);
    s.bind_int(n::kEventType, nsys_enum_id(nvtx_event_type_enum(),
                                           static_cast<uint8_t>(r.push_pop ? NvtxEventType::kPushPopRange
                                                                           : NvtxEventType::kStartEndRange)));
    s.bind_text(n::kText, r.text);
    s.bind_int(n::kGlobalTid, r.global_tid);
    s.bind_int(n::kEndGlobalTid, r.end_global_tid);
    s.bind_int(n::kDomainId, 0);
  });
}

Result<void> CollectorWriter::write_status(const std::map<std::string, std::string>& metadata,
                                           const Diagnostics& diagnostics) {
  if (auto begun = db_.exec("BEGIN"); !begun) return begun;
  if (auto written = write_status_rows(metadata, diagnostics); !written) {
    (void)db_.exec("ROLLBACK");
    return written;
  }
  auto committed = db_.exec("COMMIT");
  if (!committed) (void)db_.exec("ROLLBACK");  // a failed COMMIT may leave the batch open
  return committed;
}

Result<void> CollectorWriter::write_status_rows(const std::map<std::string, std::string>& metadata,
                                                const Diagnostics& diagnostics) {
  auto meta = db_.prepare("INSERT OR REPLACE INTO DD_META (name, value) VALUES (?, ?)");
  if (!meta) return std::unexpected(meta.error());
  for (const auto& [name, value] : metadata) {
    meta->bind_text(0, name);
    meta->bind_text(1, value);
    if (auto done = meta->run(); !done) return done;
  }
  if (auto cleared = db_.exec("DELETE FROM DD_DIAGNOSTICS"); !cleared) return cleared;
  return insert_all(db_, sql::diagnostics::kTable, diagnostics.counters(),
                    [](SqliteBatchInsert& s, const auto& entry) {
                      namespace d = sql::diagnostics;
                      s.bind_text(d::kName, entry.first);
                      s.bind_text(d::kSeverity, severity_name(entry.second.severity));
                      s.bind_int(d::kCount, static_cast<int64_t>(entry.second.count));
                    });
}

Result<void> CollectorWriter::close() {
  return db_.exec(
      "CREATE INDEX IF NOT EXISTS dd_runtime_correlation ON CUPTI_ACTIVITY_KIND_RUNTIME "
      "(correlationId); "
      "CREATE INDEX IF NOT EXISTS dd_kernel_correlation ON CUPTI_ACTIVITY_KIND_KERNEL "
      "(correlationId); "
      "PRAGMA journal_mode = DELETE;");
}

}  // namespace dd::cupti
