// Per-trace system parameters, measured from the trace itself rather than assumed: they are
// properties of the machine and driver that recorded it, like a device's peak bandwidth.
//  - launch latency: API call end → GPU op start, over launches that found their device idle
//    (no op of the device completed in between, which the op might have waited for; a
//    stream's first op only when it was not busy with work from before the trace);
//  - GPU op gap: end of one op → start of the next, over ops that were already queued;
//  - launch queue depth: how many launched ops may be in flight on a device before a launch
//    call blocks. CUDA's launch queue holds on the order of a thousand launches, so most
//    traces never fill it; a launch that takes long for another reason (lazy module loading,
//    an allocation, the host being descheduled) is not evidence of a full queue. A full queue
//    saturates at the most ops ever in flight when a launch started, M, and every launch that
//    finds it full returns only after an op completes. M is the depth when most launches
//    that found M ops in flight returned after an op completed during the call and at least
//    three visibly waited (took twice a typical call, returning right after a completion);
//    otherwise the queue never filled, and it is deeper than anything the trace shows and at
//    least CUDA's 1024.
// Each is a median (or a test over many events), never a per-event replay of recorded times.
#pragma once

#include <vector>

#include "graph/build_state.h"

namespace dd {

inline constexpr uint32_t kDefaultLaunchQueueDepth = 1024;

SystemParameters measure_system_parameters(const Graph& graph, const BuildState& state);

// The launch-latency samples of ops that are not their stream's first: API call end → GPU op
// start over launches that found their stream idle.
std::vector<TimeNs> idle_stream_launch_latencies(const Graph& graph, const BuildState& state);

}  // namespace dd
