// marker_pairer: turns CUPTI's NVTX marker records (a START with the name, an END with only the
// id; collector-design.md §1.2) into ranges. Records can arrive out of order across buffers,
// so an END may come before its START and is kept until the START arrives. A range that ends
// on the thread that started it is a push/pop range, otherwise a start/end range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "collector/cupti/collector_rows.h"

namespace dd::cupti {

class MarkerPairer {
 public:
  // Each returns the completed range when the record completes one.
  std::optional<NvtxRangeRow> start(uint32_t id, int64_t time, int64_t global_tid,
                                    std::string name);
  std::optional<NvtxRangeRow> end(uint32_t id, int64_t time, int64_t global_tid);

  // Ranges started and never ended, and ends whose start never came (at the end of a session).
  uint64_t open_starts() const { return starts_.size(); }
  uint64_t unmatched_ends() const { return ends_.size(); }

 private:
  struct Open {
    int64_t time = 0;
    int64_t global_tid = 0;
    std::string name;
  };
  struct End {
    int64_t time = 0;
    int64_t global_tid = 0;
  };
  static NvtxRangeRow complete(Open start, End end);

  std::unordered_map<uint32_t, Open> starts_;
  std::unordered_map<uint32_t, End> ends_;
};

}  // namespace dd::cupti
