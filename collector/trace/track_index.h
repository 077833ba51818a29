// TrackIndex: time spans of one kind (API calls, GPU ops, framework ops) keyed by the raw
// (pid, tid) track they were recorded on, answering "which span encloses time t on this track"
// in O(log n + nesting depth). The Kineto importer binds flow events with it: a flow end names
// only a track and a time, and Kineto files are not sorted, so the spans are collected during
// the pass and sorted once here.
#pragma once

#include <cstdint>
#include <vector>

#include "collector/trace/trace.h"

namespace dd {

class TrackIndex {
 public:
  void add(int64_t pid, int64_t tid, TimeNs start, TimeNs end, uint32_t row) {
    spans_.push_back({pid, tid, start, end, row, kNone});
  }
  // Sorts the spans and links each to its enclosing one; call once after the last add().
  void build();
  // The row of the innermost span with start <= time <= end on the track, or kNone.
  uint32_t enclosing(int64_t pid, int64_t tid, TimeNs time) const;

 private:
  struct Span {
    int64_t pid;
    int64_t tid;
    TimeNs start;
    TimeNs end;
    uint32_t row;
    uint32_t parent;  // position of the enclosing span on the same track, or kNone
  };
  std::vector<Span> spans_;
};

}  // namespace dd
