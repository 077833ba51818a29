// Per-operator totals (see operator_table.h).
#include "reports/operator_table.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "simulator/saturating_time.h"

namespace dd {

namespace {

bool ran(const Timeline& timeline, TaskId t) { return timeline.start[t] != kNotRun; }

// Whether range `r` is a framework op that no other framework op encloses (an op call).
bool is_op_call(const RangeTable& ranges, uint32_t r) {
  if (ranges.kind[r] != RangeKind::kFrameworkOp) return false;
  for (uint32_t p = ranges.parent[r]; p != kNone; p = ranges.parent[p]) {
    if (ranges.kind[p] == RangeKind::kFrameworkOp) return false;
  }
  return true;
}

void add_to(OperatorRow& total, const OperatorRow& row) {
  total.calls += row.calls;
  total.cpu_time = add_saturated(total.cpu_time, row.cpu_time);
  total.gpu_time = add_saturated(total.gpu_time, row.gpu_time);
  total.gpu_ops += row.gpu_ops;
  total.launch_delay = add_saturated(total.launch_delay, row.launch_delay);
  total.launched_ops += row.launched_ops;
}

}  // namespace

std::vector<OperatorRow> operator_table(const Graph& graph, const Timeline& timeline,
                                        const std::vector<Span>& windows, size_t top) {
  std::unordered_map<StringId, OperatorRow> by_op;
  auto row_of = [&](StringId op) -> OperatorRow& {
    auto [it, inserted] = by_op.try_emplace(op);
    if (inserted) it->second.name = op == kEmptyString ? std::string(kNoOperator) : std::string(graph.str(op));
    return it->second;
  };
  const RangeTable& ranges = graph.trace().ranges;
  for (uint32_t r = 0; r < ranges.size(); ++r) {
    if (!in_windows(windows, ranges.start[r]) || !is_op_call(ranges, r)) continue;
    OperatorRow& row = row_of(ranges.name[r]);
    ++row.calls;
    row.cpu_time = add_saturated(row.cpu_time, std::max<TimeNs>(0, ranges.end[r] - ranges.start[r]));
  }
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.kind[t] != TaskKind::kGpuOp || !ran(timeline, t) || !in_windows(windows, timeline.start[t])) {
      continue;
    }
    OperatorRow& row = row_of(graph.op[t]);
    row.gpu_time = add_saturated(row.gpu_time, elapsed_saturated(timeline.start[t], timeline.end[t]));
    ++row.gpu_ops;
    TaskId call = launch_call_of(graph, t);
    if (call == kNone || !ran(timeline, call)) continue;
    row.launch_delay =
        add_saturated(row.launch_delay, elapsed_saturated(timeline.start[call], timeline.start[t]));
    ++row.launched_ops;
  }
  std::vector<OperatorRow> rows;
  std::optional<OperatorRow> no_op;
  for (auto& [op, row] : by_op) {
    if (op == kEmptyString) {
      no_op = std::move(row);
    } else {
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const OperatorRow& a, const OperatorRow& b) {
    return std::tuple(b.gpu_time, b.cpu_time, a.name) < std::tuple(a.gpu_time, a.cpu_time, b.name);
  });
  if (rows.size() > top) {
    OperatorRow rest;
    rest.name = "(" + std::to_string(rows.size() - top) + " more ops)";
    for (size_t i = top; i < rows.size(); ++i) add_to(rest, rows[i]);
    rows.resize(top);
    rows.push_back(std::move(rest));
  }
  if (no_op && no_op->gpu_ops > 0) rows.push_back(std::move(*no_op));
  return rows;
}

}  // namespace dd
