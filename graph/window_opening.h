// The profiler's window opens on a running program: when a trace begins, the GPU may still be
// busy with work launched before it. Ops that were already queued and ran inside the window
// are in the trace without a launch (graph_builder.cc queues them first). Work that ran before
// the window's first records is not in the trace at all, but it shows: a stream's first op
// starts long after its launch while its device shows no recorded work it could have waited
// for. When that delay exceeds the slowest launch latency the trace shows on an idle stream
// (later ops of each stream), the stream is marked busy from the trace's start until that op
// (Resource::busy_at_start_ns), a measured quantity that the
// simulator and every what-if keep as it was; such streams are counted in the graph's
// diagnostics (`stream_busy_before_trace`). A trace without idle launches to compare with is
// held to a millisecond, far above any launch latency measured (window_opening.cc).
#pragma once

#include "graph/build_state.h"

namespace dd {

void mark_streams_busy_at_start(Graph& graph, const BuildState& state, TimeNs origin);

}  // namespace dd
