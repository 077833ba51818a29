// Per-trace system parameters, measured from the trace itself rather than assumed: they are
// properties of the machine and driver that recorded it, like a device's peak bandwidth.
//  - launch latency: API call end → GPU op start, over launches that found their stream idle;
//  - GPU op gap: end of one op → start of the next, over ops that were already queued;
//  - launch queue depth: how many ops were in flight when a launch call blocked, over launch
//    calls that blocked (CUDA's launch queue is full); CUDA's 1024 entries when none blocked.
// Each is a median (or mode) over many events, never a per-event replay of recorded times.
#pragma once

#include "graph/build_state.h"

namespace dd {

inline constexpr uint32_t kDefaultLaunchQueueDepth = 1024;

SystemParameters measure_system_parameters(const Graph& graph, const BuildState& state);

}  // namespace dd
