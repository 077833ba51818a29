// TraceBuilder lookups and the post-import pass (range nesting, iteration detection).
#include "collector/trace/trace_builder.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <vector>

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

namespace {

// Parses the iteration number after `prefix` in `name` ("ProfilerStep#12" → 12), or -1.
int64_t number_after(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return -2;  // not a match at all
  std::string_view rest = name.substr(prefix.size());
  if (rest.empty()) return -1;
  if (rest.front() == '#' || rest.front() == ' ' || rest.front() == ':') rest.remove_prefix(1);
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || ptr != rest.data() + rest.size()) return -2;
  return value;
}

bool collect(Trace& trace, std::string_view prefix, IterationSource source, bool nvtx_only) {
  const RangeTable& ranges = trace.ranges;
  std::vector<IterationRow> found;
  for (uint32_t i = 0; i < ranges.size(); ++i) {
    if (ranges.thread[i] == kNone) continue;  // GPU-side copies of annotations
    if (nvtx_only && ranges.kind[i] != RangeKind::kNvtx) continue;
    int64_t number = number_after(trace.str(ranges.name[i]), prefix);
    if (number == -2) continue;
    found.push_back({ranges.start[i], ranges.end[i], trace.threads.process[ranges.thread[i]],
                     ranges.name[i], number, source});
  }
  if (found.empty()) return false;
  std::sort(found.begin(), found.end(), [](const IterationRow& a, const IterationRow& b) {
    return std::tie(a.process, a.start, a.number) < std::tie(b.process, b.start, b.number);
  });
  trace.iterations.clear();
  for (const IterationRow& row : found) trace.iterations.append(row);
  return true;
}

}  // namespace

void detect_iterations(Trace& trace, std::string_view marker) {
  if (!marker.empty()) {
    if (!collect(trace, marker, IterationSource::kUserMarker, false)) {
      trace.iterations.clear();
      trace.diagnostics.add("iteration_marker_not_found", Severity::kWarning);
    }
    return;
  }
  if (collect(trace, "ProfilerStep", IterationSource::kProfilerStep, false)) return;
  if (collect(trace, "dd:iteration", IterationSource::kNvtx, true)) return;
  // Leave iterations a reader loaded from the file (DD_ITERATIONS) untouched.
}

void finish_trace(Trace& trace) {
  compute_range_nesting(trace);
  detect_iterations(trace);
  trace.shrink_to_fit();
}

}  // namespace dd
