// CUPTI record → row conversion (see record_converter.h). Field meanings and units follow
// cupti_activity.h of CUDA 13.0 (collector-design.md §2, §7.3).
#include "collector/cupti/record_converter.h"

#include <cstdio>
#include <utility>

#include "collector/cupti/kernel_names.h"
#include "collector/sqlite/sqlite_schema.h"

namespace dd::cupti {

// The converter reads records through these layouts; a CUPTI whose records differ is refused
// before any record is decoded (injection.cc compares versions), and these catch a header that
// changed under the same version.
static_assert(sizeof(CUpti_ActivityKernel10) == 216);
static_assert(sizeof(CUpti_ActivityMemcpy6) == 96);
static_assert(sizeof(CUpti_ActivityMemcpyPtoP4) == 96);
static_assert(sizeof(CUpti_ActivityMemset4) == 88);
static_assert(sizeof(CUpti_ActivityAPI) == 40);
static_assert(sizeof(CUpti_ActivitySynchronization2) == 56);
static_assert(sizeof(CUpti_ActivityCudaEvent2) == 56);
static_assert(sizeof(CUpti_ActivityMarker2) == 56);
static_assert(sizeof(CUpti_ActivityMemory4) == 128);
static_assert(sizeof(CUpti_ActivityDevice5) == 184);
static_assert(sizeof(CUpti_ActivityContext3) == 32);
static_assert(sizeof(CUpti_ActivityStream) == 24);
static_assert(sizeof(CUpti_ActivityOverhead3) == 56);

namespace {

// CUPTI memory kinds (0 unknown, 1 pageable, 2 pinned, 3 device, 4 array, 5 managed,
// 6 device static, 7 managed static) in nsys numbering (unknown last).
int64_t nsys_memory_kind(uint32_t cupti_kind) {
  return cupti_kind >= 1 && cupti_kind <= 7 ? cupti_kind - 1 : 7;
}

std::string uuid_text(const CUuuid& uuid) {
  std::string text;
  char byte[3];
  for (int i = 0; i < 16; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned char>(uuid.bytes[i]));
    text += byte;
    if (i == 3 || i == 5 || i == 7 || i == 9) text += '-';
  }
  return "GPU-" + text;
}

template <typename Record>
const Record& as(const CUpti_Activity& record) {
  return reinterpret_cast<const Record&>(record);
}

}  // namespace

RecordConverter::RecordConverter(ConverterSettings settings) : settings_(std::move(settings)) {}

int64_t RecordConverter::time(uint64_t cupti_time) const {
  return static_cast<int64_t>(cupti_time - settings_.t0);
}

bool RecordConverter::has_times(uint64_t start, uint64_t end, std::string_view kind) {
  if (start == 0 || end == 0) {
    diagnostics_.add("cupti_" + std::string(kind) + "_without_timestamps", Severity::kDataLoss);
    return false;
  }
  if (end < start) {
    diagnostics_.add("cupti_" + std::string(kind) + "_end_before_start", Severity::kDataLoss);
    return false;
  }
  return true;
}

int64_t RecordConverter::intern(std::string_view text, RowBatch& batch) {
  auto [it, added] = strings_.try_emplace(std::string(text), static_cast<int64_t>(strings_.size()));
  if (added) batch.strings.push_back({it->second, it->first});
  return it->second;
}

int64_t RecordConverter::thread(uint32_t pid, uint32_t tid, RowBatch& batch) {
  int64_t global = global_tid(pid, tid);
  if (threads_.insert(global).second) {
    ThreadRow row{global, tid, std::nullopt};
    std::string name = settings_.thread_name ? settings_.thread_name(tid) : std::string();
    if (!name.empty()) row.name_id = intern(name, batch);
    batch.threads.push_back(row);
  }
  return global;
}

void RecordConverter::learn_context(uint32_t context, uint32_t device, RowBatch& batch) {
  if (!device_of_context_.try_emplace(context, device).second) return;
  if (auto waiting = syncs_waiting_.find(context); waiting != syncs_waiting_.end()) {
    for (SyncRow& row : waiting->second) {
      row.device = device;
      batch.syncs.push_back(std::move(row));
    }
    syncs_waiting_.erase(waiting);
  }
  if (auto waiting = streams_waiting_.find(context); waiting != streams_waiting_.end()) {
    for (StreamInfoRow& row : waiting->second) {
      row.device = device;
      batch.streams.push_back(row);
    }
    streams_waiting_.erase(waiting);
  }
}

void RecordConverter::convert(const CUpti_Activity& record, RowBatch& batch) {
  ++records_;
  switch (record.kind) {
    case CUPTI_ACTIVITY_KIND_RUNTIME:
      return api(as<CUpti_ActivityAPI>(record), false, false, batch);
    case CUPTI_ACTIVITY_KIND_DRIVER:
      return api(as<CUpti_ActivityAPI>(record), true, false, batch);
    case CUPTI_ACTIVITY_KIND_INTERNAL_LAUNCH_API:
      return api(as<CUpti_ActivityAPI>(record), true, true, batch);
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
      return kernel(as<CUpti_ActivityKernel10>(record), batch);
    case CUPTI_ACTIVITY_KIND_MEMCPY:
      return memcpy(as<CUpti_ActivityMemcpy6>(record), batch);
    case CUPTI_ACTIVITY_KIND_MEMCPY2:
      return peer_memcpy(as<CUpti_ActivityMemcpyPtoP4>(record), batch);
    case CUPTI_ACTIVITY_KIND_MEMSET:
      return memset(as<CUpti_ActivityMemset4>(record), batch);
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
      return sync(as<CUpti_ActivitySynchronization2>(record), batch);
    case CUPTI_ACTIVITY_KIND_CUDA_EVENT:
      return cuda_event(as<CUpti_ActivityCudaEvent2>(record), batch);
    case CUPTI_ACTIVITY_KIND_MARKER:
      return marker(as<CUpti_ActivityMarker2>(record), batch);
    case CUPTI_ACTIVITY_KIND_MEMORY2:
      return memory(as<CUpti_ActivityMemory4>(record), batch);
    case CUPTI_ACTIVITY_KIND_DEVICE:
      return device(as<CUpti_ActivityDevice5>(record), batch);
    case CUPTI_ACTIVITY_KIND_CONTEXT:
      return context(as<CUpti_ActivityContext3>(record), batch);
    case CUPTI_ACTIVITY_KIND_STREAM:
      return stream(as<CUpti_ActivityStream>(record), batch);
    case CUPTI_ACTIVITY_KIND_OVERHEAD: {
      const auto& overhead = as<CUpti_ActivityOverhead3>(record);
      if (overhead.end > overhead.start) overhead_ns_ += overhead.end - overhead.start;
      return;
    }
    case CUPTI_ACTIVITY_KIND_MARKER_DATA:
    case CUPTI_ACTIVITY_KIND_NAME:
    case CUPTI_ACTIVITY_KIND_MEMORY_POOL:
      // Enabled for completeness of the capture; not stored yet (counted, so it is visible).
      diagnostics_.add("cupti_records_not_stored", Severity::kInfo);
      return;
    default:
      diagnostics_.add("cupti_records_of_unknown_kind", Severity::kWarning);
      return;
  }
}

void RecordConverter::api(const CUpti_ActivityAPI& record, bool driver, bool internal,
                          RowBatch& batch) {
  if (record.start == 0 || record.end < record.start) {
    diagnostics_.add("cupti_api_calls_without_timestamps", Severity::kDataLoss);
    return;
  }
  ApiRow row;
  row.start = time(record.start);
  row.end = time(record.end);
  row.global_tid = thread(record.processId, record.threadId, batch);
  row.correlation = record.correlationId;
  row.driver = driver;
  row.return_value = record.returnValue;
  if (internal) {
    row.name_id = intern(kInternalLaunchName, batch);
  } else {
    row.cbid = static_cast<int32_t>(record.cbid);
    auto [it, added] = api_names_[driver].try_emplace(record.cbid, 0);
    if (added) {
      std::string name = settings_.api_name ? settings_.api_name(driver, record.cbid) : "";
      if (name.empty()) name = (driver ? "driver_cbid_" : "runtime_cbid_") + std::to_string(record.cbid);
      it->second = intern(name, batch);
    }
    row.name_id = it->second;
  }
  batch.api_calls.push_back(row);
}

void RecordConverter::kernel(const CUpti_ActivityKernel10& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
  if (!has_times(record.start, record.end, "kernels")) return;
  KernelRow row;
  row.start = time(record.start);
  row.end = time(record.end);
  row.device = record.deviceId;
  row.context = record.contextId;
  row.stream = record.streamId;
  row.correlation = record.correlationId;
  std::string_view mangled = record.name ? record.name : "";
  std::string demangled = demangle_kernel_name(mangled);
  row.mangled_name_id = intern(mangled, batch);
  row.demangled_name_id = intern(demangled, batch);
  row.short_name_id = intern(short_kernel_name(demangled), batch);
  row.grid[0] = record.gridX;
  row.grid[1] = record.gridY;
  row.grid[2] = record.gridZ;
  row.block[0] = record.blockX;
  row.block[1] = record.blockY;
  row.block[2] = record.blockZ;
  row.registers_per_thread = record.registersPerThread;
  row.static_shared_memory = record.staticSharedMemory;
  row.dynamic_shared_memory = record.dynamicSharedMemory;
  batch.kernels.push_back(row);
}

// Copies launched through the runtime carry the runtime call's id apart from the driver's;
// the runtime call is the one the graph builder sees launching it.
void RecordConverter::memcpy(const CUpti_ActivityMemcpy6& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
  if (!has_times(record.start, record.end, "memcpys")) return;
  uint32_t correlation =
      record.runtimeCorrelationId != 0 ? record.runtimeCorrelationId : record.correlationId;
  batch.memcpys.push_back({time(record.start), time(record.end), record.deviceId, record.streamId,
                           correlation, record.bytes, record.copyKind});
}

void RecordConverter::peer_memcpy(const CUpti_ActivityMemcpyPtoP4& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
  if (!has_times(record.start, record.end, "memcpys")) return;
  batch.memcpys.push_back({time(record.start), time(record.end), record.deviceId, record.streamId,
                           record.correlationId, record.bytes, record.copyKind});
}

void RecordConverter::memset(const CUpti_ActivityMemset4& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
  if (!has_times(record.start, record.end, "memsets")) return;
  batch.memsets.push_back({time(record.start), time(record.end), record.deviceId, record.streamId,
                           record.correlationId, record.bytes, std::nullopt});
}

void RecordConverter::sync(const CUpti_ActivitySynchronization2& record, RowBatch& batch) {
  if (record.start == 0 || record.end < record.start) {
    diagnostics_.add("cupti_syncs_without_timestamps", Severity::kDataLoss);
    return;
  }
  auto valid = [](uint32_t value) -> std::optional<uint32_t> {
    if (value == CUPTI_SYNCHRONIZATION_INVALID_VALUE) return std::nullopt;
    return value;
  };
  SyncRow row;
  row.start = time(record.start);
  row.end = time(record.end);
  row.context = record.contextId;
  row.stream = valid(record.streamId);
  row.correlation = record.correlationId;
  row.type = static_cast<uint32_t>(record.type);
  row.event_id = valid(record.cudaEventId);
  if (record.cudaEventSyncId != CUPTI_SYNCHRONIZATION_INVALID_VALUE) {
    row.event_sync_id = record.cudaEventSyncId;
  }
  auto known = device_of_context_.find(record.contextId);
  if (known == device_of_context_.end()) {
    syncs_waiting_[record.contextId].push_back(std::move(row));
    return;
  }
  row.device = known->second;
  batch.syncs.push_back(std::move(row));
}

void RecordConverter::cuda_event(const CUpti_ActivityCudaEvent2& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
  CudaEventRow row;
  if (record.deviceTimestamp != 0) row.timestamp = time(record.deviceTimestamp);
  row.device = record.deviceId;
  row.stream = record.streamId;
  row.correlation = record.correlationId;
  row.event_id = record.eventId;
  row.event_sync_id = record.cudaEventSyncId;
  batch.cuda_events.push_back(row);
}

void RecordConverter::marker(const CUpti_ActivityMarker2& record, RowBatch& batch) {
  if (record.objectKind != CUPTI_ACTIVITY_OBJECT_THREAD) {
    diagnostics_.add("nvtx_markers_not_on_a_thread", Severity::kInfo);
    return;
  }
  int64_t tid = thread(record.objectId.pt.processId, record.objectId.pt.threadId, batch);
  int64_t at = time(record.timestamp);
  std::optional<NvtxRangeRow> range;
  if (record.flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
    range = markers_.start(record.id, at, tid, record.name ? record.name : "");
  } else if (record.flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
    range = markers_.end(record.id, at, tid);
  } else {
    diagnostics_.add("nvtx_marks_not_stored", Severity::kInfo);
  }
  if (range) batch.nvtx_ranges.push_back(std::move(*range));
}

void RecordConverter::memory(const CUpti_ActivityMemory4& record, RowBatch& batch) {
  int64_t operation = -1;
  if (record.memoryOperationType == CUPTI_ACTIVITY_MEMORY_OPERATION_TYPE_ALLOCATION) operation = 0;
  if (record.memoryOperationType == CUPTI_ACTIVITY_MEMORY_OPERATION_TYPE_RELEASE) operation = 1;
  if (operation < 0 || record.timestamp == 0) {
    diagnostics_.add("cupti_memory_records_unusable", Severity::kDataLoss);
    return;
  }
  batch.memory.push_back({time(record.timestamp), record.deviceId, record.address, record.bytes,
                          nsys_memory_kind(record.memoryKind), operation});
}

void RecordConverter::device(const CUpti_ActivityDevice5& record, RowBatch& batch) {
  DeviceInfoRow row;
  row.id = record.id;
  row.name = record.name ? record.name : "";
  row.total_memory_bytes = record.globalMemorySize;
  row.memory_bandwidth_bytes_per_s = record.globalMemoryBandwidth * 1000;  // KB/s
  row.clock_hz = uint64_t{record.coreClockRate} * 1000;                    // kHz
  row.sm_count = record.numMultiprocessors;
  row.compute_major = record.computeCapabilityMajor;
  row.compute_minor = record.computeCapabilityMinor;
  row.uuid = uuid_text(record.uuid);
  batch.devices.push_back(std::move(row));
}

void RecordConverter::context(const CUpti_ActivityContext3& record, RowBatch& batch) {
  learn_context(record.contextId, record.deviceId, batch);
}

void RecordConverter::stream(const CUpti_ActivityStream& record, RowBatch& batch) {
  StreamInfoRow row{record.streamId, record.contextId, 0, record.priority,
                    static_cast<uint32_t>(record.flag)};
  auto known = device_of_context_.find(record.contextId);
  if (known == device_of_context_.end()) {
    streams_waiting_[record.contextId].push_back(row);
    return;
  }
  row.device = known->second;
  batch.streams.push_back(row);
}

void RecordConverter::finish(RowBatch& batch) {
  uint64_t unplaced = 0;
  for (auto& [context, rows] : syncs_waiting_) {
    for (SyncRow& row : rows) batch.syncs.push_back(std::move(row));  // no device: counted
    unplaced += rows.size();
  }
  syncs_waiting_.clear();
  diagnostics_.set("cupti_syncs_on_unknown_context", Severity::kWarning, unplaced);
  uint64_t streams = 0;
  for (auto& [context, rows] : streams_waiting_) streams += rows.size();
  streams_waiting_.clear();
  diagnostics_.set("cupti_streams_on_unknown_context", Severity::kInfo, streams);
  diagnostics_.set("nvtx_ranges_never_ended", Severity::kWarning, markers_.open_starts());
  diagnostics_.set("nvtx_range_ends_without_start", Severity::kWarning, markers_.unmatched_ends());
}

}  // namespace dd::cupti
