// The per-operator table of `daydream breakdown`: for each framework op (the outermost op of a
// call: `aten::conv2d`, `autograd::engine::evaluate_function: ConvolutionBackward0`), its
// calls, their CPU time, the GPU time and number of the GPU ops they launched, and the launch
// delay (from a launch call's start to its op's start on the GPU). Calls and CPU time are the
// trace's framework-op ranges that start in the analysed windows, so the table describes the
// measured timeline; GPU time and launch delays are read from the timeline given.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "reports/time_windows.h"
#include "simulator/timeline.h"

namespace dd {

inline constexpr size_t kTopOperators = 20;
inline constexpr std::string_view kNoOperator = "(no framework op)";

struct OperatorRow {
  std::string name;
  uint64_t calls = 0;
  TimeNs cpu_time = 0;      // the calls' spans
  TimeNs gpu_time = 0;      // GPU ops launched from inside the calls
  uint64_t gpu_ops = 0;
  TimeNs launch_delay = 0;  // summed over the GPU ops with a recorded launch
  uint64_t launched_ops = 0;
};

// The `top` ops by GPU time (then CPU time), the rest in one row "(N more ops)", then the GPU
// work no op launched (kNoOperator), each only when present. Windows sorted and disjoint.
std::vector<OperatorRow> operator_table(const Graph& graph, const Timeline& timeline,
                                        const std::vector<Span>& windows,
                                        size_t top = kTopOperators);

}  // namespace dd
