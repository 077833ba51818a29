// Time arithmetic that holds at the ends of the int64 nanosecond clock instead of wrapping
// (signed overflow is undefined behaviour): a corrupt trace can hold durations whose sum, or
// times whose distance, does not fit. Simulated times and the metrics over them use these.
#pragma once

#include <cstdint>

#include "collector/trace/trace.h"

namespace dd {

// `time + delay`.
inline TimeNs add_saturated(TimeNs time, TimeNs delay) {
  TimeNs sum = 0;
  if (__builtin_add_overflow(time, delay, &sum)) return delay > 0 ? INT64_MAX : INT64_MIN;
  return sum;
}

// `to - from`.
inline TimeNs elapsed_saturated(TimeNs from, TimeNs to) {
  TimeNs difference = 0;
  if (__builtin_sub_overflow(to, from, &difference)) return to > from ? INT64_MAX : INT64_MIN;
  return difference;
}

}  // namespace dd
