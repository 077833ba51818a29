// The per-operator table of `daydream breakdown`: for each framework op (the outermost op of a
// call: `aten::conv2d`, `autograd::engine::evaluate_function: ConvolutionBackward0`), its
// calls, their CPU time, the GPU time and number of the GPU ops they launched, and the launch
// delay (from when the host asked for an op, gpu_activity.h's launched_at, to its start).
// Calls and CPU time are the trace's framework-op ranges that start in the analysed windows,
// so the table describes the measured timeline.
//
// Where the trace recorded the calls' input shapes (record_shapes), their FLOPs and bytes
// (op_work.h), the achieved FLOP/s and bytes/s over the GPU time of those calls, and, given
// the device's peaks, the roofline: the time each call needs at least, the larger of its
// FLOPs at the peak of its element type and its bytes at the memory bandwidth, against the
// time it took. The peaks are the datasheet's (transforms/cost/device_model.h, looked up by the
// CLI). fp32 matrix products and convolutions count against the TF32 tensor-core peak where
// the GPU has one (the most they can reach: cuDNN and, when allowed, cuBLAS run them in TF32),
// other fp32 ops against the CUDA-core peak.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "reports/time_windows.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopOperators = 20;
inline constexpr std::string_view kNoOperator = "(no framework op)";

// The peaks of the device the trace ran on (0: unknown).
struct DevicePeaks {
  std::string name;
  double fp64_flops = 0, fp32_flops = 0, tf32_flops = 0, fp16_flops = 0, bf16_flops = 0;  // per s
  double memory_bandwidth = 0;  // bytes per second
};

struct OperatorRow {
  std::string name;
  uint64_t calls = 0;
  TimeNs cpu_time = 0;      // the calls' spans
  TimeNs gpu_time = 0;      // GPU ops launched from inside the calls
  uint64_t gpu_ops = 0;
  TimeNs launch_delay = 0;  // summed over the GPU ops with a recorded launch
  uint64_t launched_ops = 0;
  // The calls whose work op_work() knows: their FLOPs, bytes and GPU time.
  uint64_t counted_calls = 0;
  double flops = 0, bytes = 0;
  TimeNs counted_gpu_time = 0;
  // Of those, the calls whose element type has a known peak: the roofline's least time and
  // the GPU time they took.
  TimeNs roofline_time = 0;
  TimeNs roofline_gpu_time = 0;
};

// The `top` ops by GPU time (then CPU time), the rest in one row "(N more ops)", then the GPU
// work no op launched (kNoOperator), each only when present. Windows sorted and disjoint; a GPU
// op counts in the window `counted_at` places it in (counted_instants, gpu_activity.h).
std::vector<OperatorRow> operator_table(const Graph& graph, const Timeline& timeline,
                                        const std::vector<Span>& windows,
                                        const std::vector<TimeNs>& counted_at,
                                        const DevicePeaks& peaks = {},
                                        size_t top = kTopOperators);

}  // namespace dd
