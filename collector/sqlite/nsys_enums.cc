// The ENUM_* rows of the trace format and their meaning in the Trace model (see nsys_enums.h).
#include "collector/sqlite/nsys_enums.h"

#include <array>

#include "collector/trace/trace.h"

namespace dd {

namespace {

template <typename E>
constexpr uint8_t v(E value) {
  return static_cast<uint8_t>(value);
}

constexpr NsysEnumEntry kEventClasses[] = {
    {0, "TRACE_PROCESS_EVENT_CUDA_RUNTIME", "CUDA runtime", v(NsysEventClass::kRuntime), true},
    {1, "TRACE_PROCESS_EVENT_CUDA_DRIVER", "CUDA driver", v(NsysEventClass::kDriver), true},
};

constexpr NsysEnumEntry kNvtxEventTypes[] = {
    {34, "NvtxMark", "NvtxMark", v(NvtxEventType::kMark), true},
    {59, "NvtxPushPopRange", "NvtxPushPopRange", v(NvtxEventType::kPushPopRange), true},
    {60, "NvtxStartEndRange", "NvtxStartEndRange", v(NvtxEventType::kStartEndRange), true},
};

// Array memory counts as device memory; UVM copies by their direction.
constexpr NsysEnumEntry kMemcpyKinds[] = {
    {0, "CUDA_MEMCPY_KIND_UNKNOWN", "Unknown", v(CopyKind::kUnknown), true},
    {1, "CUDA_MEMCPY_KIND_HTOD", "Host-to-Device", v(CopyKind::kHostToDevice), true},
    {2, "CUDA_MEMCPY_KIND_DTOH", "Device-to-Host", v(CopyKind::kDeviceToHost), true},
    {3, "CUDA_MEMCPY_KIND_HTOA", "Host-to-Array", v(CopyKind::kHostToDevice)},
    {4, "CUDA_MEMCPY_KIND_ATOH", "Array-to-Host", v(CopyKind::kDeviceToHost)},
    {5, "CUDA_MEMCPY_KIND_ATOA", "Array-to-Array", v(CopyKind::kDeviceToDevice)},
    {6, "CUDA_MEMCPY_KIND_ATOD", "Array-to-Device", v(CopyKind::kDeviceToDevice)},
    {7, "CUDA_MEMCPY_KIND_DTOA", "Device-to-Array", v(CopyKind::kDeviceToDevice)},
    {8, "CUDA_MEMCPY_KIND_DTOD", "Device-to-Device", v(CopyKind::kDeviceToDevice), true},
    {9, "CUDA_MEMCPY_KIND_HTOH", "Host-to-Host", v(CopyKind::kHostToHost), true},
    {10, "CUDA_MEMCPY_KIND_PTOP", "Peer-to-Peer", v(CopyKind::kPeerToPeer), true},
    {11, "CUDA_MEMCPY_KIND_UVM_HTOD", "Unified Host-to-Device", v(CopyKind::kHostToDevice)},
    {12, "CUDA_MEMCPY_KIND_UVM_DTOH", "Unified Device-to-Host", v(CopyKind::kDeviceToHost)},
    {13, "CUDA_MEMCPY_KIND_UVM_DTOD", "Unified Device-to-Device", v(CopyKind::kDeviceToDevice)},
};

constexpr NsysEnumEntry kSyncTypes[] = {
    {0, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_UNKNOWN", "Unknown", v(SyncKind::kUnknown), true},
    {1, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE", "Event sync",
     v(SyncKind::kEventSynchronize), true},
    {2, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT", "Stream wait sync",
     v(SyncKind::kStreamWaitEvent), true},
    {3, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE", "Stream sync",
     v(SyncKind::kStreamSynchronize), true},
    {4, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE", "Context sync",
     v(SyncKind::kContextSynchronize), true},
};

// nsys numbering (not CUPTI's): pageable and pinned memory live on the host.
constexpr NsysEnumEntry kMemoryKinds[] = {
    {0, "CUDA_MEMOPR_MEMORY_KIND_PAGEABLE", "Pageable", v(MemoryPlace::kHost), true},
    {1, "CUDA_MEMOPR_MEMORY_KIND_PINNED", "Pinned", v(MemoryPlace::kHost)},
    {2, "CUDA_MEMOPR_MEMORY_KIND_DEVICE", "Device", v(MemoryPlace::kDevice), true},
    {3, "CUDA_MEMOPR_MEMORY_KIND_ARRAY", "Array", v(MemoryPlace::kDevice)},
    {4, "CUDA_MEMOPR_MEMORY_KIND_MANAGED", "Managed", v(MemoryPlace::kDevice)},
    {5, "CUDA_MEMOPR_MEMORY_KIND_DEVICE_STATIC", "Device Static", v(MemoryPlace::kDevice)},
    {6, "CUDA_MEMOPR_MEMORY_KIND_MANAGED_STATIC", "Managed Static", v(MemoryPlace::kDevice)},
    {7, "CUDA_MEMOPR_MEMORY_KIND_UNKNOWN", "Unknown", v(MemoryPlace::kDevice)},
};

// nsys numbering (not CUPTI's 1/2).
constexpr NsysEnumEntry kMemoryOperations[] = {
    {0, "CUDA_DEV_MEM_EVENT_OPR_ALLOCATION", "Allocation", v(MemoryOp::kAlloc), true},
    {1, "CUDA_DEV_MEM_EVENT_OPR_DEALLOCATION", "Deallocation", v(MemoryOp::kFree), true},
};

constexpr NsysEnum kEventClassEnum{"ENUM_NSYS_EVENT_CLASS", kEventClasses,
                                   v(NsysEventClass::kOther)};
constexpr NsysEnum kNvtxEventTypeEnum{"ENUM_NSYS_EVENT_TYPE", kNvtxEventTypes,
                                      v(NvtxEventType::kOther)};
constexpr NsysEnum kMemcpyKindEnum{"ENUM_CUDA_MEMCPY_OPER", kMemcpyKinds, v(CopyKind::kUnknown)};
constexpr NsysEnum kSyncTypeEnum{"ENUM_CUPTI_SYNC_TYPE", kSyncTypes, v(SyncKind::kUnknown)};
constexpr NsysEnum kMemoryKindEnum{"ENUM_CUDA_MEM_KIND", kMemoryKinds, v(MemoryPlace::kDevice)};
// An operation that is neither cannot be guessed: the reader drops such rows as malformed.
constexpr NsysEnum kMemoryOperationEnum{"ENUM_CUDA_DEV_MEM_EVENT_OPER", kMemoryOperations,
                                        UINT8_MAX};

constexpr std::array<const NsysEnum*, 6> kAllEnums = {&kEventClassEnum, &kNvtxEventTypeEnum,
                                                      &kMemcpyKindEnum, &kSyncTypeEnum,
                                                      &kMemoryKindEnum, &kMemoryOperationEnum};

}  // namespace

const NsysEnum& nsys_event_class_enum() {
  return kEventClassEnum;
}
const NsysEnum& nvtx_event_type_enum() {
  return kNvtxEventTypeEnum;
}
const NsysEnum& memcpy_kind_enum() {
  return kMemcpyKindEnum;
}
const NsysEnum& sync_type_enum() {
  return kSyncTypeEnum;
}
const NsysEnum& memory_kind_enum() {
  return kMemoryKindEnum;
}
const NsysEnum& memory_operation_enum() {
  return kMemoryOperationEnum;
}
std::span<const NsysEnum* const> all_nsys_enums() {
  return kAllEnums;
}

int64_t nsys_enum_id(const NsysEnum& nsys_enum, uint8_t value) {
  for (const NsysEnumEntry& entry : nsys_enum.entries) {
    if (entry.canonical && entry.value == value) return entry.id;
  }
  return nsys_enum.entries.front().id;
}

}  // namespace dd
