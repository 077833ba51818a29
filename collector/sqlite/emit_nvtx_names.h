// PyTorch's per-operator NVTX ranges (`torch.autograd.profiler.emit_nvtx`, which
// `daydream record --annotate ops` turns on) name each range
//   "<op>[, seq = N][, op_id = K][, sizes = [...]][, input_op_ids = [...]]"
// — forward ops and the backward functions of the autograd engine alike, a backward function
// carrying the sequence number of the forward op that created it. Read as framework-op ranges
// with their sequence numbers, they give kernels their op and, through the sequence number,
// give backward kernels the layer of their forward op (graph/attribution.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dd {

struct EmitNvtxOp {
  std::string_view op;    // "aten::addmm", "AddmmBackward0"
  int64_t sequence = -1;  // -1: the range has no sequence number
};

// The op and sequence number of a range named as emit_nvtx names them; nullopt for any other
// name (user ranges, the shim's dd: ranges).
std::optional<EmitNvtxOp> parse_emit_nvtx_name(std::string_view name);

}  // namespace dd
