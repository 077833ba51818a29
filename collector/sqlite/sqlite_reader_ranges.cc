// Reads ranges and their links. NVTX push/pop and start/end ranges come from NVTX_EVENTS
// (marks are counted, other NVTX records ignored; PyTorch's emit_nvtx ranges become framework
// ops with their sequence numbers, emit_nvtx_names.h), every other kind from DD_RANGES. Rows of
// both tables are keyed by rowid; sorting by it restores the writer's Trace order, and parents
// (ddParentId / parentId) and DD_RANGE_LINKS resolve through the same keys.
#include <algorithm>
#include <string>

#include "collector/sqlite/emit_nvtx_names.h"
#include "collector/sqlite/sqlite_reader_internal.h"

namespace dd::sqlite_read {

namespace {

constexpr int64_t kNoParent = -1;

class RangeReader {
 public:
  explicit RangeReader(ReadContext& context) : context_(context), ranges_(context.trace().ranges) {}

  Result<void> read() {
    if (auto done = read_nvtx(); !done) return done;
    if (auto done = read_dd_ranges(); !done) return done;
    std::vector<uint32_t> order = order_by_key(keys_);
    if (!order.empty()) {
      apply_row_order(ranges_, order);
      apply_order(keys_, order);
      apply_order(parent_keys_, order);
    }
    for (size_t i = 0; i < ranges_.size(); ++i) ranges_.parent[i] = find(parent_keys_[i]);
    return read_links();
  }

 private:
  uint32_t find(int64_t key) const {
    if (key == kNoParent) return kNone;
    auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
    return it != keys_.end() && *it == key ? static_cast<uint32_t>(it - keys_.begin()) : kNone;
  }
  void append(const RangeRow& range, int64_t key, int64_t parent_key) {
    ranges_.append(range);
    keys_.push_back(key);
    parent_keys_.push_back(parent_key);
  }

  Result<void> read_nvtx() {
    namespace n = sql::nvtx;
    uint64_t marks = 0;
    uint64_t framework_ops = 0;
    auto read = context_.read_table(n::kTable, [&](Row& row) {
      auto type = static_cast<NvtxEventType>(
          context_.nvtx_event_types().get(row.required_int(n::kEventType)));
      if (!row.valid()) return;
      if (type == NvtxEventType::kMark) ++marks;
      if (type != NvtxEventType::kPushPopRange && type != NvtxEventType::kStartEndRange) return;
      RangeRow range;
      range.kind = RangeKind::kNvtx;
      range.start = row.required_time(n::kStart);
      range.end = row.required_time(n::kEnd);
      // nsys: plain messages in `text`, registered strings in `textId`.
      range.name = row.is_null(n::kText) ? context_.string(row, n::kTextId)
                                         : context_.intern(row.optional_text(n::kText));
      range.external_id = static_cast<uint64_t>(row.optional_int(n::kDdExternalId, 0));
      range.sequence_number = row.optional_int(n::kDdSequenceNumber, -1);
      range.depth = static_cast<uint16_t>(row.optional_int(n::kDdDepth, 0));
      int64_t parent = row.optional_int(n::kDdParentId, kNoParent);
      if (!row.valid()) return;
      if (auto op = parse_emit_nvtx_name(context_.trace().str(range.name))) {
        range.kind = RangeKind::kFrameworkOp;
        range.name = context_.intern(std::string(op->op));  // a copy: interning may move the pool
        if (range.sequence_number < 0) range.sequence_number = op->sequence;
        ++framework_ops;
      }
      range.thread = context_.thread_at(row, n::kGlobalTid);
      if (row.valid()) append(range, row.rowid(n::kColumnCount), parent);
    });
    context_.count("nvtx_marks_ignored", Severity::kInfo, marks);
    context_.count("nvtx_ranges_read_as_framework_ops", Severity::kInfo, framework_ops);
    return read;
  }

  Result<void> read_dd_ranges() {
    namespace r = sql::ranges;
    return context_.read_table(r::kTable, [&](Row& row) {
      RangeRow range;
      auto kind = enum_from_name(row.required_text(r::kKind), range_kind_name, RangeKind::kOther);
      range.start = row.required_time(r::kStart);
      range.end = row.required_time(r::kEnd);
      range.name = context_.string(row, r::kNameId);
      range.external_id = static_cast<uint64_t>(row.optional_int(r::kExternalId, 0));
      range.sequence_number = row.optional_int(r::kSequenceNumber, -1);
      range.depth = static_cast<uint16_t>(row.optional_int(r::kDepth, 0));
      range.input_dims = context_.string(row, r::kInputDimsId);
      range.input_types = context_.string(row, r::kInputTypesId);
      range.concrete_inputs = context_.string(row, r::kConcreteInputsId);
      int64_t parent = row.optional_int(r::kParentId, kNoParent);
      if (!kind) row.invalidate();
      if (!row.valid()) return;
      range.kind = *kind;
      range.thread = context_.thread_at(row, r::kGlobalTid);
      range.stream = context_.stream_at(row, r::kGlobalPid, r::kDeviceId, r::kStreamId);
      if (row.valid()) append(range, row.rowid(r::kColumnCount), parent);
    });
  }

  Result<void> read_links() {
    namespace l = sql::range_links;
    RangeLinkTable& links = context_.trace().range_links;
    return context_.read_table(l::kTable, [&](Row& row) {
      uint32_t from = find(row.required_int(l::kFromRangeId));
      uint32_t to = find(row.required_int(l::kToRangeId));
      std::string_view kind = row.required_text(l::kKind);
      auto known =
          std::find(std::begin(sql::kRangeLinkKindNames), std::end(sql::kRangeLinkKindNames), kind);
      if (from == kNone || to == kNone || known == std::end(sql::kRangeLinkKindNames)) {
        row.invalidate();
      }
      if (!row.valid()) return;
      links.append(from, to,
                   static_cast<RangeLinkKind>(known - std::begin(sql::kRangeLinkKindNames)));
    });
  }

  ReadContext& context_;
  RangeTable& ranges_;
  std::vector<int64_t> keys_;         // rowid of each range read, in table order
  std::vector<int64_t> parent_keys_;  // key of its parent, or kNoParent
};

}  // namespace

Result<void> read_ranges(ReadContext& context) {
  return RangeReader(context).read();
}

}  // namespace dd::sqlite_read
