// TraceBuilder: what every importer uses to fill a Trace — it maps raw (pid, tid, device,
// stream) ids to dense table indexes, and finish() derives what the tables imply: range
// nesting (parent/depth per track), iteration markers, and tight memory.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <tuple>

#include "collector/trace/trace.h"

namespace dd {

class TraceBuilder {
 public:
  explicit TraceBuilder(Trace& trace) : trace_(trace) {}

  uint32_t process(int64_t pid);
  uint32_t thread(uint32_t process_index, int64_t tid);
  uint32_t stream(uint32_t process_index, int32_t device, int64_t stream_id);
  // The existing device row of (process, device id), or a new one with only the id set.
  uint32_t device(uint32_t process_index, int32_t device_id);

  Trace& trace() { return trace_; }
  StringId intern(std::string_view text) { return trace_.strings.intern(text); }

 private:
  Trace& trace_;
  std::map<int64_t, uint32_t> processes_;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> threads_;
  std::map<std::tuple<uint32_t, int32_t, int64_t>, uint32_t> streams_;
  std::map<std::pair<uint32_t, int32_t>, uint32_t> devices_;
};

// Fills RangeTable::parent/depth from time containment on each thread or stream. Ranges that
// overlap without nesting are counted in diagnostics ("ranges_not_nested").
void compute_range_nesting(Trace& trace);

// The post-pass every importer runs last: nesting, iterations, shrink_to_fit.
void finish_trace(Trace& trace);

}  // namespace dd
