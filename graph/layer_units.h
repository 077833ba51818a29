// The layer of every framework-op call (attribution.h): the unit that per-layer tables, the
// `pipeline` and `recompute` what-ifs and the memory report group work by.
//
//  - Forward: the innermost module range around the call (Kineto `nn.Module: X`, the shim's
//    `dd:module:X`). A call no module encloses is its own unit, named after its op and its
//    call number among the op's forward calls of the iteration in its process ("conv2d #7":
//    the 7th aten::conv2d of the iteration), so a trace without module information still has
//    layers, and the same call has the same name in every iteration and on every rank.
//  - Backward: the layer of the forward call that created the autograd node the backward call
//    runs, found through the trace's `fwdbwd` link, else the autograd sequence number (the
//    forward op with that number that started last: the counter moves on when a node is
//    created), else, for traces that record neither (Kineto 2020-2021), autograd's execution
//    order: one device's ready queue runs nodes in decreasing sequence number, so within one
//    backward pass the i-th node of a kind ("CudnnConvolutionBackward") is the one created by
//    the i-th last forward op of that kind (aten::cudnn_convolution) of the forward pass
//    before it. That pairing is used only where both counts agree; the rest stays
//    unattributed and is counted (diagnostic `backward_calls_unpaired`). AccumulateGrad, which
//    no forward op creates, runs right after the node that produced its gradient (the ready
//    queue takes it first) and takes that node's layer.
#pragma once

#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "graph/range_names.h"

namespace dd {

// What a range inherits from the ranges enclosing it (and itself).
struct RangeSite {
  StringId op = kEmptyString;
  uint32_t op_range = kNone;  // the outermost framework op's range (the op call)
  StringId layer = kEmptyString;
  StringId layer_type = kEmptyString;
  PhaseMark phase = PhaseMark::kUnmarked;
  int64_t sequence = -1;  // of the outermost framework op
};

// One outermost framework-op range with the phase and iteration its work was attributed to.
struct OpCall {
  uint32_t range = kNone;
  Phase phase = Phase::kOther;
  int32_t iteration = -1;
};

class LayerUnits {
 public:
  // `sites`: per range of the graph's trace. `calls`: every op call, any order. Names new
  // units in `graph` (and their types in graph.layer_types) and counts unpaired calls there.
  LayerUnits(Graph& graph, const std::vector<RangeSite>& sites, std::vector<OpCall> calls);

  // The layer of the op call `op_range` (kNone: no call): its module's, else its own unit's
  // for a forward call, else the forward call's it was paired with; kEmptyString if none.
  StringId layer_of(uint32_t op_range) const;

 private:
  void name_forward_calls(std::vector<OpCall>& calls);
  void map_sequence_numbers();
  void map_links();
  void pair_by_autograd_order(const std::vector<OpCall>& calls);
  void follow_producers(const std::vector<OpCall>& calls);
  void index_ops_of_calls();
  void pair_pass(const std::vector<uint32_t>& forward, const std::vector<uint32_t>& backward);
  uint32_t process_of(uint32_t range) const;

  Graph& g_;
  const Trace& trace_;
  const std::vector<RangeSite>& sites_;
  std::unordered_map<uint32_t, StringId> layer_;  // per op call range
  std::vector<uint8_t> forward_;                  // per range: a forward call
  std::vector<std::pair<uint32_t, uint32_t>> ops_of_call_;  // (call, framework op), sorted
};

}  // namespace dd
