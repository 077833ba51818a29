// sqlite_tables: the tables and columns of the daydream SQLite trace format, declared once.
// The schema script, the writer's INSERTs and the reader's SELECTs are all generated from these
// declarations, so the three cannot drift apart. Each table has an enum of column positions
// (the writer binds and the reader reads by these) and a matching array of names and types.
// Names follow the Nsight Systems export (schema 3.28.1); our additions are `DD_*` tables and
// `dd*` columns (collector-design.md §7.3-7.4).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "collector/sqlite/sqlite_schema.h"

namespace dd::sql {

// nsys ids: globalTid = <hwId:8><vmId:8><pid:24><tid:24>, globalPid the same with tid 0. The
// writer uses the hw/vm bits to keep apart processes of one Trace that share a pid (the ranks
// of a job, each traced in its own container); pid = globalPid / 0x1000000 % 0x1000000 holds.
inline int64_t process_of_global(int64_t global_tid) {
  return global_tid & ~int64_t{0xFFFFFF};
}
inline int64_t compose_global_pid(int64_t hw_id, int64_t vm_id, int64_t pid) {
  return ((hw_id & 0xFF) << 56) | ((vm_id & 0xFF) << 48) | global_pid(pid);
}
inline int64_t hw_id_of_global(int64_t global) {
  return (global >> 56) & 0xFF;
}
inline int64_t vm_id_of_global(int64_t global) {
  return (global >> 48) & 0xFF;
}

// What the reader makes of a column: required (a row without a valid value is malformed),
// optional (NULL or absent reads as a default), or written for nsys tools but never read.
enum class Role : uint8_t { kOptional, kRequired, kWriteOnly };
inline constexpr Role kRequired = Role::kRequired;
inline constexpr Role kWriteOnly = Role::kWriteOnly;

struct Column {
  std::string_view name;
  std::string_view type;  // SQL declaration after the name
  Role role = Role::kOptional;
};

struct Table {
  std::string_view name;
  std::span<const Column> columns;
};

// `DD_*` tables and `dd*` columns are ours: nsys exports never have them.
constexpr bool is_extension(std::string_view name) {
  return name.starts_with("DD_") || name.starts_with("dd");
}

inline constexpr std::string_view kInteger = "INTEGER";
inline constexpr std::string_view kTextType = "TEXT";
inline constexpr std::string_view kRowidKey = "INTEGER PRIMARY KEY";

// A table whose column list must match its column enum (checked at compile time).
template <size_t N>
consteval Table make_table(std::string_view name, const Column (&columns)[N], int count) {
  if (static_cast<int>(N) != count) throw "the column list and the column enum differ";
  return Table{name, columns};
}

// Column enums are kept compact by hand.
// clang-format off

// ---- shared

namespace strings {
enum : int { kId, kValue, kColumnCount };
inline constexpr Column kColumns[] = {{"id", kRowidKey, kRequired},
                                      {"value", "TEXT NOT NULL", kRequired}};
inline constexpr Table kTable = make_table("StringIds", kColumns, kColumnCount);
}  // namespace strings

// Every ENUM_* table has this shape; the tables themselves are listed in nsys_enums.h.
namespace enum_rows {
enum : int { kId, kName, kLabel, kColumnCount };
}
inline constexpr Column kEnumColumns[] = {
    {"id", kRowidKey, kRequired}, {"name", kTextType, kRequired}, {"label", kTextType, kWriteOnly}};

namespace processes {
enum : int { kGlobalPid, kPid, kName, kColumnCount };
inline constexpr Column kColumns[] = {
    {"globalPid", kInteger, kRequired}, {"pid", kInteger}, {"name", kTextType}};
inline constexpr Table kTable = make_table("PROCESSES", kColumns, kColumnCount);
}  // namespace processes

namespace dd_processes {
enum : int { kGlobalPid, kRank, kColumnCount };
inline constexpr Column kColumns[] = {{"globalPid", kInteger, kRequired},
                                      {"rank", kInteger, kRequired}};
inline constexpr Table kTable = make_table("DD_PROCESSES", kColumns, kColumnCount);
}  // namespace dd_processes

namespace threads {
enum : int { kNameId, kPriority, kGlobalTid, kDdTid, kColumnCount };
inline constexpr Column kColumns[] = {{"nameId", kInteger},
                                      {"priority", kInteger, kWriteOnly},
                                      {"globalTid", kInteger, kRequired},
                                      {"ddTid", kInteger}};
inline constexpr Table kTable = make_table("ThreadNames", kColumns, kColumnCount);
}  // namespace threads

// ---- devices and streams

namespace gpus {
enum : int { kId, kName, kTotalMemory, kMemoryBandwidth, kClockRate, kSmCount, kComputeMajor,
             kComputeMinor, kColumnCount };
inline constexpr Column kColumns[] = {{"id", kInteger, kRequired}, {"name", kTextType},
                                      {"totalMemory", kInteger},   {"memoryBandwidth", kInteger},
                                      {"clockRate", kInteger},     {"smCount", kInteger},
                                      {"computeMajor", kInteger},  {"computeMinor", kInteger}};
inline constexpr Table kTable = make_table("TARGET_INFO_GPU", kColumns, kColumnCount);
}  // namespace gpus

namespace cuda_devices {
enum : int { kGpuId, kCudaId, kPid, kUuid, kNumMultiprocessors, kDdGlobalPid, kColumnCount };
inline constexpr Column kColumns[] = {
    {"gpuId", kInteger, kRequired},  {"cudaId", kInteger, kRequired},  {"pid", kInteger},
    {"uuid", kTextType, kWriteOnly}, {"numMultiprocessors", kInteger}, {"ddGlobalPid", kInteger}};
inline constexpr Table kTable = make_table("TARGET_INFO_CUDA_DEVICE", kColumns, kColumnCount);
}  // namespace cuda_devices

namespace streams {
enum : int { kStreamId, kHwId, kVmId, kProcessId, kContextId, kPriority, kFlag, kDdDeviceId,
             kDdNameId, kColumnCount };
inline constexpr Column kColumns[] = {{"streamId", kInteger, kRequired},
                                      {"hwId", kInteger},
                                      {"vmId", kInteger},
                                      {"processId", kInteger, kRequired},
                                      {"contextId", kInteger, kWriteOnly},
                                      {"priority", kInteger, kWriteOnly},
                                      {"flag", kInteger, kWriteOnly},
                                      {"ddDeviceId", kInteger, kRequired},
                                      {"ddNameId", kInteger}};
inline constexpr Table kTable = make_table("TARGET_INFO_CUDA_STREAM", kColumns, kColumnCount);
}  // namespace streams

// ---- CPU side

namespace runtime {
enum : int { kStart, kEnd, kEventClass, kGlobalTid, kCorrelationId, kNameId, kReturnValue,
             kCallchainId, kDdCbid, kDdExternalId, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired},
                                      {"eventClass", kInteger},
                                      {"globalTid", kInteger, kRequired},
                                      {"correlationId", kInteger},
                                      {"nameId", kInteger},
                                      {"returnValue", kInteger, kWriteOnly},
                                      {"callchainId", kInteger, kWriteOnly},
                                      {"ddCbid", kInteger},
                                      {"ddExternalId", kInteger}};
inline constexpr Table kTable = make_table("CUPTI_ACTIVITY_KIND_RUNTIME", kColumns, kColumnCount);
}  // namespace runtime

// ---- GPU work

namespace kernels {
enum : int { kStart, kEnd, kDeviceId, kContextId, kStreamId, kCorrelationId, kGlobalPid,
             kDemangledName, kShortName, kMangledName, kGridX, kGridY, kGridZ, kBlockX, kBlockY,
             kBlockZ, kRegistersPerThread, kStaticSharedMemory, kDynamicSharedMemory, kDdExternalId,
             kDdOpId, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired},
                                      {"deviceId", kInteger, kRequired},
                                      {"contextId", kInteger, kWriteOnly},
                                      {"streamId", kInteger, kRequired},
                                      {"correlationId", kInteger},
                                      {"globalPid", kInteger, kRequired},
                                      {"demangledName", kInteger},
                                      {"shortName", kInteger},
                                      {"mangledName", kInteger, kWriteOnly},
                                      {"gridX", kInteger},
                                      {"gridY", kInteger},
                                      {"gridZ", kInteger},
                                      {"blockX", kInteger},
                                      {"blockY", kInteger},
                                      {"blockZ", kInteger},
                                      {"registersPerThread", kInteger},
                                      {"staticSharedMemory", kInteger},
                                      {"dynamicSharedMemory", kInteger},
                                      {"ddExternalId", kInteger},
                                      {"ddOpId", kInteger}};
inline constexpr Table kTable = make_table("CUPTI_ACTIVITY_KIND_KERNEL", kColumns, kColumnCount);
}  // namespace kernels

namespace memcpys {
enum : int { kStart, kEnd, kDeviceId, kStreamId, kCorrelationId, kGlobalPid, kBytes, kCopyKind,
             kDdExternalId, kDdOpId, kDdNameId, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired},
                                      {"deviceId", kInteger, kRequired},
                                      {"streamId", kInteger, kRequired},
                                      {"correlationId", kInteger},
                                      {"globalPid", kInteger, kRequired},
                                      {"bytes", kInteger},
                                      {"copyKind", kInteger},
                                      {"ddExternalId", kInteger},
                                      {"ddOpId", kInteger},
                                      {"ddNameId", kInteger}};
inline constexpr Table kTable = make_table("CUPTI_ACTIVITY_KIND_MEMCPY", kColumns, kColumnCount);
}  // namespace memcpys

namespace memsets {
enum : int { kStart, kEnd, kDeviceId, kStreamId, kCorrelationId, kGlobalPid, kBytes, kDdExternalId,
             kDdOpId, kDdNameId, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired},
                                      {"deviceId", kInteger, kRequired},
                                      {"streamId", kInteger, kRequired},
                                      {"correlationId", kInteger},
                                      {"globalPid", kInteger, kRequired},
                                      {"bytes", kInteger},
                                      {"ddExternalId", kInteger},
                                      {"ddOpId", kInteger},
                                      {"ddNameId", kInteger}};
inline constexpr Table kTable = make_table("CUPTI_ACTIVITY_KIND_MEMSET", kColumns, kColumnCount);
}  // namespace memsets

// ---- ranges: NVTX ranges in NVTX_EVENTS, every other kind in DD_RANGES. Both tables key rows
// by their rowid (eventId / rangeId), which the writer sets to the range's index in the Trace;
// parents and DD_RANGE_LINKS refer to ranges by that id.

namespace nvtx {
enum : int { kEventId, kStart, kEnd, kEventType, kText, kGlobalTid, kEndGlobalTid, kTextId,
             kDomainId, kDdExternalId, kDdSequenceNumber, kDdParentId, kDdDepth, kColumnCount };
inline constexpr Column kColumns[] = {{"eventId", kRowidKey, kWriteOnly},
                                      {"start", kInteger, kRequired},
                                      {"end", kInteger},
                                      {"eventType", kInteger, kRequired},
                                      {"text", kTextType},
                                      {"globalTid", kInteger},
                                      {"endGlobalTid", kInteger, kWriteOnly},
                                      {"textId", kInteger},
                                      {"domainId", kInteger, kWriteOnly},
                                      {"ddExternalId", kInteger},
                                      {"ddSequenceNumber", kInteger},
                                      {"ddParentId", kInteger},
                                      {"ddDepth", kInteger}};
inline constexpr Table kTable = make_table("NVTX_EVENTS", kColumns, kColumnCount);
}  // namespace nvtx

namespace ranges {
enum : int { kRangeId, kStart, kEnd, kKind, kGlobalTid, kGlobalPid, kDeviceId, kStreamId, kNameId,
             kExternalId, kSequenceNumber, kParentId, kDepth, kInputDimsId, kInputTypesId,
             kConcreteInputsId, kColumnCount };
inline constexpr Column kColumns[] = {{"rangeId", kRowidKey},       {"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired}, {"kind", kTextType, kRequired},
                                      {"globalTid", kInteger},      {"globalPid", kInteger},
                                      {"deviceId", kInteger},       {"streamId", kInteger},
                                      {"nameId", kInteger},         {"externalId", kInteger},
                                      {"sequenceNumber", kInteger}, {"parentId", kInteger},
                                      {"depth", kInteger},          {"inputDimsId", kInteger},
                                      {"inputTypesId", kInteger},   {"concreteInputsId", kInteger}};
inline constexpr Table kTable = make_table("DD_RANGES", kColumns, kColumnCount);
}  // namespace ranges

// DD_RANGE_LINKS.kind, indexed by RangeLinkKind.
inline constexpr std::string_view kRangeLinkKindNames[] = {"forward_backward"};

namespace range_links {
enum : int { kFromRangeId, kToRangeId, kKind, kColumnCount };
inline constexpr Column kColumns[] = {{"fromRangeId", kInteger, kRequired},
                                      {"toRangeId", kInteger, kRequired},
                                      {"kind", kTextType, kRequired}};
inline constexpr Table kTable = make_table("DD_RANGE_LINKS", kColumns, kColumnCount);
}  // namespace range_links

// ---- synchronization, CUDA events, memory

namespace syncs {
enum : int { kStart, kEnd, kDeviceId, kStreamId, kCorrelationId, kGlobalPid, kSyncType, kEventId,
             kEventSyncId, kDdGlobalTid, kDdEventRecordCorrelation, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"end", kInteger, kRequired},
                                      {"deviceId", kInteger},
                                      {"streamId", kInteger},
                                      {"correlationId", kInteger},
                                      {"globalPid", kInteger},
                                      {"syncType", kInteger},
                                      {"eventId", kInteger},
                                      {"eventSyncId", kInteger},
                                      {"ddGlobalTid", kInteger},
                                      {"ddEventRecordCorrelation", kInteger}};
inline constexpr Table kTable =
    make_table("CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", kColumns, kColumnCount);
}  // namespace syncs

namespace cuda_events {
enum : int { kTimestamp, kDeviceId, kStreamId, kCorrelationId, kGlobalPid, kEventId, kEventSyncId,
             kColumnCount };
inline constexpr Column kColumns[] = {{"timestamp", kInteger},  {"deviceId", kInteger},
                                      {"streamId", kInteger},   {"correlationId", kInteger},
                                      {"globalPid", kInteger},  {"eventId", kInteger},
                                      {"eventSyncId", kInteger}};
inline constexpr Table kTable =
    make_table("CUPTI_ACTIVITY_KIND_CUDA_EVENT", kColumns, kColumnCount);
}  // namespace cuda_events

namespace memory {
enum : int { kStart, kGlobalPid, kDeviceId, kAddress, kBytes, kMemKind, kMemoryOperationType,
             kDdGlobalTid, kDdTotalAllocated, kDdTotalReserved, kColumnCount };
inline constexpr Column kColumns[] = {{"start", kInteger, kRequired},
                                      {"globalPid", kInteger},
                                      {"deviceId", kInteger},
                                      {"address", kInteger},
                                      {"bytes", kInteger, kRequired},
                                      {"memKind", kInteger},
                                      {"memoryOperationType", kInteger, kRequired},
                                      {"ddGlobalTid", kInteger},
                                      {"ddTotalAllocated", kInteger},
                                      {"ddTotalReserved", kInteger}};
inline constexpr Table kTable = make_table("CUDA_GPU_MEMORY_USAGE_EVENTS", kColumns, kColumnCount);
}  // namespace memory

// Peak throughput of each device, written by the CUPTI collector (collector/cupti/device_specs.h);
// FLOP/s columns are NULL where the architecture lacks the unit or is not in its table.
namespace device_specs {
enum : int { kDeviceId, kUuid, kSmCount, kCoreClockHz, kPeakDramBytesPerSec, kPeakFlopsFp64,
             kPeakFlopsFp32, kPeakFlopsTf32Tc, kPeakFlopsFp16Tc, kPeakFlopsBf16Tc, kPeakFlopsFp8Tc,
             kPeakIntopsInt8Tc, kSpecSource, kColumnCount };
inline constexpr Column kColumns[] = {
    {"deviceId", kInteger, kRequired}, {"uuid", kTextType},           {"smCount", kInteger},
    {"coreClockHz", kInteger},         {"peakDramBytesPerSec", "REAL"}, {"peakFlopsFp64", "REAL"},
    {"peakFlopsFp32", "REAL"},         {"peakFlopsTf32Tc", "REAL"},   {"peakFlopsFp16Tc", "REAL"},
    {"peakFlopsBf16Tc", "REAL"},       {"peakFlopsFp8Tc", "REAL"},    {"peakIntopsInt8Tc", "REAL"},
    {"specSource", kTextType}};
inline constexpr Table kTable = make_table("DD_DEVICE_SPEC", kColumns, kColumnCount);
}  // namespace device_specs

// ---- DD_* tables: iterations, metadata, diagnostics

namespace iterations {
enum : int { kGlobalPid, kIteration, kStart, kEnd, kSource, kNameId, kGlobalTid, kColumnCount };
inline constexpr Column kColumns[] = {
    {"globalPid", kInteger},      {"iteration", kInteger},          {"start", kInteger, kRequired},
    {"end", kInteger, kRequired}, {"source", kTextType, kRequired}, {"nameId", kInteger},
    {"globalTid", kInteger}};  // the marker's thread (absent in files of format 1)
inline constexpr Table kTable = make_table("DD_ITERATIONS", kColumns, kColumnCount);
}  // namespace iterations

// DD_META rows the writer owns; Trace::metadata keys of these names are not stored.
inline constexpr std::string_view kFormatKey = "format";
inline constexpr std::string_view kFormatValue = "ddtrace";
inline constexpr std::string_view kFormatVersionKey = "formatVersion";
inline constexpr std::string_view kNsysSchemaBasisKey = "nsysSchemaBasis";
// The format the Trace was imported from; kept in Trace::metadata when read back.
inline constexpr std::string_view kSourceFormatKey = "sourceFormat";

namespace meta {
enum : int { kName, kValue, kColumnCount };
inline constexpr Column kColumns[] = {{"name", "TEXT PRIMARY KEY", kRequired},
                                      {"value", kTextType}};
inline constexpr Table kTable = make_table("DD_META", kColumns, kColumnCount);
}  // namespace meta

namespace diagnostics {
enum : int { kName, kSeverity, kCount, kColumnCount };
inline constexpr Column kColumns[] = {
    {"name", kTextType, kRequired}, {"severity", kTextType}, {"count", kInteger, kRequired}};
inline constexpr Table kTable = make_table("DD_DIAGNOSTICS", kColumns, kColumnCount);
}  // namespace diagnostics

// Read from nsys exports only (we are not an nsys export, so we never write it).
namespace nsys_meta {
enum : int { kName, kValue, kColumnCount };
inline constexpr Column kColumns[] = {{"name", kTextType, kRequired}, {"value", kTextType}};
inline constexpr Table kTable = make_table("META_DATA_EXPORT", kColumns, kColumnCount);
}  // namespace nsys_meta

// clang-format on

// Every table the writer creates (ENUM_* tables aside), in creation order.
inline constexpr Table kWrittenTables[] = {
    strings::kTable, processes::kTable,    dd_processes::kTable, threads::kTable,
    gpus::kTable,    cuda_devices::kTable, streams::kTable,      runtime::kTable,
    kernels::kTable, memcpys::kTable,      memsets::kTable,      nvtx::kTable,
    ranges::kTable,  range_links::kTable,  syncs::kTable,        cuda_events::kTable,
    memory::kTable,  iterations::kTable,   meta::kTable,         diagnostics::kTable,
    device_specs::kTable};

}  // namespace dd::sql
