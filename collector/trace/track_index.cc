// TrackIndex: sort by (track, start, outer first) and a stack pass that records each span's
// enclosing span, so that a lookup walks up from the last span starting before t.
#include "collector/trace/track_index.h"

#include <algorithm>
#include <tuple>

namespace dd {

void TrackIndex::build() {
  std::sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) {
    return std::tie(a.pid, a.tid, a.start, b.end, a.row) <
           std::tie(b.pid, b.tid, b.start, a.end, b.row);
  });
  std::vector<uint32_t> open;  // positions of the spans enclosing the current one
  for (uint32_t i = 0; i < spans_.size(); ++i) {
    Span& span = spans_[i];
    if (i > 0 && (spans_[i - 1].pid != span.pid || spans_[i - 1].tid != span.tid)) open.clear();
    while (!open.empty() && spans_[open.back()].end < span.start) open.pop_back();
    span.parent = open.empty() ? kNone : open.back();
    open.push_back(i);
  }
}

uint32_t TrackIndex::enclosing(int64_t pid, int64_t tid, TimeNs time) const {
  auto after = std::upper_bound(spans_.begin(), spans_.end(), std::tie(pid, tid, time),
                                [](const auto& key, const Span& span) {
                                  return key < std::tie(span.pid, span.tid, span.start);
                                });
  if (after == spans_.begin()) return kNone;
  auto position = static_cast<uint32_t>(after - spans_.begin() - 1);
  if (spans_[position].pid != pid || spans_[position].tid != tid) return kNone;
  while (position != kNone && spans_[position].end < time) position = spans_[position].parent;
  return position == kNone ? kNone : spans_[position].row;
}

}  // namespace dd
