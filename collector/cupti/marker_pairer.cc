// NVTX START/END marker pairing (see marker_pairer.h).
#include "collector/cupti/marker_pairer.h"

#include <utility>

namespace dd::cupti {

NvtxRangeRow MarkerPairer::complete(Open start, End end) {
  NvtxRangeRow range;
  range.start = start.time;
  range.end = end.time;
  range.push_pop = start.global_tid == end.global_tid;
  range.text = std::move(start.name);
  range.global_tid = start.global_tid;
  range.end_global_tid = end.global_tid;
  return range;
}

std::optional<NvtxRangeRow> MarkerPairer::start(uint32_t id, int64_t time, int64_t global_tid,
                                                std::string name) {
  Open open{time, global_tid, std::move(name)};
  if (auto early = ends_.find(id); early != ends_.end()) {
    End end = early->second;
    ends_.erase(early);
    return complete(std::move(open), end);
  }
  starts_.insert_or_assign(id, std::move(open));
  return std::nullopt;
}

std::optional<NvtxRangeRow> MarkerPairer::end(uint32_t id, int64_t time, int64_t global_tid) {
  auto open = starts_.find(id);
  if (open == starts_.end()) {
    ends_.insert_or_assign(id, End{time, global_tid});
    return std::nullopt;
  }
  Open start = std::move(open->second);
  starts_.erase(open);
  return complete(std::move(start), End{time, global_tid});
}

}  // namespace dd::cupti
