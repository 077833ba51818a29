// nsys_enums: the Nsight Systems ENUM_* tables the trace format uses, as (id, name, label)
// rows, and what each name means in the Trace model. nsys numbering differs from CUPTI's in
// places (memory kinds, memory operations) and may change between versions, so the reader maps
// a file's ids to meaning through the file's own ENUM_* rows by *name*; these rows are what the
// writer emits and what the reader assumes when a file has no ENUM_* table.
// Names as in exports of schema 3.16-3.28 ("SQLite Schema Event Values", Nsight Systems docs).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace dd {

struct NsysEnumEntry {
  int64_t id;
  std::string_view name;
  std::string_view label;
  uint8_t value;           // the Trace enum (or reader category) this name maps to
  bool canonical = false;  // the id the writer uses for `value`
};

struct NsysEnum {
  std::string_view table;
  std::span<const NsysEnumEntry> entries;
  uint8_t unknown_value;  // meaning of an id or name not listed
};

// ENUM_NSYS_EVENT_CLASS, as used by CUPTI_ACTIVITY_KIND_RUNTIME.eventClass.
enum class NsysEventClass : uint8_t { kRuntime, kDriver, kOther };
// ENUM_NSYS_EVENT_TYPE, as used by NVTX_EVENTS.eventType.
enum class NvtxEventType : uint8_t { kPushPopRange, kStartEndRange, kMark, kOther };
// ENUM_CUDA_MEM_KIND reduced to what the Trace keeps: host (device -1) or device memory.
enum class MemoryPlace : uint8_t { kHost, kDevice };

const NsysEnum& nsys_event_class_enum();
const NsysEnum& nvtx_event_type_enum();
const NsysEnum& memcpy_kind_enum();       // values: CopyKind
const NsysEnum& sync_type_enum();         // values: SyncKind
const NsysEnum& memory_kind_enum();       // values: MemoryPlace
const NsysEnum& memory_operation_enum();  // values: MemoryOp
std::span<const NsysEnum* const> all_nsys_enums();

// The id the writer stores for `value` (the canonical entry).
int64_t nsys_enum_id(const NsysEnum& nsys_enum, uint8_t value);

}  // namespace dd
