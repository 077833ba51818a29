// The memory check of memory_fit.h.
#include "transforms/cost/memory_fit.h"

#include <algorithm>
#include <cstdio>

namespace dd {

namespace {

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return text;
}

}  // namespace

std::string MemoryFit::text() const {
  if (!known) {
    return "memory fit on " + device +
           " not checked: the trace records no allocator totals (profile_memory)";
  }
  std::string amounts = "peak " + gib(peak_bytes) + " allocated in the trace, " + device +
                        " has " + gib(capacity_bytes);
  return (fits() ? "fits in memory: " : "DOES NOT FIT in memory: ") + amounts;
}

MemoryFit memory_fit(const Graph& graph, const DeviceSpec& device) {
  MemoryFit fit;
  fit.device = device.name;
  fit.capacity_bytes = device.memory_bytes;
  const MemoryEventTable& events = graph.trace().memory_events;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events.device[i] < 0 || events.total_allocated[i] < 0) continue;
    fit.known = true;
    fit.peak_bytes = std::max(fit.peak_bytes, static_cast<double>(events.total_allocated[i]));
  }
  fit.known = fit.known && fit.capacity_bytes > 0;
  return fit;
}

}  // namespace dd
