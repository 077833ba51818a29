// collector_rows: the rows the CUPTI collector writes, one struct per table, as the record
// converter makes them from CUPTI activity records. They sit between the converter (which
// knows CUPTI's structs) and the writer (which knows SQLite), so each can be tested alone.
// Times are int64 ns relative to the session start t0; ids are CUPTI's own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dd::cupti {

struct StringRow {
  int64_t id = 0;
  std::string value;
};

struct ThreadRow {
  int64_t global_tid = 0;
  uint32_t tid = 0;
  std::optional<int64_t> name_id;  // StringIds id of the thread's name, when known
};

struct DeviceInfoRow {
  uint32_t id = 0;
  std::string name;
  uint64_t total_memory_bytes = 0;
  uint64_t memory_bandwidth_bytes_per_s = 0;
  uint64_t clock_hz = 0;
  uint32_t sm_count = 0;
  uint32_t compute_major = 0;
  uint32_t compute_minor = 0;
  std::string uuid;
};

struct StreamInfoRow {
  uint32_t stream = 0;
  uint32_t context = 0;
  uint32_t device = 0;
  uint32_t priority = 0;
  uint32_t flag = 0;
};

// A CUDA runtime or driver call (CUPTI's RUNTIME, DRIVER and INTERNAL_LAUNCH_API kinds).
struct ApiRow {
  int64_t start = 0;
  int64_t end = 0;
  int64_t global_tid = 0;
  uint32_t correlation = 0;
  int64_t name_id = 0;
  bool driver = false;
  int32_t cbid = -1;
  uint32_t return_value = 0;
};

struct KernelRow {
  int64_t start = 0;
  int64_t end = 0;
  uint32_t device = 0;
  uint32_t context = 0;
  uint32_t stream = 0;
  uint32_t correlation = 0;
  int64_t demangled_name_id = 0;
  int64_t short_name_id = 0;
  int64_t mangled_name_id = 0;
  int32_t grid[3] = {0, 0, 0};
  int32_t block[3] = {0, 0, 0};
  uint32_t registers_per_thread = 0;
  int32_t static_shared_memory = 0;
  int32_t dynamic_shared_memory = 0;
};

// Memcpy (MEMCPY and MEMCPY2) and memset rows share a shape; copy_kind is CUPTI's (and nsys's)
// memcpy kind, absent for memsets.
struct TransferRow {
  int64_t start = 0;
  int64_t end = 0;
  uint32_t device = 0;
  uint32_t stream = 0;
  uint32_t correlation = 0;
  uint64_t bytes = 0;
  std::optional<uint8_t> copy_kind;
};

struct SyncRow {
  int64_t start = 0;
  int64_t end = 0;
  uint32_t context = 0;
  std::optional<uint32_t> device;  // from the context; filled when the context is known
  std::optional<uint32_t> stream;  // absent for context synchronizations
  uint32_t correlation = 0;
  uint32_t type = 0;  // CUpti_ActivitySynchronizationType, the same numbers as nsys
  std::optional<uint32_t> event_id;
  std::optional<uint64_t> event_sync_id;
};

struct CudaEventRow {
  std::optional<int64_t> timestamp;  // only with device timestamps enabled
  uint32_t device = 0;
  uint32_t stream = 0;
  uint32_t correlation = 0;
  uint32_t event_id = 0;
  uint64_t event_sync_id = 0;
};

struct MemoryRow {
  int64_t time = 0;
  uint32_t device = 0;
  uint64_t address = 0;
  uint64_t bytes = 0;
  int64_t nsys_memory_kind = 0;       // ENUM_CUDA_MEM_KIND numbering
  int64_t nsys_operation = 0;         // ENUM_CUDA_DEV_MEM_EVENT_OPER numbering
};

// An NVTX range: push/pop when it ended on its own thread, start/end otherwise.
struct NvtxRangeRow {
  int64_t start = 0;
  int64_t end = 0;
  bool push_pop = true;
  std::string text;
  int64_t global_tid = 0;
  int64_t end_global_tid = 0;
};

// Everything converted from one batch of records, written in one transaction.
struct RowBatch {
  std::vector<StringRow> strings;
  std::vector<ThreadRow> threads;
  std::vector<DeviceInfoRow> devices;
  std::vector<StreamInfoRow> streams;
  std::vector<ApiRow> api_calls;
  std::vector<KernelRow> kernels;
  std::vector<TransferRow> memcpys;
  std::vector<TransferRow> memsets;
  std::vector<SyncRow> syncs;
  std::vector<CudaEventRow> cuda_events;
  std::vector<MemoryRow> memory;
  std::vector<NvtxRangeRow> nvtx_ranges;

  void clear() { *this = RowBatch{}; }
};

}  // namespace dd::cupti
