// Attributes every task to its framework op, DNN layer, phase and iteration
// (ARCHITECTURE.md, "Layers and phases"). A CPU task takes them from the stack of ranges
// enclosing it on its thread: the outermost framework op (`cpu_op`), the innermost module
// range, and the innermost phase mark (range_names.h has the name rules of every trace
// generation). Where no mark says otherwise, a thread that mostly runs autograd nodes does
// backward work and any other thread forward work (other: outside the marked iterations when
// the trace has markers). The shim's `dd:phase:*` ranges hold for every thread of their
// process. Layers come from layer_units.h: modules, else the op call itself ("conv2d #7"),
// and backward work takes the layer of the forward op that created its autograd node. GPU ops
// inherit from the call that launched them. Allocator events (Trace::memory_events) get the
// site of the instant they happened at on their thread (Graph::memory_event_sites), so
// `daydream memory` can tell what was allocated where. What cannot be attributed keeps an
// empty layer and is reported as unattributed, not guessed.
#pragma once

#include "graph/build_state.h"

namespace dd {

void attribute_tasks(Graph& graph, const BuildState& state);

}  // namespace dd
