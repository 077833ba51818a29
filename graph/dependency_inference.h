// The edges of the graph beyond resource order, inferred from what the trace records:
//  - launch: API call → GPU op it launched (latency = measured launch latency). A blocking
//    copy (cudaMemcpy, or cudaMemcpyAsync to/from pageable memory) is launched from the CPU
//    work before the call and the call waits for the copy.
//  - host wait: GPU op → blocking call (device/stream/event synchronize, cudaFree): the last
//    op of each awaited stream launched before the call. Stream and event syncs use the
//    trace's synchronization records when present; without them (most Kineto traces) they
//    wait on every stream of the process — the documented fallback.
//  - queue slot: op k−Q → the call launching op k on the same device (Q = launch queue depth).
//  - cross stream: cudaEventRecord → cudaStreamWaitEvent, from synchronization/event records
//    when present (nsys, daydream, newer Kineto `cuda_sync`). Fallback without them (most
//    Kineto traces, where even the record call may be unnamed): the wait joins the latest op
//    launched on another stream of the process before the wait — what an event recorded just
//    before it captures, PyTorch's record-then-wait pattern — to the next op the waiting
//    thread launches.
//  - cross thread: a thread idle while other threads of its process make at least
//    kMinHandOffCalls CUDA calls resumes after the last of them (autograd's hand-off between
//    the main thread and the backward thread).
// Every CPU task with an incoming wait edge keeps only its post-wait duration: recorded end
// minus the later of its recorded start and the recorded end of what it waited for. So in
// simulation it ends when what it waits for ends, plus the same wake-up cost.
#pragma once

#include "graph/build_state.h"

namespace dd {

inline constexpr uint32_t kMinHandOffCalls = 8;

void infer_dependencies(Graph& graph, BuildState& state);

}  // namespace dd
