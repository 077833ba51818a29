// Test helper: turns a loaded trace into the trace of the same run with some kernels slower,
// the way a slower run would have been recorded in a GPU-bound loop. Each chosen GPU op gets
// `extra` = (factor - 1) x its duration; time is "inserted" at its end: every timestamp in
// every table at or after that instant moves later by the extra time inserted so far, so the
// order of all events, launches, iteration markers and allocator events is kept. The measured
// iteration time then grows by exactly the extra time inserted inside the iteration.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

#include "collector/trace/trace.h"

namespace dd::test {

struct Insertion {
  TimeNs at = 0;     // the op's original end
  TimeNs extra = 0;
};

class TimeStretch {
 public:
  explicit TimeStretch(std::vector<Insertion> insertions) : points_(std::move(insertions)) {
    std::sort(points_.begin(), points_.end(),
              [](const Insertion& a, const Insertion& b) { return a.at < b.at; });
    TimeNs sum = 0;
    for (const Insertion& p : points_) prefix_.push_back(sum += p.extra);
  }
  // Extra time inserted at or before `t`.
  TimeNs shift(TimeNs t) const {
    auto it = std::upper_bound(points_.begin(), points_.end(), t,
                               [](TimeNs time, const Insertion& p) { return time < p.at; });
    return it == points_.begin() ? 0 : prefix_[static_cast<size_t>(it - points_.begin()) - 1];
  }
  // Extra time inserted in [from, to).
  TimeNs inserted(TimeNs from, TimeNs to) const { return shift(to - 1) - shift(from - 1); }
  void apply(std::vector<TimeNs>& times) const {
    for (TimeNs& t : times) t += shift(t);
  }

 private:
  std::vector<Insertion> points_;
  std::vector<TimeNs> prefix_;
};

// Slows the GPU ops `chosen` picks by `factor`; returns the stretch that was applied.
inline TimeStretch slow_down(Trace& trace, const std::function<bool(uint32_t op)>& chosen,
                             double factor) {
  std::vector<Insertion> insertions;
  GpuOpTable& ops = trace.gpu_ops;
  for (uint32_t i = 0; i < ops.size(); ++i) {
    if (!chosen(i)) continue;
    auto extra = static_cast<TimeNs>(static_cast<double>(ops.end[i] - ops.start[i]) * (factor - 1));
    if (extra > 0) insertions.push_back({ops.end[i], extra});
  }
  TimeStretch stretch(std::move(insertions));
  for (auto* times : {&trace.api_calls.start, &trace.api_calls.end, &trace.gpu_ops.start,
                      &trace.gpu_ops.end, &trace.ranges.start, &trace.ranges.end,
                      &trace.syncs.start, &trace.syncs.end, &trace.cuda_events.time,
                      &trace.memory_events.time, &trace.iterations.start, &trace.iterations.end}) {
    stretch.apply(*times);
  }
  return stretch;
}

}  // namespace dd::test
