// Reading `nsys export --type sqlite` files: two schema variants built here with SQL (a
// 3.28.1-like export with ENUM tables in a non-CUPTI numbering, and an older one without
// ENUM tables, eventSyncId/greenContextId and several tables), checked row by row.
#include <catch2/catch.hpp>

#include "collector/sqlite/sqlite_reader.h"
#include "collector/sqlite_fixture.h"

namespace {

// pid 1234; threads 1234 (main) and 1240.
constexpr const char* kModernExport = R"sql(
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (0, 'cudaLaunchKernel_v7000'), (1, 'cuLaunchKernel'),
  (2, 'void gemm<float>(float*, int)'), (3, 'gemm'), (4, 'registered range'), (5, 'python3'),
  (6, 'worker');
CREATE TABLE META_DATA_EXPORT (name TEXT NOT NULL, value TEXT);
INSERT INTO META_DATA_EXPORT VALUES ('EXPORT_SCHEMA_VERSION', '3.28.1');
CREATE TABLE PROCESSES (globalPid INTEGER, pid INTEGER, name TEXT);
INSERT INTO PROCESSES VALUES (1234 * 16777216, 1234, 'python3');
CREATE TABLE ThreadNames (nameId INTEGER NOT NULL, priority INTEGER, globalTid INTEGER);
INSERT INTO ThreadNames VALUES (5, 0, 1234 * 16777216 + 1234), (6, 0, 1234 * 16777216 + 1240);
CREATE TABLE ENUM_NSYS_EVENT_CLASS (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_NSYS_EVENT_CLASS VALUES (0, 'TRACE_PROCESS_EVENT_CUDA_RUNTIME', 'CUDA runtime'),
  (5, 'TRACE_PROCESS_EVENT_CUDA_DRIVER', 'CUDA driver'),
  (67, 'TRACE_PROCESS_EVENT_CUDABACKTRACE', 'CUDA backtrace');
CREATE TABLE ENUM_NSYS_EVENT_TYPE (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_NSYS_EVENT_TYPE VALUES (33, 'NvtxCategory', 'NvtxCategory'),
  (34, 'NvtxMark', 'NvtxMark'), (59, 'NvtxPushPopRange', 'NvtxPushPopRange'),
  (60, 'NvtxStartEndRange', 'NvtxStartEndRange'), (75, 'NvtxDomainCreate', 'NvtxDomainCreate');
CREATE TABLE ENUM_CUDA_MEMCPY_OPER (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUDA_MEMCPY_OPER VALUES (1, 'CUDA_MEMCPY_KIND_DTOH', 'Device-to-Host'),
  (2, 'CUDA_MEMCPY_KIND_HTOD', 'Host-to-Device'), (11, 'CUDA_MEMCPY_KIND_UVM_HTOD', 'UVM');
CREATE TABLE ENUM_CUPTI_SYNC_TYPE (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUPTI_SYNC_TYPE VALUES
  (3, 'CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE', 'Context sync'),
  (10, 'CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT', 'Stream wait sync'),
  (11, 'CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE', 'Event sync');
CREATE TABLE ENUM_CUDA_MEM_KIND (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUDA_MEM_KIND VALUES (0, 'CUDA_MEMOPR_MEMORY_KIND_PAGEABLE', 'Pageable'),
  (1, 'CUDA_MEMOPR_MEMORY_KIND_PINNED', 'Pinned'), (2, 'CUDA_MEMOPR_MEMORY_KIND_DEVICE', 'Device');
CREATE TABLE ENUM_CUDA_DEV_MEM_EVENT_OPER (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUDA_DEV_MEM_EVENT_OPER VALUES
  (0, 'CUDA_DEV_MEM_EVENT_OPR_ALLOCATION', 'Allocation'),
  (1, 'CUDA_DEV_MEM_EVENT_OPR_DEALLOCATION', 'Deallocation');
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT,
  busLocation TEXT, totalMemory INTEGER, memoryBandwidth INTEGER, clockRate INTEGER,
  smCount INTEGER, computeMajor INTEGER, computeMinor INTEGER);
INSERT INTO TARGET_INFO_GPU VALUES (0, 3, 'NVIDIA H100 80GB HBM3', '0000:1b:00.0', 85520809984,
  3352320000000, 1980000000, 132, 9, 0);
CREATE TABLE TARGET_INFO_CUDA_DEVICE (gpuId INTEGER, cudaId INTEGER, pid INTEGER, uuid TEXT,
  numMultiprocessors INTEGER);
INSERT INTO TARGET_INFO_CUDA_DEVICE VALUES (3, 0, 1234, 'GPU-1234', 132);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL,
  eventClass INTEGER NOT NULL, globalTid INTEGER, correlationId INTEGER, nameId INTEGER NOT NULL,
  returnValue INTEGER NOT NULL, callchainId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES
  (100, 120, 0, 1234 * 16777216 + 1234, 11, 0, 0, NULL),
  (100, 120, 67, 1234 * 16777216 + 1234, 11, 0, 0, 9),
  (130, 140, 5, 1234 * 16777216 + 1240, 12, 1, 0, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL, mangledName INTEGER,
  launchType INTEGER, cacheConfig INTEGER, registersPerThread INTEGER NOT NULL,
  gridX INTEGER NOT NULL, gridY INTEGER NOT NULL, gridZ INTEGER NOT NULL,
  blockX INTEGER NOT NULL, blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL, dynamicSharedMemory INTEGER NOT NULL,
  localMemoryPerThread INTEGER NOT NULL, localMemoryTotal INTEGER NOT NULL,
  gridId INTEGER NOT NULL, sharedMemoryExecuted INTEGER, graphNodeId INTEGER,
  sharedMemoryLimitConfig INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (200, 260, 0, 1, NULL, 7, 11, 1234 * 16777216,
  2, 3, NULL, 0, 0, 96, 64, 2, 1, 128, 1, 1, 1024, 2048, 0, 0, 5, 0, NULL, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, bytes INTEGER NOT NULL,
  copyKind INTEGER NOT NULL, srcKind INTEGER, dstKind INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES
  (270, 280, 0, 1, NULL, 7, 12, 1234 * 16777216, 4096, 2, 0, 2),
  (285, 290, 0, 1, NULL, 7, 13, 1234 * 16777216, 512, 1, 2, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER, value INTEGER NOT NULL,
  bytes INTEGER NOT NULL, graphNodeId INTEGER, memKind INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES (295, 299, 0, 1, NULL, 8, 14, 1234 * 16777216, 0,
  64, NULL, 2);
CREATE TABLE CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (start INTEGER NOT NULL, end INTEGER NOT NULL,
  deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER,
  streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  deprecatedSyncType INTEGER, syncType INTEGER NOT NULL, eventId INTEGER NOT NULL,
  eventSyncId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_SYNCHRONIZATION VALUES
  (300, 310, 0, 1, NULL, 8, 15, 1234 * 16777216, NULL, 10, 21, 31),
  (320, 330, 0, 1, NULL, 4294967295, 16, 1234 * 16777216, NULL, 3, 4294967295, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_CUDA_EVENT (timestamp INTEGER, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL,
  correlationId INTEGER, globalPid INTEGER, eventId INTEGER NOT NULL, eventSyncId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_CUDA_EVENT VALUES (265, 0, 1, NULL, 7, 17, 1234 * 16777216, 21,
  31);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL,
  rangeId INTEGER, category INTEGER, color INTEGER, text TEXT, globalTid INTEGER,
  endGlobalTid INTEGER, textId INTEGER, domainId INTEGER, uint64Value INTEGER,
  int64Value INTEGER, doubleValue REAL, uint32Value INTEGER, int32Value INTEGER,
  floatValue REAL, jsonTextId INTEGER, jsonText TEXT, binaryData TEXT,
  eventId INTEGER NOT NULL PRIMARY KEY);
INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId, domainId, eventId)
  VALUES (0, NULL, 75, 'my domain', 1234 * 16777216 + 1234, NULL, 1, 1),
         (90, 400, 59, 'push range', 1234 * 16777216 + 1234, NULL, 0, 2),
         (95, NULL, 34, 'a mark', 1234 * 16777216 + 1234, NULL, 0, 3),
         (125, 135, 60, NULL, 1234 * 16777216 + 1240, 4, 0, 4);
CREATE TABLE CUDA_GPU_MEMORY_USAGE_EVENTS (start INTEGER NOT NULL, globalPid INTEGER NOT NULL,
  deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, address INTEGER NOT NULL,
  pc INTEGER NOT NULL, bytes INTEGER NOT NULL, memKind INTEGER NOT NULL,
  memoryOperationType INTEGER NOT NULL, name TEXT, correlationId INTEGER, streamId INTEGER);
INSERT INTO CUDA_GPU_MEMORY_USAGE_EVENTS VALUES
  (50, 1234 * 16777216, 0, 1, 4096, 0, 1048576, 2, 0, NULL, 11, NULL),
  (55, 1234 * 16777216, 0, 1, 8192, 0, 65536, 1, 0, NULL, 12, NULL),
  (500, 1234 * 16777216, 0, 1, 4096, 0, 1048576, 2, 1, NULL, 18, NULL);
)sql";

// An older export: no ENUM tables (CUPTI/nsys default numbering applies), no eventClass,
// eventSyncId, greenContextId or NVTX eventId columns, and no PROCESSES, ThreadNames,
// TARGET_INFO_*, MEMSET, CUDA_EVENT, memory or META_DATA_EXPORT tables. pid 99, tid 100.
constexpr const char* kOldExport = R"sql(
CREATE TABLE StringIds (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (1, 'cudaMemcpy'), (2, 'kernel_a'), (3, 'step');
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INT NOT NULL, end INT NOT NULL,
  globalTid INT NOT NULL, correlationId INT NOT NULL, nameId INT NOT NULL,
  returnValue INT NOT NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (10, 20, 99 * 16777216 + 100, 1, 1, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INT NOT NULL, end INT NOT NULL,
  deviceId INT NOT NULL, contextId INT NOT NULL, streamId INT NOT NULL,
  correlationId INT NOT NULL, globalPid INT NOT NULL, demangledName INT NOT NULL,
  shortName INT NOT NULL, gridX INT NOT NULL, gridY INT NOT NULL, gridZ INT NOT NULL,
  blockX INT NOT NULL, blockY INT NOT NULL, blockZ INT NOT NULL,
  registersPerThread INT NOT NULL, staticSharedMemory INT NOT NULL,
  dynamicSharedMemory INT NOT NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (30, 40, 1, 1, 3, 2, 99 * 16777216, 2, 2, 1, 1, 1,
  32, 1, 1, 16, 0, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INT NOT NULL, end INT NOT NULL,
  deviceId INT NOT NULL, contextId INT NOT NULL, streamId INT NOT NULL,
  correlationId INT NOT NULL, globalPid INT NOT NULL, bytes INT NOT NULL,
  copyKind INT NOT NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (21, 25, 1, 1, 3, 1, 99 * 16777216, 100, 1);
CREATE TABLE CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (start INT NOT NULL, end INT NOT NULL,
  deviceId INT NOT NULL, contextId INT NOT NULL, streamId INT NOT NULL,
  correlationId INT NOT NULL, globalPid INT NOT NULL, syncType INT NOT NULL,
  eventId INT NOT NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_SYNCHRONIZATION VALUES (41, 45, 1, 1, 3, 3, 99 * 16777216, 2, 5);
CREATE TABLE NVTX_EVENTS (start INT NOT NULL, end INT, eventType INT NOT NULL, rangeId INT,
  category INT, color INT, text TEXT, globalTid INT, endGlobalTid INT, textId INT,
  domainId INT);
INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid) VALUES
  (5, 50, 59, 'step', 99 * 16777216 + 100), (6, NULL, 34, 'mark', 99 * 16777216 + 100);
)sql";

dd::Trace read_fixture(const char* sql) {
  dd::test::ScratchFile file(".sqlite");
  std::string error = dd::test::make_sqlite_db(file.path(), sql);
  INFO(error);
  REQUIRE(error.empty());
  auto read = dd::read_sqlite_trace(file.path());
  INFO((read ? std::string() : read.error().message));
  REQUIRE(read);
  return std::move(*read);
}

}  // namespace

TEST_CASE("An nsys 3.28-like export reads with enums resolved by name", "[collector][sqlite]") {
  dd::Trace trace = read_fixture(kModernExport);
  CHECK(trace.format == dd::TraceFormat::kNsysSqlite);
  CHECK(trace.metadata.at("nsys.EXPORT_SCHEMA_VERSION") == "3.28.1");
  CHECK(trace.diagnostics.count("sqlite_missing_table") == 0);
  CHECK(trace.diagnostics.count("sqlite_missing_column") == 0);
  CHECK(trace.diagnostics.count("sqlite_malformed_row") == 0);

  REQUIRE(trace.processes.size() == 1);
  CHECK(trace.processes.pid[0] == 1234);
  CHECK(trace.str(trace.processes.name[0]) == "python3");
  REQUIRE(trace.threads.size() == 2);
  CHECK(trace.threads.tid[1] == 1240);
  CHECK(trace.threads.process[1] == 0);
  CHECK(trace.str(trace.threads.name[1]) == "worker");

  REQUIRE(trace.devices.size() == 1);
  CHECK(trace.devices.device_id[0] == 0);
  CHECK(trace.devices.process[0] == 0);
  CHECK(trace.str(trace.devices.name[0]) == "NVIDIA H100 80GB HBM3");
  CHECK(trace.devices.sm_count[0] == 132);
  CHECK(trace.devices.memory_bandwidth_bytes_per_s[0] == 3.35232e12);
  CHECK(trace.devices.clock_hz[0] == 1.98e9);
  CHECK(trace.devices.compute_major[0] == 9);

  SECTION("runtime and driver calls share one table; other event classes are skipped") {
    REQUIRE(trace.api_calls.size() == 2);
    CHECK(trace.api_calls.source[0] == dd::ApiSource::kRuntime);
    CHECK(trace.str(trace.api_calls.name[0]) == "cudaLaunchKernel_v7000");
    CHECK(trace.api_calls.source[1] == dd::ApiSource::kDriver);  // class id 5, by name
    CHECK(trace.threads.tid[trace.api_calls.thread[1]] == 1240);
    CHECK(trace.api_calls.correlation[1] == 12);
    CHECK(trace.api_calls.cbid[1] == -1);
    CHECK(trace.diagnostics.count("nsys_runtime_rows_of_other_class") == 1);
  }
  SECTION("kernels, memcpys and memsets") {
    REQUIRE(trace.gpu_ops.size() == 4);
    const dd::GpuOpTable& ops = trace.gpu_ops;
    CHECK(ops.kind[0] == dd::GpuOpKind::kKernel);
    CHECK(trace.str(ops.name[0]) == "void gemm<float>(float*, int)");  // demangled preferred
    CHECK(ops.grid_x[0] == 64);
    CHECK(ops.block_x[0] == 128);
    CHECK(ops.registers_per_thread[0] == 96);
    CHECK(ops.shared_memory_bytes[0] == 1024 + 2048);
    CHECK(ops.correlation[0] == 11);
    CHECK(trace.streams.stream_id[ops.stream[0]] == 7);
    CHECK(trace.streams.process[ops.stream[0]] == 0);
    CHECK(ops.copy_kind[1] == dd::CopyKind::kHostToDevice);  // id 2 named HTOD in this file
    CHECK(trace.str(ops.name[1]) == "Memcpy HtoD");
    CHECK(ops.bytes[1] == 4096);
    CHECK(ops.copy_kind[2] == dd::CopyKind::kDeviceToHost);
    CHECK(ops.kind[3] == dd::GpuOpKind::kMemset);
    CHECK(trace.streams.stream_id[ops.stream[3]] == 8);
  }
  SECTION("synchronizations and CUDA events") {
    REQUIRE(trace.syncs.size() == 2);
    CHECK(trace.syncs.kind[0] == dd::SyncKind::kStreamWaitEvent);  // id 10, by name
    CHECK(trace.streams.stream_id[trace.syncs.stream[0]] == 8);
    CHECK(trace.syncs.event_id[0] == 21);
    CHECK(trace.syncs.event_sync_id[0] == 31);
    CHECK(trace.syncs.kind[1] == dd::SyncKind::kContextSynchronize);  // CUPTI's 3 is stream sync
    CHECK(trace.syncs.stream[1] == dd::kNone);
    REQUIRE(trace.cuda_events.size() == 1);
    CHECK(trace.cuda_events.time[0] == 265);
    CHECK(trace.cuda_events.event_sync_id[0] == 31);
  }
  SECTION("NVTX ranges, marks and other NVTX records") {
    REQUIRE(trace.ranges.size() == 2);
    CHECK(trace.str(trace.ranges.name[0]) == "push range");
    CHECK(trace.ranges.kind[0] == dd::RangeKind::kNvtx);
    CHECK(trace.ranges.end[0] == 400);
    CHECK(trace.str(trace.ranges.name[1]) == "registered range");  // textId
    CHECK(trace.threads.tid[trace.ranges.thread[1]] == 1240);
    CHECK(trace.diagnostics.count("nvtx_marks_ignored") == 1);
  }
  SECTION("memory events: pinned host memory is device -1") {
    REQUIRE(trace.memory_events.size() == 3);
    CHECK(trace.memory_events.device[0] == 0);
    CHECK(trace.memory_events.op[0] == dd::MemoryOp::kAlloc);
    CHECK(trace.memory_events.device[1] == -1);
    CHECK(trace.memory_events.op[2] == dd::MemoryOp::kFree);
    CHECK(trace.memory_events.bytes[2] == 1048576);
    CHECK(trace.memory_events.process[2] == 0);
    CHECK(trace.memory_events.thread[2] == dd::kNone);
  }
}

TEST_CASE("An older nsys export reads with default enums and counts what is missing",
          "[collector][sqlite]") {
  dd::Trace trace = read_fixture(kOldExport);
  CHECK(trace.format == dd::TraceFormat::kNsysSqlite);
  // 6 ENUM tables, PROCESSES, ThreadNames, TARGET_INFO_GPU, TARGET_INFO_CUDA_DEVICE, MEMSET,
  // CUDA_EVENT, CUDA_GPU_MEMORY_USAGE_EVENTS, META_DATA_EXPORT.
  CHECK(trace.diagnostics.count("sqlite_missing_table") == 14);
  // eventClass and eventSyncId; dd* columns and columns the reader never reads (callchainId,
  // mangledName, NVTX eventId: rowid is used) are not counted.
  CHECK(trace.diagnostics.count("sqlite_missing_column") == 2);
  CHECK(trace.diagnostics.counters().at("sqlite_missing_table").severity == dd::Severity::kInfo);
  CHECK(trace.diagnostics.count("sqlite_malformed_row") == 0);
  // The missing tables are named, in one note, in byte order.
  REQUIRE(trace.diagnostics.notes().size() == 1);
  CHECK(trace.diagnostics.notes()[0].severity == dd::Severity::kInfo);
  CHECK_THAT(trace.diagnostics.notes()[0].text,
             Catch::EndsWith("tables this file does not have (what they would record is not in "
                             "the trace): CUDA_GPU_MEMORY_USAGE_EVENTS, "
                             "CUPTI_ACTIVITY_KIND_CUDA_EVENT, CUPTI_ACTIVITY_KIND_MEMSET, "
                             "ENUM_CUDA_DEV_MEM_EVENT_OPER, ENUM_CUDA_MEMCPY_OPER, "
                             "ENUM_CUDA_MEM_KIND, ENUM_CUPTI_SYNC_TYPE, ENUM_NSYS_EVENT_CLASS, "
                             "ENUM_NSYS_EVENT_TYPE, META_DATA_EXPORT, PROCESSES, "
                             "TARGET_INFO_CUDA_DEVICE, TARGET_INFO_GPU, ThreadNames"));

  // Processes and threads come from the globalTid/globalPid packing alone.
  REQUIRE(trace.processes.size() == 1);
  CHECK(trace.processes.pid[0] == 99);
  REQUIRE(trace.threads.size() == 1);
  CHECK(trace.threads.tid[0] == 100);

  REQUIRE(trace.api_calls.size() == 1);
  CHECK(trace.api_calls.source[0] == dd::ApiSource::kRuntime);  // no eventClass column
  CHECK(trace.str(trace.api_calls.name[0]) == "cudaMemcpy");
  REQUIRE(trace.gpu_ops.size() == 2);
  CHECK(trace.str(trace.gpu_ops.name[0]) == "kernel_a");
  CHECK(trace.gpu_ops.copy_kind[1] == dd::CopyKind::kHostToDevice);  // default numbering: 1
  CHECK(trace.streams.device[trace.gpu_ops.stream[0]] == 1);
  REQUIRE(trace.syncs.size() == 1);
  CHECK(trace.syncs.kind[0] == dd::SyncKind::kStreamWaitEvent);  // default numbering: 2
  CHECK(trace.syncs.event_sync_id[0] == 0);
  REQUIRE(trace.ranges.size() == 1);
  CHECK(trace.str(trace.ranges.name[0]) == "step");
  CHECK(trace.diagnostics.count("nvtx_marks_ignored") == 1);
  CHECK(trace.devices.size() == 0);
}

TEST_CASE("An export with TARGET_INFO_GPU and no TARGET_INFO_CUDA_DEVICE describes its GPU",
          "[collector][sqlite]") {
  std::string sql = std::string(kOldExport) + R"sql(
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT,
  busLocation TEXT, totalMemory INTEGER, memoryBandwidth INTEGER, clockRate INTEGER,
  smCount INTEGER);
INSERT INTO TARGET_INFO_GPU VALUES (0, 1, 'NVIDIA GeForce RTX 2070 SUPER', '0000:01:00.0',
  8366784512, 448064000000, 1800000000, 40);
)sql";
  dd::Trace trace = read_fixture(sql.c_str());
  CHECK(trace.diagnostics.count("sqlite_missing_table") == 13);
  REQUIRE(trace.devices.size() == 1);
  CHECK(trace.str(trace.devices.name[0]) == "NVIDIA GeForce RTX 2070 SUPER");
  CHECK(trace.devices.device_id[0] == 1);  // the kernel's deviceId
  CHECK(trace.devices.process[0] == dd::kNone);
  CHECK(trace.devices.total_memory_bytes[0] == 8366784512);
  CHECK(trace.devices.memory_bandwidth_bytes_per_s[0] == 448064000000.0);
  CHECK(trace.devices.sm_count[0] == 40);
}
