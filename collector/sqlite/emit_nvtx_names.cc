// Parsing of emit_nvtx range names (see emit_nvtx_names.h).
#include "collector/sqlite/emit_nvtx_names.h"

#include <algorithm>
#include <charconv>

namespace dd {

namespace {

constexpr std::string_view kSequenceField = ", seq = ";
constexpr std::string_view kOpIdField = ", op_id = ";

// The decimal number at the start of `text`, which must end there or at the next ", ".
std::optional<int64_t> field_number(std::string_view text) {
  int64_t value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || value < 0) return std::nullopt;
  std::string_view rest(end, static_cast<size_t>(text.data() + text.size() - end));
  if (!rest.empty() && !rest.starts_with(", ")) return std::nullopt;
  return value;
}

}  // namespace

std::optional<EmitNvtxOp> parse_emit_nvtx_name(std::string_view name) {
  // emit_nvtx writes the sequence number first when there is one, then the op id.
  size_t sequence_at = name.find(kSequenceField);
  size_t op_id_at = name.find(kOpIdField);
  size_t first = std::min(sequence_at, op_id_at);
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  EmitNvtxOp op{name.substr(0, first), -1};
  if (sequence_at != std::string_view::npos) {
    auto sequence = field_number(name.substr(sequence_at + kSequenceField.size()));
    if (!sequence) return std::nullopt;
    op.sequence = *sequence;
  }
  if (op_id_at != std::string_view::npos &&
      !field_number(name.substr(op_id_at + kOpIdField.size()))) {
    return std::nullopt;
  }
  return op;
}

}  // namespace dd
