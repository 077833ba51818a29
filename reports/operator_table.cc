// Per-operator totals (see operator_table.h).
#include "reports/operator_table.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "reports/gpu_activity.h"
#include "reports/op_work.h"
#include "simulator/saturating_time.h"

namespace dd {

namespace {

bool ran(const Timeline& timeline, TaskId t) { return timeline.start[t] != kNotRun; }

// The FLOP/s `peaks` gives an op's work (operator_table.h), 0 when unknown.
double peak_flops(const DevicePeaks& peaks, const OpWork& work) {
  std::string_view type = work.element_type;
  if (type == "float") return work.matrix && peaks.tf32_flops > 0 ? peaks.tf32_flops : peaks.fp32_flops;
  if (type == "double") return peaks.fp64_flops;
  if (type == "c10::Half" || type == "Half") return peaks.fp16_flops;
  if (type == "c10::BFloat16" || type == "BFloat16") return peaks.bf16_flops;
  return 0;
}

// The op call (outermost framework-op range) around each instant of each thread.
class CallIndex {
 public:
  explicit CallIndex(const RangeTable& ranges) : ranges_(ranges) {}
  void add(uint32_t call) {
    if (ranges_.thread[call] >= calls_.size()) calls_.resize(ranges_.thread[call] + 1);
    calls_[ranges_.thread[call]].push_back(call);
  }
  void sort() {
    for (auto& calls : calls_) {
      std::sort(calls.begin(), calls.end(), [&](uint32_t a, uint32_t b) { return ranges_.start[a] < ranges_.start[b]; });
    }
  }
  // The call open at `at` on `thread`, or kNone.
  uint32_t at(uint32_t thread, TimeNs at) const {
    if (thread >= calls_.size()) return kNone;
    const auto& calls = calls_[thread];
    auto after = std::upper_bound(calls.begin(), calls.end(), at,
                                  [&](TimeNs t, uint32_t call) { return t < ranges_.start[call]; });
    if (after == calls.begin()) return kNone;
    uint32_t call = *std::prev(after);
    return at < ranges_.end[call] ? call : kNone;
  }

 private:
  const RangeTable& ranges_;
  std::vector<std::vector<uint32_t>> calls_;  // per trace thread, by start
};

// The op call a GPU op was launched from, or kNone.
uint32_t launching_call(const Graph& graph, const Timeline& timeline, const CallIndex& calls, TaskId op) {
  TaskId call = launch_call_of(graph, op);
  if (call == kNone || !ran(timeline, call)) return kNone;
  const Resource& thread = graph.resources[graph.resource[call]];
  return thread.kind == ResourceKind::kCpuThread ? calls.at(thread.trace_index, timeline.start[call]) : kNone;
}

// Adds the work of one call, `gpu_time` long on the GPU, to its row.
void add_work(OperatorRow& row, const Graph& graph, uint32_t call, TimeNs gpu_time, const DevicePeaks& peaks) {
  const RangeTable& ranges = graph.trace().ranges;
  if (gpu_time <= 0) return;  // no GPU work: its FLOPs, if any, ran on the CPU
  auto work = op_work(graph.str(ranges.name[call]), graph.str(ranges.input_dims[call]),
                      graph.str(ranges.input_types[call]), graph.str(ranges.concrete_inputs[call]));
  if (!work) return;
  ++row.counted_calls;
  row.flops += work->flops;
  row.bytes += work->bytes;
  row.counted_gpu_time = add_saturated(row.counted_gpu_time, gpu_time);
  double compute = peak_flops(peaks, *work);
  if (compute <= 0 || peaks.memory_bandwidth <= 0) return;
  double least = std::max(work->flops / compute, work->bytes / peaks.memory_bandwidth);
  row.roofline_time = add_saturated(row.roofline_time, static_cast<TimeNs>(least * 1e9));
  row.roofline_gpu_time = add_saturated(row.roofline_gpu_time, gpu_time);
}

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
  total.counted_calls += row.counted_calls;
  total.flops += row.flops;
  total.bytes += row.bytes;
  total.counted_gpu_time = add_saturated(total.counted_gpu_time, row.counted_gpu_time);
  total.roofline_time = add_saturated(total.roofline_time, row.roofline_time);
  total.roofline_gpu_time = add_saturated(total.roofline_gpu_time, row.roofline_gpu_time);
  total.cpu_time = add_saturated(total.cpu_time, row.cpu_time);
  total.gpu_time = add_saturated(total.gpu_time, row.gpu_time);
  total.gpu_ops += row.gpu_ops;
  total.launch_delay = add_saturated(total.launch_delay, row.launch_delay);
  total.launched_ops += row.launched_ops;
}

}  // namespace

std::vector<OperatorRow> operator_table(const Graph& graph, const Timeline& timeline,
                                        const std::vector<Span>& windows,
                                        const std::vector<TimeNs>& counted_at,
                                        const DevicePeaks& peaks, size_t top) {
  std::unordered_map<StringId, OperatorRow> by_op;
  auto row_of = [&](StringId op) -> OperatorRow& {
    auto [it, inserted] = by_op.try_emplace(op);
    if (inserted) it->second.name = op == kEmptyString ? std::string(kNoOperator) : std::string(graph.str(op));
    return it->second;
  };
  const RangeTable& ranges = graph.trace().ranges;
  CallIndex calls(ranges);
  std::vector<uint32_t> windowed_calls;
  for (uint32_t r = 0; r < ranges.size(); ++r) {
    if (ranges.thread[r] == kNone || !is_op_call(ranges, r)) continue;
    calls.add(r);
    if (!in_windows(windows, ranges.start[r])) continue;
    windowed_calls.push_back(r);
    OperatorRow& row = row_of(ranges.name[r]);
    ++row.calls;
    row.cpu_time = add_saturated(row.cpu_time, std::max<TimeNs>(0, ranges.end[r] - ranges.start[r]));
  }
  calls.sort();
  std::unordered_map<uint32_t, TimeNs> gpu_time_of_call;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.kind[t] != TaskKind::kGpuOp || !ran(timeline, t) || !in_windows(windows, counted_at[t])) {
      continue;
    }
    OperatorRow& row = row_of(graph.op[t]);
    TimeNs time = elapsed_saturated(timeline.start[t], timeline.end[t]);
    row.gpu_time = add_saturated(row.gpu_time, time);
    ++row.gpu_ops;
    if (uint32_t call = launching_call(graph, timeline, calls, t); call != kNone) gpu_time_of_call[call] += time;
    TimeNs launched = launched_at(graph, timeline, t);
    if (launched == kNotRun) continue;
    row.launch_delay = add_saturated(row.launch_delay, elapsed_saturated(launched, timeline.start[t]));
    ++row.launched_ops;
  }
  for (uint32_t call : windowed_calls) {
    auto time = gpu_time_of_call.find(call);
    add_work(row_of(ranges.name[call]), graph, call, time == gpu_time_of_call.end() ? 0 : time->second, peaks);
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
