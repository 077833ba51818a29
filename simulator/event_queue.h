// EventQueue: the simulator's pending completions ordered by (time, sequence number), so
// that ties break in insertion order and every run is bit-for-bit deterministic. Backed by
// a reused vector heap: no allocation per event once warmed up.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "collector/trace/trace.h"

namespace dd {

struct SimEvent {
  TimeNs time;
  uint64_t sequence;
  uint32_t task;
};

class EventQueue {
 public:
  void reserve(size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  void push(TimeNs time, uint32_t task) {
    heap_.push_back(SimEvent{time, next_sequence_++, task});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  SimEvent pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    SimEvent event = heap_.back();
    heap_.pop_back();
    return event;
  }

 private:
  static bool later(const SimEvent& a, const SimEvent& b) {
    return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
  }
  std::vector<SimEvent> heap_;
  uint64_t next_sequence_ = 0;
};

}  // namespace dd
