// The in-memory Trace: one columnar table per trace entity (ARCHITECTURE.md, "Data model").
// Every importer (Kineto JSON, nsys/daydream SQLite, the CUPTI collector) fills these tables;
// every later stage reads only them. Times are int64 ns on one time base per trace; names are
// StringIds into `strings`; rows reference other rows by dense uint32 index (kNone = absent).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collector/trace/diagnostics.h"
#include "collector/trace/string_pool.h"

namespace dd {

using TimeNs = int64_t;
inline constexpr uint32_t kNone = UINT32_MAX;

enum class TraceFormat : uint8_t { kUnknown, kKinetoJson, kNsysSqlite, kDaydreamSqlite };
std::string_view trace_format_name(TraceFormat format);

struct ProcessRow {
  int64_t pid = 0;
  StringId name = kEmptyString;
  int32_t rank = -1;  // distributed rank when known
};
struct ProcessTable {
  std::vector<int64_t> pid;
  std::vector<StringId> name;
  std::vector<int32_t> rank;
  size_t size() const { return pid.size(); }
  uint32_t append(const ProcessRow& row);
  ProcessRow row(uint32_t i) const { return {pid[i], name[i], rank[i]}; }
};

struct ThreadRow {
  uint32_t process = kNone;
  int64_t tid = 0;
  StringId name = kEmptyString;
};
struct ThreadTable {
  std::vector<uint32_t> process;
  std::vector<int64_t> tid;
  std::vector<StringId> name;
  size_t size() const { return tid.size(); }
  uint32_t append(const ThreadRow& row);
  ThreadRow row(uint32_t i) const { return {process[i], tid[i], name[i]}; }
};

struct StreamRow {
  uint32_t process = kNone;
  int32_t device = 0;
  int64_t stream_id = 0;  // the CUDA stream id as the profiler reported it
  StringId name = kEmptyString;
};
struct StreamTable {
  std::vector<uint32_t> process;
  std::vector<int32_t> device;
  std::vector<int64_t> stream_id;
  std::vector<StringId> name;
  size_t size() const { return stream_id.size(); }
  uint32_t append(const StreamRow& row);
  StreamRow row(uint32_t i) const { return {process[i], device[i], stream_id[i], name[i]}; }
};

struct DeviceRow {
  uint32_t process = kNone;
  int32_t device_id = 0;
  StringId name = kEmptyString;
  int32_t sm_count = 0;                 // 0 = unknown
  uint64_t total_memory_bytes = 0;      // 0 = unknown
  double memory_bandwidth_bytes_per_s = 0;  // 0 = unknown
  double clock_hz = 0;                  // 0 = unknown
  int8_t compute_major = 0;
  int8_t compute_minor = 0;
};
struct DeviceTable {
  std::vector<uint32_t> process;
  std::vector<int32_t> device_id;
  std::vector<StringId> name;
  std::vector<int32_t> sm_count;
  std::vector<uint64_t> total_memory_bytes;
  std::vector<double> memory_bandwidth_bytes_per_s;
  std::vector<double> clock_hz;
  std::vector<int8_t> compute_major;
  std::vector<int8_t> compute_minor;
  size_t size() const { return device_id.size(); }
  uint32_t append(const DeviceRow& row);
  DeviceRow row(uint32_t i) const;
  // The row describing GPU `id` of `process_row`: its own, else one of no particular process
  // (an Nsight export without TARGET_INFO_CUDA_DEVICE); kNone when none does.
  uint32_t find(uint32_t process_row, int32_t id) const;
};

// CUDA runtime / driver API calls on CPU threads.
enum class ApiSource : uint8_t { kRuntime, kDriver };
struct ApiCallRow {
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t thread = kNone;
  uint64_t correlation = 0;  // 0 = none; links the call to the GPU op it launched
  StringId name = kEmptyString;
  ApiSource source = ApiSource::kRuntime;
  int32_t cbid = -1;         // CUPTI callback id when known
  uint64_t external_id = 0;  // Kineto "External id" (links to the enclosing framework op)
};
struct ApiCallTable {
  std::vector<TimeNs> start, end;
  std::vector<uint32_t> thread;
  std::vector<uint64_t> correlation;
  std::vector<StringId> name;
  std::vector<ApiSource> source;
  std::vector<int32_t> cbid;
  std::vector<uint64_t> external_id;
  size_t size() const { return start.size(); }
  uint32_t append(const ApiCallRow& row);
  ApiCallRow row(uint32_t i) const;
};

// Kernels, memcpys and memsets on GPU streams.
enum class GpuOpKind : uint8_t { kKernel, kMemcpy, kMemset };
enum class CopyKind : uint8_t { kNotACopy, kHostToDevice, kDeviceToHost, kDeviceToDevice, kHostToHost,
                                kPeerToPeer, kUnknown };
std::string_view gpu_op_kind_name(GpuOpKind kind);
std::string_view copy_kind_name(CopyKind kind);

struct GpuOpRow {
  TimeNs start = 0;
  TimeNs end = 0;
  GpuOpKind kind = GpuOpKind::kKernel;
  uint32_t stream = kNone;   // index into streams (which knows process and device)
  uint64_t correlation = 0;  // 0 = unknown launch
  StringId name = kEmptyString;
  uint64_t external_id = 0;
  uint64_t bytes = 0;        // memcpy / memset size
  CopyKind copy_kind = CopyKind::kNotACopy;
  uint32_t grid[3] = {0, 0, 0};
  uint32_t block[3] = {0, 0, 0};
  uint16_t registers_per_thread = 0;
  uint32_t shared_memory_bytes = 0;
};
struct GpuOpTable {
  std::vector<TimeNs> start, end;
  std::vector<GpuOpKind> kind;
  std::vector<uint32_t> stream;
  std::vector<uint64_t> correlation;
  std::vector<StringId> name;
  std::vector<uint64_t> external_id;
  std::vector<uint64_t> bytes;
  std::vector<CopyKind> copy_kind;
  std::vector<uint32_t> grid_x, grid_y, grid_z, block_x, block_y, block_z;
  std::vector<uint16_t> registers_per_thread;
  std::vector<uint32_t> shared_memory_bytes;
  size_t size() const { return start.size(); }
  uint32_t append(const GpuOpRow& row);
  GpuOpRow row(uint32_t i) const;
};

// Named time ranges on a CPU thread (or, for GPU annotations, a stream): framework ops,
// Python functions and modules, user annotations (incl. ProfilerStep#N), NVTX ranges.
enum class RangeKind : uint8_t { kFrameworkOp, kPythonFunction, kUserAnnotation,
                                 kGpuUserAnnotation, kNvtx, kOther };
std::string_view range_kind_name(RangeKind kind);

struct RangeRow {
  TimeNs start = 0;
  TimeNs end = 0;
  RangeKind kind = RangeKind::kOther;
  uint32_t thread = kNone;  // CPU thread, or kNone for ranges on a GPU stream
  uint32_t stream = kNone;  // GPU stream for kGpuUserAnnotation
  StringId name = kEmptyString;
  uint64_t external_id = 0;
  int64_t sequence_number = -1;  // autograd sequence number ("Sequence number" / NVTX seq=)
  uint32_t parent = kNone;       // enclosing range on the same track (filled by finish())
  uint16_t depth = 0;            // nesting depth on its track (filled by finish())
  // A framework op's inputs as the profiler recorded them with record_shapes (Kineto "Input
  // Dims", "Input type", "Concrete Inputs"): the raw JSON arrays; empty when not recorded.
  StringId input_dims = kEmptyString;
  StringId input_types = kEmptyString;
  StringId concrete_inputs = kEmptyString;
};
struct RangeTable {
  std::vector<TimeNs> start, end;
  std::vector<RangeKind> kind;
  std::vector<uint32_t> thread, stream;
  std::vector<StringId> name;
  std::vector<uint64_t> external_id;
  std::vector<int64_t> sequence_number;
  std::vector<uint32_t> parent;
  std::vector<uint16_t> depth;
  std::vector<StringId> input_dims, input_types, concrete_inputs;
  size_t size() const { return start.size(); }
  uint32_t append(const RangeRow& row);
  RangeRow row(uint32_t i) const;
};

// Links between ranges: Kineto `fwdbwd` flows from a forward op to its backward op.
enum class RangeLinkKind : uint8_t { kForwardBackward };
struct RangeLinkTable {
  std::vector<uint32_t> from, to;
  std::vector<RangeLinkKind> kind;
  size_t size() const { return from.size(); }
  void append(uint32_t from_range, uint32_t to_range, RangeLinkKind link_kind);
};

// Host-side synchronizations and stream waits (CUPTI SYNCHRONIZATION, Kineto `cuda_sync`).
enum class SyncKind : uint8_t { kEventSynchronize, kStreamWaitEvent, kStreamSynchronize,
                                kContextSynchronize, kUnknown };
std::string_view sync_kind_name(SyncKind kind);
struct SyncRow {
  TimeNs start = 0;
  TimeNs end = 0;
  SyncKind kind = SyncKind::kUnknown;
  uint32_t thread = kNone;  // CPU thread that issued the call, when known
  uint32_t stream = kNone;  // waiting / synchronized stream
  uint64_t correlation = 0;
  uint64_t event_id = 0;
  uint64_t event_sync_id = 0;              // CUPTI cudaEventSyncId (nsys eventSyncId); 0 = none
  uint64_t event_record_correlation = 0;   // correlation of the cudaEventRecord waited on
};
struct SyncTable {
  std::vector<TimeNs> start, end;
  std::vector<SyncKind> kind;
  std::vector<uint32_t> thread, stream;
  std::vector<uint64_t> correlation, event_id, event_sync_id, event_record_correlation;
  size_t size() const { return start.size(); }
  uint32_t append(const SyncRow& row);
  SyncRow row(uint32_t i) const;
};

// cudaEventRecord occurrences (CUPTI CUDA_EVENT).
struct CudaEventRow {
  TimeNs time = 0;
  uint32_t stream = kNone;
  uint64_t correlation = 0;  // the cudaEventRecord call
  uint64_t event_id = 0;
  uint64_t event_sync_id = 0;
};
struct CudaEventTable {
  std::vector<TimeNs> time;
  std::vector<uint32_t> stream;
  std::vector<uint64_t> correlation, event_id, event_sync_id;
  size_t size() const { return time.size(); }
  uint32_t append(const CudaEventRow& row);
  CudaEventRow row(uint32_t i) const;
};

// Allocator events (Kineto `[memory]` instants, CUPTI MEMORY2 records).
enum class MemoryOp : uint8_t { kAlloc, kFree };
struct MemoryEventRow {
  TimeNs time = 0;
  uint32_t process = kNone;
  uint32_t thread = kNone;
  int32_t device = -1;  // -1 = host memory
  uint64_t address = 0;
  int64_t bytes = 0;    // size of the block, always >= 0; `op` says which way
  MemoryOp op = MemoryOp::kAlloc;
  int64_t total_allocated = -1;  // allocator's running totals after the event; -1 = unknown
  int64_t total_reserved = -1;
};
struct MemoryEventTable {
  std::vector<TimeNs> time;
  std::vector<uint32_t> process, thread;
  std::vector<int32_t> device;
  std::vector<uint64_t> address;
  std::vector<int64_t> bytes;
  std::vector<MemoryOp> op;
  std::vector<int64_t> total_allocated, total_reserved;
  size_t size() const { return time.size(); }
  uint32_t append(const MemoryEventRow& row);
  MemoryEventRow row(uint32_t i) const;
};

// Iteration markers found in the trace (ProfilerStep#N, NVTX iteration ranges, a user marker,
// optimizer steps; collector/trace/iterations.h).
enum class IterationSource : uint8_t { kProfilerStep, kNvtx, kUserMarker, kOptimizerStep };
std::string_view iteration_source_name(IterationSource source);
struct IterationRow {
  TimeNs start = 0;
  TimeNs end = 0;
  uint32_t process = kNone;
  StringId name = kEmptyString;
  int64_t number = -1;
  IterationSource source = IterationSource::kProfilerStep;
  uint32_t thread = kNone;  // the CPU thread of the marker; kNone where a file does not say
};
struct IterationTable {
  std::vector<TimeNs> start, end;
  std::vector<uint32_t> process, thread;
  std::vector<StringId> name;
  std::vector<int64_t> number;
  std::vector<IterationSource> source;
  size_t size() const { return start.size(); }
  uint32_t append(const IterationRow& row);
  IterationRow row(uint32_t i) const;
  void clear();
};

// Correlation ids pair an API call with the GPU op it launched within one process; a job of
// several ranks repeats them across processes. The key of a call or op by both.
inline uint64_t correlation_key(uint32_t process, uint64_t correlation) {
  return (uint64_t{process} << 48) ^ correlation;
}

struct Trace {
  TraceFormat format = TraceFormat::kUnknown;
  StringPool strings;
  ProcessTable processes;
  ThreadTable threads;
  StreamTable streams;
  DeviceTable devices;
  ApiCallTable api_calls;
  GpuOpTable gpu_ops;
  RangeTable ranges;
  RangeLinkTable range_links;
  SyncTable syncs;
  CudaEventTable cuda_events;
  MemoryEventTable memory_events;
  IterationTable iterations;
  std::map<std::string, std::string> metadata;  // ordered: deterministic output
  Diagnostics diagnostics;

  std::string_view str(StringId id) const { return strings.get(id); }
  // Rows of the event tables (API calls, GPU ops, ranges, syncs, CUDA events, memory events).
  size_t event_count() const;
  size_t memory_bytes() const;  // resident bytes of the tables and the string pool
  void shrink_to_fit();
};

}  // namespace dd
