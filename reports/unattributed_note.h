// Why a breakdown leaves GPU time in no layer, and what would put it in one. Each trace kind
// gives layers its own way (graph/attribution.h): daydream recordings through the shim's module
// ranges, Nsight exports through NVTX ranges alone, PyTorch profiler traces through framework
// ops and modules around the launches. Where a tenth or more of the GPU time is in no layer,
// the breakdown says which phase holds most of it and what to record instead, rather than
// leaving a large "(unattributed)" row unexplained.
#pragma once

#include <array>
#include <string>

#include "collector/trace/trace.h"
#include "graph/graph.h"

namespace dd {

// The share of the GPU time in no layer from which the breakdown explains it: the issue that
// asked for layers everywhere set the bar at 10%.
inline constexpr double kUnattributedNoteShare = 0.10;

// The GPU time in no layer: by phase, and how much of it no launch in the trace asked for.
struct UnattributedGpu {
  std::array<TimeNs, kPhaseCount> by_phase{};
  TimeNs without_launch = 0;
};

// `gpu_time`: all of the breakdown's GPU time. "" below the share.
std::string unattributed_note(const Trace& trace, const UnattributedGpu& unattributed,
                              TimeNs gpu_time);

}  // namespace dd
