// Layers of framework-op calls (see layer_units.h).
#include "graph/layer_units.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace dd {

namespace {

bool is_forward(Phase phase) { return phase == Phase::kForward || phase == Phase::kOther; }

}  // namespace

LayerUnits::LayerUnits(Graph& graph, const std::vector<RangeSite>& sites, std::vector<OpCall> calls)
    : g_(graph), trace_(graph.trace()), sites_(sites), forward_(sites.size(), 0) {
  const RangeTable& ranges = trace_.ranges;
  std::sort(calls.begin(), calls.end(), [&](const OpCall& a, const OpCall& b) {
    return std::tuple(ranges.start[a.range], a.range) < std::tuple(ranges.start[b.range], b.range);
  });
  name_forward_calls(calls);
  map_links();
  map_sequence_numbers();
  pair_by_autograd_order(calls);
  follow_producers(calls);
}

StringId LayerUnits::layer_of(uint32_t op_range) const {
  auto it = layer_.find(op_range);
  return it == layer_.end() ? kEmptyString : it->second;
}

uint32_t LayerUnits::process_of(uint32_t range) const {
  uint32_t thread = trace_.ranges.thread[range];
  return thread < trace_.threads.size() ? trace_.threads.process[thread] : kNone;
}

// Forward calls take their module's layer, or become units numbered per (process, iteration,
// op) in start order; backward calls inside a module keep it.
void LayerUnits::name_forward_calls(std::vector<OpCall>& calls) {
  std::map<std::tuple<uint32_t, int32_t, StringId>, uint32_t> calls_so_far;
  for (const OpCall& call : calls) {
    const RangeSite& site = sites_[call.range];
    if (site.layer != kEmptyString) layer_[call.range] = site.layer;
    if (!is_forward(call.phase)) continue;
    forward_[call.range] = 1;
    if (site.layer != kEmptyString) continue;
    uint32_t number = ++calls_so_far[{process_of(call.range), call.iteration, site.op}];
    std::string_view op = g_.str(site.op);
    StringId unit = g_.intern(op_unit_name(op, number));
    layer_[call.range] = unit;
    g_.layer_types.emplace(unit, g_.intern(op_display_name(op)));
  }
}

// A backward call linked by a `fwdbwd` flow from a forward op takes that op's layer.
void LayerUnits::map_links() {
  const RangeLinkTable& links = trace_.range_links;
  for (size_t i = 0; i < links.size(); ++i) {
    uint32_t from = links.from[i], to = links.to[i];
    if (from >= sites_.size() || to >= sites_.size()) continue;
    uint32_t forward_call = sites_[from].op_range, backward_call = sites_[to].op_range;
    if (forward_call == kNone || backward_call == kNone || !forward_[forward_call]) continue;
    StringId layer = layer_of(forward_call);
    if (layer != kEmptyString) layer_.try_emplace(backward_call, layer);
  }
}

// Backward calls without a layer take the layer of the forward op (any depth) with their
// sequence number that started last in their process.
void LayerUnits::map_sequence_numbers() {
  const RangeTable& ranges = trace_.ranges;
  std::map<std::pair<uint32_t, int64_t>, uint32_t> forward_op_by_sequence;  // -> range
  for (uint32_t r = 0; r < ranges.size(); ++r) {
    uint32_t call = sites_[r].op_range;
    if (ranges.sequence_number[r] < 0 || call == kNone || !forward_[call]) continue;
    if (ranges.kind[r] != RangeKind::kFrameworkOp) continue;
    auto [it, inserted] = forward_op_by_sequence.try_emplace({process_of(r), ranges.sequence_number[r]}, r);
    if (!inserted && ranges.start[r] >= ranges.start[it->second]) it->second = r;
  }
  if (forward_op_by_sequence.empty()) return;
  for (uint32_t r = 0; r < ranges.size(); ++r) {
    if (sites_[r].op_range != r || forward_[r] || sites_[r].sequence < 0) continue;
    auto it = forward_op_by_sequence.find({process_of(r), sites_[r].sequence});
    if (it == forward_op_by_sequence.end()) continue;
    StringId layer = layer_of(sites_[it->second].op_range);
    if (layer != kEmptyString) layer_.try_emplace(r, layer);
  }
}

// AccumulateGrad runs as soon as the node that produced its gradient has run (its sequence
// number is the largest, so the ready queue takes it first): it takes that node's layer, the
// layer of the backward call before it on its thread.
void LayerUnits::follow_producers(const std::vector<OpCall>& calls) {
  std::unordered_map<uint32_t, StringId> last_layer;  // per thread
  for (const OpCall& call : calls) {
    if (call.phase != Phase::kBackward) continue;
    uint32_t thread = trace_.ranges.thread[call.range];
    StringId layer = layer_of(call.range);
    if (layer == kEmptyString && is_gradient_accumulation(g_.str(sites_[call.range].op))) {
      layer = last_layer[thread];
      if (layer != kEmptyString) layer_[call.range] = layer;
    }
    last_layer[thread] = layer;
  }
}

// Splits each process's calls into forward passes and the backward pass after each, and pairs
// the backward nodes that have no layer yet by autograd's execution order.
void LayerUnits::pair_by_autograd_order(const std::vector<OpCall>& calls) {
  std::map<uint32_t, std::vector<const OpCall*>> by_process;
  bool any_unpaired = false;
  for (const OpCall& call : calls) {
    bool backward = call.phase == Phase::kBackward;
    if (is_forward(call.phase) || backward) by_process[process_of(call.range)].push_back(&call);
    any_unpaired = any_unpaired || (backward && !layer_.contains(call.range));
  }
  if (!any_unpaired) return;
  index_ops_of_calls();
  for (const auto& [process, process_calls] : by_process) {
    std::vector<uint32_t> forward, backward;
    for (const OpCall* call : process_calls) {
      bool backward_call = call->phase == Phase::kBackward;
      if (!backward_call && !backward.empty()) {  // a new forward pass begins
        pair_pass(forward, backward);
        forward.clear();
        backward.clear();
      }
      if (!backward_call) {
        forward.push_back(call->range);
      } else if (!layer_.contains(call->range) &&
                 !autograd_node_key(g_.str(sites_[call->range].op)).empty()) {
        backward.push_back(call->range);
      }
    }
    pair_pass(forward, backward);
  }
}

// The framework ops (any depth) of each call, by call and then start. An op recorded twice,
// nested in itself (PyTorch 1.8 records the autograd and the backend dispatch of one call),
// counts once.
void LayerUnits::index_ops_of_calls() {
  const RangeTable& ranges = trace_.ranges;
  for (uint32_t r = 0; r < ranges.size(); ++r) {
    uint32_t call = sites_[r].op_range;
    if (call == kNone || ranges.kind[r] != RangeKind::kFrameworkOp) continue;
    uint32_t parent = ranges.parent[r];
    if (parent != kNone && ranges.name[parent] == ranges.name[r]) continue;
    ops_of_call_.emplace_back(call, r);
  }
  std::sort(ops_of_call_.begin(), ops_of_call_.end(), [&](const auto& a, const auto& b) {
    return std::tuple(a.first, ranges.start[a.second], -ranges.end[a.second], a.second) <
           std::tuple(b.first, ranges.start[b.second], -ranges.end[b.second], b.second);
  });
}

// Pairs one backward pass's nodes with the forward ops of the pass before it, kind by kind,
// where their counts agree.
void LayerUnits::pair_pass(const std::vector<uint32_t>& forward, const std::vector<uint32_t>& backward) {
  if (backward.empty()) return;
  std::map<std::string, std::vector<uint32_t>> nodes;     // key -> backward calls, in order
  for (uint32_t call : backward) nodes[autograd_node_key(g_.str(sites_[call].op))].push_back(call);
  std::map<std::string, std::vector<uint32_t>> creators;  // key -> forward ops, in order
  for (uint32_t call : forward) {
    auto first = std::lower_bound(ops_of_call_.begin(), ops_of_call_.end(), std::pair(call, 0u),
                                  [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != ops_of_call_.end() && it->first == call; ++it) {
      auto wanted = nodes.find(forward_op_key(g_.str(trace_.ranges.name[it->second])));
      if (wanted != nodes.end()) creators[wanted->first].push_back(call);
    }
  }
  uint64_t unpaired = 0;
  for (const auto& [key, calls] : nodes) {
    const std::vector<uint32_t>& made_by = creators[key];
    if (made_by.size() != calls.size()) {
      unpaired += calls.size();
      continue;
    }
    for (size_t i = 0; i < calls.size(); ++i) {
      StringId layer = layer_of(made_by[made_by.size() - 1 - i]);
      if (layer != kEmptyString) layer_[calls[i]] = layer;
    }
  }
  if (unpaired > 0) g_.diagnostics.add("backward_calls_unpaired", Severity::kInfo, unpaired);
}

}  // namespace dd
