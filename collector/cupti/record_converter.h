// record_converter: turns CUPTI activity records (CUDA 13.0 structs, collector-design.md §2)
// into the collector's rows. It includes CUPTI's headers for the record layouts only and
// calls no CUPTI function, so it is unit-tested with hand-built records on machines without
// a GPU; the one CUPTI service it needs, naming an API callback id, is passed in.
//
// It is order-independent where CUPTI's delivery is not ordered: NVTX ends may precede their
// starts, and a synchronization may name a context whose device is not known yet (held until
// a record tells it, or written without a device at finish). Records that cannot be used are
// counted in its diagnostics, never guessed: zero timestamps ("not collected"), unknown kinds.
#pragma once

#include <cupti_activity.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "collector/cupti/collector_rows.h"
#include "collector/cupti/marker_pairer.h"
#include "collector/trace/diagnostics.h"

namespace dd::cupti {

// The CUPTI name of a runtime (driver = false) or driver API callback id, e.g.
// "cudaLaunchKernel_v7000"; empty when unknown.
using ApiNamer = std::function<std::string(bool driver, uint32_t cbid)>;
// The name of a thread of this process, e.g. from /proc/self/task/<tid>/comm; empty if unknown.
using ThreadNamer = std::function<std::string(uint32_t tid)>;

struct ConverterSettings {
  uint64_t t0 = 0;  // session start, in CUPTI's clock; every time is stored relative to it
  uint32_t pid = 0;
  ApiNamer api_name;
  ThreadNamer thread_name;
};

// The API name given to INTERNAL_LAUNCH_API records: driver launches outside any public API.
inline constexpr std::string_view kInternalLaunchName = "internal_launch";

class RecordConverter {
 public:
  explicit RecordConverter(ConverterSettings settings);

  void convert(const CUpti_Activity& record, RowBatch& batch);
  // Ends the session: writes what was held back and counts what never completed.
  void finish(RowBatch& batch);

  const Diagnostics& diagnostics() const { return diagnostics_; }
  uint64_t records() const { return records_; }
  // Time CUPTI reported spending on its own work (OVERHEAD records), in ns.
  uint64_t overhead_ns() const { return overhead_ns_; }

 private:
  int64_t time(uint64_t cupti_time) const;
  // False (and counted) when a GPU record's timestamps were not collected.
  bool has_times(uint64_t start, uint64_t end, std::string_view kind);
  int64_t intern(std::string_view text, RowBatch& batch);
  int64_t thread(uint32_t pid, uint32_t tid, RowBatch& batch);
  void learn_context(uint32_t context, uint32_t device, RowBatch& batch);

  void api(const CUpti_ActivityAPI& record, bool driver, bool internal, RowBatch& batch);
  void kernel(const CUpti_ActivityKernel10& record, RowBatch& batch);
  void memcpy(const CUpti_ActivityMemcpy6& record, RowBatch& batch);
  void peer_memcpy(const CUpti_ActivityMemcpyPtoP4& record, RowBatch& batch);
  void memset(const CUpti_ActivityMemset4& record, RowBatch& batch);
  void sync(const CUpti_ActivitySynchronization2& record, RowBatch& batch);
  void cuda_event(const CUpti_ActivityCudaEvent2& record, RowBatch& batch);
  void marker(const CUpti_ActivityMarker2& record, RowBatch& batch);
  void memory(const CUpti_ActivityMemory4& record, RowBatch& batch);
  void device(const CUpti_ActivityDevice5& record, RowBatch& batch);
  void context(const CUpti_ActivityContext3& record, RowBatch& batch);
  void stream(const CUpti_ActivityStream& record, RowBatch& batch);

  ConverterSettings settings_;
  Diagnostics diagnostics_;
  uint64_t records_ = 0;
  uint64_t overhead_ns_ = 0;
  std::unordered_map<std::string, int64_t> strings_;
  std::unordered_set<int64_t> threads_;
  std::unordered_map<uint32_t, uint32_t> device_of_context_;
  std::unordered_map<uint32_t, std::vector<SyncRow>> syncs_waiting_;      // by context
  std::unordered_map<uint32_t, std::vector<StreamInfoRow>> streams_waiting_;  // by context
  std::unordered_map<uint32_t, int64_t> api_names_[2];  // by cbid; [driver]
  MarkerPairer markers_;
};

}  // namespace dd::cupti
