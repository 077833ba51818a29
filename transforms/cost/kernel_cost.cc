// The roofline rules of kernel_cost.h, one small function each.
#include "transforms/cost/kernel_cost.h"

#include <algorithm>
#include <cmath>

#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"

namespace dd {

namespace {

// Rule 3's factor: bytes and bandwidth ratios.
double memory_factor(const Execution& from, const Execution& to) {
  return bytes_per_element(to.type) / bytes_per_element(from.type) *
         from.device->memory_bandwidth / to.device->memory_bandwidth;
}

// Rule 4: the larger of the compute and the memory bound.
double compute_bound_factor(KernelClass kernel_class, const Execution& from,
                            const Execution& to) {
  double compute = compute_peak(*from.device, kernel_class, from.type) /
                   compute_peak(*to.device, kernel_class, to.type);
  return std::max(compute, kComputeBoundMemoryShare * memory_factor(from, to));
}

bool is_host_link_copy(const Graph& graph, TaskId task) {
  if (graph.kernel_class[task] != KernelClass::kCopy ||
      graph.source_table[task] != TraceTable::kGpuOps) {
    return false;
  }
  CopyKind copy = graph.trace().gpu_ops.copy_kind[graph.source_row[task]];
  return copy != CopyKind::kDeviceToDevice && copy != CopyKind::kNotACopy;
}

}  // namespace

std::string_view data_type_name(DataType type) {
  switch (type) {
    case DataType::kFp32: return "fp32";
    case DataType::kFp16: return "fp16";
    case DataType::kBf16: return "bf16";
  }
  return "fp32";
}

double bytes_per_element(DataType type) { return type == DataType::kFp32 ? 4.0 : 2.0; }

CostBound cost_bound(KernelClass kernel_class) {
  if (is_compute_bound(kernel_class)) return CostBound::kCompute;
  switch (kernel_class) {
    case KernelClass::kCommunication:
    case KernelClass::kOther: return CostBound::kUnchanged;
    default: return CostBound::kMemory;
  }
}

CostBound cost_bound(const Graph& graph, TaskId task) {
  if (graph.kind[task] != TaskKind::kGpuOp || is_host_link_copy(graph, task)) {
    return CostBound::kUnchanged;
  }
  return cost_bound(graph.kernel_class[task]);
}

double compute_peak(const DeviceSpec& device, KernelClass kernel_class, DataType type) {
  switch (type) {
    case DataType::kFp16: return device.fp16_tensor;
    case DataType::kBf16: return device.bf16_tensor;
    case DataType::kFp32: break;
  }
  bool tf32 = kernel_class == KernelClass::kConvolution && device.tf32_tensor > 0;
  return tf32 ? device.tf32_tensor : device.fp32;
}

TimeNs rescaled_duration(TimeNs measured, CostBound bound, KernelClass kernel_class,
                         const Execution& from, const Execution& to) {
  double factor = 1.0;
  if (bound == CostBound::kMemory) factor = memory_factor(from, to);
  if (bound == CostBound::kCompute) factor = compute_bound_factor(kernel_class, from, to);
  return static_cast<TimeNs>(std::llround(static_cast<double>(measured) * factor));
}

std::string RescaleSummary::text() const {
  static constexpr std::array<std::string_view, 3> kLabels = {"compute-bound", "memory-bound",
                                                                "unchanged"};
  std::string text;
  for (size_t b = 0; b < kLabels.size(); ++b) {
    text += (text.empty() ? "" : "; ") + std::string(kLabels[b]) + ": " +
            std::to_string(ops[b]) + " ops " + duration_text(before[b]);
    if (b != static_cast<size_t>(CostBound::kUnchanged)) text += " -> " + duration_text(after[b]);
  }
  return text;
}

RescaleSummary rescale_gpu_ops(Graph& graph, const Execution& from,
                               const std::function<Execution(TaskId)>& to_of) {
  TaskSelector gpu_ops;
  gpu_ops.kind = TaskKind::kGpuOp;
  RescaleSummary summary;
  for (TaskId op : select_tasks(graph, gpu_ops)) {
    CostBound bound = cost_bound(graph, op);
    TimeNs before = graph.duration[op];
    TimeNs after = rescaled_duration(before, bound, graph.kernel_class[op], from, to_of(op));
    set_duration(graph, op, after);
    auto b = static_cast<size_t>(bound);
    ++summary.ops[b];
    summary.before[b] += before;
    summary.after[b] += after;
    if (after != before) ++summary.changed_ops;
  }
  return summary;
}

}  // namespace dd
