// Iteration detection: which ranges of a trace mark its training (or serving) iterations.
//
// Markers come in two shapes. A *whole-iteration* range spans its iteration (PyTorch's
// `ProfilerStep#N`, the shim's NVTX `dd:iteration#N`): each range is one iteration. A
// *once-per-iteration* range marks one point of every iteration (`Optimizer.step#...` in
// training loops recorded without a profiler schedule, 2020-2023 Kineto traces): iterations run
// from one marker's start to the next one's, so n markers give n - 1 iterations (what follows
// the last marker is a partial iteration and is left out). A user marker
// (`--iteration-marker NAME`) takes the shape its ranges have: whole when they cover at least
// half of the time from the first to the last, once-per-iteration otherwise.
//
// Only CPU-side ranges mark iterations (a GPU-side `gpu_user_annotation` copy ends when the GPU
// does, not when the program moves on). Where a trace has none of the known markers,
// `iteration_marker_candidates` names the repeated annotations it saw, for `info` to suggest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collector/trace/trace.h"

namespace dd {

// Rebuilds trace.iterations from the ranges: `marker` given → CPU ranges named `marker` or
// `marker#N`/`marker N`; else `ProfilerStep#N`; else NVTX `dd:iteration#N`; else
// `Optimizer.step#*`. Iterations a reader loaded from the file (DD_ITERATIONS) stay when no
// marker is found. A given marker that matches nothing clears them and is counted in
// diagnostics ("iteration_marker_not_found").
void detect_iterations(Trace& trace, std::string_view marker = {});

// A repeated range that could mark iterations: its name, how often it occurs on its busiest
// thread (or GPU stream), and whether that is a GPU-side copy of an annotation.
struct MarkerCandidate {
  std::string name;
  uint32_t count = 0;
  bool gpu_side = false;
};

// Annotations (user annotations, NVTX ranges, Optimizer.* ranges) that occur at least twice on
// one track, most promising first: the known marker families, then the most frequent. At most
// `limit` of them.
std::vector<MarkerCandidate> iteration_marker_candidates(const Trace& trace, size_t limit = 5);

}  // namespace dd
