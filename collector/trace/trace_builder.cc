// TraceBuilder lookups and the post-import pass (range nesting, iteration detection).
#include "collector/trace/trace_builder.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "collector/trace/iterations.h"

namespace dd {

uint32_t TraceBuilder::process(int64_t pid) {
  auto [it, inserted] = processes_.try_emplace(pid, 0);
  if (inserted) it->second = trace_.processes.append({pid, kEmptyString, -1});
  return it->second;
}

uint32_t TraceBuilder::thread(uint32_t process_index, int64_t tid) {
  auto [it, inserted] = threads_.try_emplace({process_index, tid}, 0);
  if (inserted) it->second = trace_.threads.append({process_index, tid, kEmptyString});
  return it->second;
}

uint32_t TraceBuilder::stream(uint32_t process_index, int32_t device, int64_t stream_id) {
  auto [it, inserted] = streams_.try_emplace({process_index, device, stream_id}, 0);
  if (inserted) {
    it->second = trace_.streams.append({process_index, device, stream_id, kEmptyString});
  }
  return it->second;
}

uint32_t TraceBuilder::device(uint32_t process_index, int32_t device_id) {
  auto [it, inserted] = devices_.try_emplace({process_index, device_id}, 0);
  if (inserted) {
    DeviceRow row;
    row.process = process_index;
    row.device_id = device_id;
    it->second = trace_.devices.append(row);
  }
  return it->second;
}

void compute_range_nesting(Trace& trace) {
  RangeTable& ranges = trace.ranges;
  std::vector<uint32_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0u);
  // Track key: CPU thread, or a GPU stream (offset past every thread index).
  auto track = [&](uint32_t i) -> uint64_t {
    return ranges.thread[i] != kNone ? ranges.thread[i]
                                     : (uint64_t{1} << 32) + ranges.stream[i];
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (track(a) != track(b)) return track(a) < track(b);
    if (ranges.start[a] != ranges.start[b]) return ranges.start[a] < ranges.start[b];
    if (ranges.end[a] != ranges.end[b]) return ranges.end[a] > ranges.end[b];  // outer first
    return a < b;
  });
  std::vector<uint32_t> stack;
  uint64_t current_track = UINT64_MAX;
  uint64_t not_nested = 0;
  for (uint32_t i : order) {
    if (track(i) != current_track) {
      stack.clear();
      current_track = track(i);
    }
    while (!stack.empty() && ranges.end[stack.back()] <= ranges.start[i]) stack.pop_back();
    if (!stack.empty() && ranges.end[i] > ranges.end[stack.back()]) ++not_nested;
    ranges.parent[i] = stack.empty() ? kNone : stack.back();
    ranges.depth[i] = static_cast<uint16_t>(std::min<size_t>(stack.size(), UINT16_MAX));
    stack.push_back(i);
  }
  trace.diagnostics.set("ranges_not_nested", Severity::kWarning, not_nested);
}

void finish_trace(Trace& trace) {
  compute_range_nesting(trace);
  detect_iterations(trace);
  trace.shrink_to_fit();
}

}  // namespace dd
