// Hand-built CUPTI activity records for the collector's tests: each helper zeroes a record
// struct of the CUDA 13.0 layout and fills the fields a test names, as CUPTI would.
#pragma once

#include <cupti_activity.h>

#include <cstdint>
#include <cstring>

namespace dd::cupti::testing {

inline constexpr uint64_t kT0 = 1'000'000'000;  // session start in CUPTI's clock
inline constexpr uint32_t kPid = 4242;

template <typename Record>
Record zeroed(CUpti_ActivityKind kind) {
  Record record;
  std::memset(&record, 0, sizeof record);
  record.kind = kind;
  return record;
}

inline CUpti_ActivityAPI api(CUpti_ActivityKind kind, uint32_t cbid, uint64_t start, uint64_t end,
                             uint32_t tid, uint32_t correlation) {
  auto r = zeroed<CUpti_ActivityAPI>(kind);
  r.cbid = cbid;
  r.start = kT0 + start;
  r.end = kT0 + end;
  r.processId = kPid;
  r.threadId = tid;
  r.correlationId = correlation;
  return r;
}

inline CUpti_ActivityKernel10 kernel(const char* name, uint64_t start, uint64_t end,
                                     uint32_t stream, uint32_t correlation) {
  auto r = zeroed<CUpti_ActivityKernel10>(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  r.name = name;
  r.start = start ? kT0 + start : 0;
  r.end = end ? kT0 + end : 0;
  r.deviceId = 0;
  r.contextId = 1;
  r.streamId = stream;
  r.correlationId = correlation;
  r.gridX = 80;
  r.gridY = r.gridZ = 1;
  r.blockX = 256;
  r.blockY = r.blockZ = 1;
  r.registersPerThread = 32;
  return r;
}

inline CUpti_ActivityMarker2 marker(CUpti_ActivityFlag flag, uint32_t id, uint64_t time,
                                    uint32_t tid, const char* name) {
  auto r = zeroed<CUpti_ActivityMarker2>(CUPTI_ACTIVITY_KIND_MARKER);
  r.flags = flag;
  r.id = id;
  r.timestamp = kT0 + time;
  r.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  r.objectId.pt.processId = kPid;
  r.objectId.pt.threadId = tid;
  r.name = name;
  return r;
}

template <typename Record>
const CUpti_Activity& activity(const Record& record) {
  return reinterpret_cast<const CUpti_Activity&>(record);
}

}  // namespace dd::cupti::testing
