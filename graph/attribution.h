// Attributes every task to its framework op, DNN layer, phase and iteration
// (ARCHITECTURE.md, "Layers and phases"). A CPU task takes them from the stack of ranges
// enclosing it on its thread: the outermost framework op (`cpu_op`), the innermost module
// range (Kineto `nn.Module: X` python_function events, or our shim's `dd:module:X` NVTX
// ranges), and the innermost phase marker (`Optimizer.*`, DataLoader ranges,
// `autograd::engine::evaluate_function`, `dd:phase:*`). Backward work inherits the layer of
// the forward op with the same autograd sequence number, or linked by a `fwdbwd` flow. GPU ops
// inherit from the call that launched them. Allocator events (Trace::memory_events) get the
// site of the instant they happened at on their thread (Graph::memory_event_sites), so
// `daydream memory` can tell what was allocated where. What cannot be attributed keeps an empty layer
// and is reported as unattributed, not guessed.
#pragma once

#include "graph/build_state.h"

namespace dd {

void attribute_tasks(Graph& graph, const BuildState& state);

}  // namespace dd
