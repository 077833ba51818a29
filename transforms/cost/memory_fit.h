// Whether a run fits in a GPU's memory: the largest device memory the framework's allocator
// held allocated in the trace (its own running total, recorded with each allocator event:
// Kineto's "Total Allocated"), against the GPU's memory size (device_model.h; the trace's
// recorded size for its own GPU). The peak is the run as measured (its precision, batch and
// framework); the CUDA context and the allocator's cached but free blocks come on top of it,
// so a run that fits with little to spare may still fail. Traces without allocator events or
// without their totals leave the fit unchecked, and say so.
#pragma once

#include <string>

#include "graph/graph.h"
#include "transforms/cost/device_model.h"

namespace dd {

struct MemoryFit {
  bool known = false;         // the trace recorded allocator totals
  double peak_bytes = 0;      // largest total allocated on one device
  double capacity_bytes = 0;  // the GPU's memory
  std::string device;

  bool fits() const { return !known || peak_bytes <= capacity_bytes; }
  // "fits in memory: peak 36.6 GiB allocated in the trace, <GPU> has 80.0 GiB" / "DOES NOT
  // FIT in memory: ..." / "memory fit on <GPU> not checked: ...".
  std::string text() const;
};

MemoryFit memory_fit(const Graph& graph, const DeviceSpec& device);

}  // namespace dd
