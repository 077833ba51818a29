// The device model (ARCHITECTURE.md, "What-if optimizations"): peak FLOP/s per precision,
// memory bandwidth and memory size per GPU, from NVIDIA's and AMD's datasheets and
// architecture whitepapers, so that cost models (kernel_cost.h) can rescale a measured kernel to
// another precision or another GPU from physics instead of constants fitted to a trace. Peaks
// are dense (no 2:4 sparsity) and at the boost clock the datasheet quotes them at. A trace's own
// device properties override the table where it records them (memory bandwidth and size; SM
// count, which scales every peak).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/result.h"
#include "graph/graph.h"

namespace dd {

enum class Vendor : uint8_t { kNvidia, kAmd };

struct DeviceSpec {
  std::string name;
  Vendor vendor = Vendor::kNvidia;
  // Peak FLOP/s; 0 = the device has no such unit (e.g. no bf16 tensor cores before Ampere).
  double fp64 = 0;         // CUDA cores
  double fp32 = 0;         // CUDA cores (no tensor cores)
  double tf32_tensor = 0;  // tensor cores, TF32 inputs, fp32 accumulate
  double fp16_tensor = 0;  // tensor cores, fp16 inputs, fp32 accumulate
  double bf16_tensor = 0;  // tensor cores, bf16 inputs, fp32 accumulate
  double fp8_tensor = 0;   // tensor cores, fp8 inputs
  double memory_bandwidth = 0;  // DRAM (HBM/GDDR), bytes/s
  double memory_bytes = 0;      // DRAM size, bytes (the datasheet's "GB" of HBM/GDDR are GiB)
  int sm_count = 0;             // streaming multiprocessors (NVIDIA) or compute units (AMD)
  std::string source;  // where the numbers come from
};

// Every GPU of the table, most specific name first.
const std::vector<DeviceSpec>& known_devices();

// The table row for a device name as traces spell it ("Tesla V100-SXM2-32GB", "NVIDIA
// A100-SXM4-80GB", "NVIDIA H100 80GB HBM3") or as a user types it ("h100", "A100-PCIe"):
// case-insensitive, matched by name tokens (split at anything but letters and digits), so
// "L4" never matches an "L40S". A bare family name gets its SXM board (A100: the 80 GB one).
// An error listing the known devices when nothing matches.
Result<DeviceSpec> find_device(std::string_view name);

// The spec of the GPU the trace ran on (its first device), with the trace's own properties
// overriding the table: a recorded memory bandwidth replaces the table's, a recorded SM count
// scales every peak by recorded / table SMs (a cut-down board of the same chip), a recorded
// memory size replaces the table's. An error when
// the trace records no device or one the table does not know.
Result<DeviceSpec> device_of_graph(const Graph& graph);

// The spec of the GPU the graph's ops run on now: the one an earlier rewrite moved them to
// (Graph::execution.device), else the trace's (device_of_graph). A move back to the trace's own
// device gets the trace's properties again, so that there and back is the identity.
Result<DeviceSpec> current_device(const Graph& graph);

// The spec of `target` for a graph: the trace's own device (with its recorded properties) when
// `target` names its table row, else the table's row; an error when the name is unknown.
Result<DeviceSpec> target_device(const Graph& graph, std::string_view target);

}  // namespace dd
