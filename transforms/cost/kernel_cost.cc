// The roofline rules of kernel_cost.h, one small function each.
#include "transforms/cost/kernel_cost.h"

#include <algorithm>
#include <cmath>

#include "transforms/cost/kernel_traits.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"

namespace dd {

namespace {

bool is_host_link_copy(const Graph& graph, TaskId task) {
  if (graph.kernel_class[task] != KernelClass::kCopy ||
      graph.source_table[task] != TraceTable::kGpuOps) {
    return false;
  }
  CopyKind copy = graph.trace().gpu_ops.copy_kind[graph.source_row[task]];
  return copy != CopyKind::kDeviceToDevice && copy != CopyKind::kNotACopy;
}

// Blocks in one grid dimension: `grid` itself, or grid / block rounded up for a launch that
// recorded work-items.
uint64_t blocks(uint32_t grid, uint32_t block, bool work_items) {
  if (!work_items || block == 0) return grid;
  return (uint64_t{grid} + block - 1) / block;
}

uint64_t thread_blocks(const Graph& graph, TaskId op, const TraceKernels& trace) {
  if (graph.source_table[op] != TraceTable::kGpuOps) return 0;
  const GpuOpTable& ops = graph.trace().gpu_ops;
  uint32_t row = graph.source_row[op];
  bool work_items = trace.in_work_items(ops.correlation[row]);
  return blocks(ops.grid_x[row], ops.block_x[row], work_items) *
         blocks(ops.grid_y[row], ops.block_y[row], work_items) *
         blocks(ops.grid_z[row], ops.block_z[row], work_items);
}

// The type a layout transpose was measured in: fp32 data around a TF32 convolution.
DataType recorded_transpose_type(const OpWork& work) {
  return work.recorded == DataType::kFp32 ? DataType::kTf32 : work.recorded;
}

// Rule 5: whether a layout transpose runs at `where`: where the trace measured it (its GPU and
// type), or wherever its convolution runs on tensor cores.
bool transpose_runs(const OpWork& work, const Placement& where, const DeviceSpec* traced) {
  bool measured_there = traced != nullptr && where.device->name == traced->name &&
                        where.type == recorded_transpose_type(work);
  return measured_there || math_on(*where.device, where.type) != DataType::kFp32;
}

// Rule 5: a layout transpose's duration at `to`, from `duration` at `from`.
TimeNs moved_transpose(const Graph& graph, TaskId op, TimeNs duration, TimeNs floor,
                       const OpWork& work, const Placement& from, const Placement& to,
                       const DeviceSpec* traced) {
  if (!transpose_runs(work, to, traced)) return 0;
  if (transpose_runs(work, from, traced)) return moved_duration(duration, floor, work, from, to);
  // Running again: its measured time, moved from where it was measured.
  TimeNs measured = graph.recorded_end[op] - graph.recorded_start[op];
  if (traced == nullptr) return measured;
  return moved_duration(measured, floor, work, {traced, recorded_transpose_type(work)}, to);
}

}  // namespace

std::string_view data_type_name(DataType type) {
  switch (type) {
    case DataType::kFp32: return "fp32";
    case DataType::kTf32: return "tf32";
    case DataType::kFp16: return "fp16";
    case DataType::kBf16: return "bf16";
    case DataType::kFp8: return "fp8";
  }
  return "fp32";
}

double bytes_per_element(DataType type) {
  switch (type) {
    case DataType::kFp32:
    case DataType::kTf32: return 4.0;
    case DataType::kFp16:
    case DataType::kBf16: return 2.0;
    case DataType::kFp8: return 1.0;
  }
  return 4.0;
}

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

TraceKernels::TraceKernels(const Graph& graph) {
  const ApiCallTable& calls = graph.trace().api_calls;
  for (size_t i = 0; i < calls.size(); ++i) {
    if (calls.correlation[i] != 0 &&
        graph.trace().str(calls.name[i]) == "hipExtModuleLaunchKernel") {
      work_items_.insert(calls.correlation[i]);
    }
  }
  // Measured time per spelled type, for compute- and memory-bound kernels.
  std::array<std::array<TimeNs, 5>, 2> time{};
  for (TaskId op = 0; op < graph.task_count(); ++op) {
    if (graph.kind[op] != TaskKind::kGpuOp || graph.removed[op]) continue;
    CostBound bound = cost_bound(graph, op);
    if (bound == CostBound::kUnchanged) continue;
    auto type = traits(graph, op).type;
    size_t group = bound == CostBound::kCompute ? 0 : 1;
    if (type) time[group][static_cast<size_t>(*type)] += graph.duration[op];
  }
  auto most = [](const std::array<TimeNs, 5>& by_type) {
    auto at = std::max_element(by_type.begin(), by_type.end());
    return *at == 0 ? DataType::kFp32 : static_cast<DataType>(at - by_type.begin());
  };
  usual_compute_ = most(time[0]);
  usual_memory_ = most(time[1]);
}

const KernelTraits& TraceKernels::traits(const Graph& graph, TaskId op) const {
  auto [it, inserted] = traits_.try_emplace(graph.name[op]);
  if (inserted) it->second = kernel_traits(graph.str(graph.name[op]));
  return it->second;
}

OpWork op_work(const Graph& graph, TaskId op, const TraceKernels& trace) {
  OpWork work;
  work.bound = cost_bound(graph, op);
  const KernelTraits& traits = trace.traits(graph, op);
  if (work.bound == CostBound::kCompute) {
    double m = traits.tile_m > 0 ? traits.tile_m : kDefaultTileSide;
    double n = traits.tile_n > 0 ? traits.tile_n : kDefaultTileSide;
    work.flops_per_element = 2 * m * n / (m + n);
  }
  work.thread_blocks = thread_blocks(graph, op, trace);
  work.convolution = graph.kernel_class[op] == KernelClass::kConvolution;
  work.layout_transpose = traits.layout_transpose;
  work.spelled = traits.type;
  work.recorded = traits.type.value_or(trace.usual_type(work.bound));
  work.integer = traits.integer;
  return work;
}

DataType current_type(const Graph& graph, TaskId op, const OpWork& work) {
  if (auto given = graph.execution.precision_of(op)) return *given;
  if (work.layout_transpose) return recorded_transpose_type(work);
  return work.recorded;
}

DataType type_on(const DeviceSpec& traced, const DeviceSpec& to, const OpWork& work,
                 DataType type, bool as_recorded) {
  bool tf32_default = as_recorded && type == DataType::kFp32 && work.convolution &&
                      math_on(to, DataType::kTf32) == DataType::kTf32 &&
                      math_on(traced, DataType::kTf32) != DataType::kTf32;
  return tf32_default ? DataType::kTf32 : type;
}

DataType math_on(const DeviceSpec& device, DataType type) {
  switch (type) {
    case DataType::kFp32: return DataType::kFp32;
    case DataType::kTf32:
      return device.vendor == Vendor::kNvidia && device.tf32_tensor > 0 ? DataType::kTf32
                                                                        : DataType::kFp32;
    case DataType::kFp16: return device.fp16_tensor > 0 ? DataType::kFp16 : DataType::kFp32;
    case DataType::kBf16: return device.bf16_tensor > 0 ? DataType::kBf16 : DataType::kFp32;
    case DataType::kFp8:
      if (device.fp8_tensor > 0) return DataType::kFp8;
      return math_on(device, DataType::kBf16);
  }
  return DataType::kFp32;
}

double math_peak(const DeviceSpec& device, DataType type) {
  switch (math_on(device, type)) {
    case DataType::kFp32: return device.fp32;
    case DataType::kTf32: return device.tf32_tensor;
    case DataType::kFp16: return device.fp16_tensor;
    case DataType::kBf16: return device.bf16_tensor;
    case DataType::kFp8: return device.fp8_tensor;
  }
  return device.fp32;
}

double seconds_per_element(const OpWork& work, const DeviceSpec& device, DataType type) {
  double memory = bytes_per_element(type) / device.memory_bandwidth;
  double compute =
      work.bound == CostBound::kCompute ? work.flops_per_element / math_peak(device, type) : 0;
  double fill = 1;
  if (work.thread_blocks > 0 && device.sm_count > 0) {
    fill = std::min(1.0, static_cast<double>(work.thread_blocks) / device.sm_count);
  }
  return std::max(compute, memory) / fill;
}

TimeNs moved_duration(TimeNs duration, TimeNs floor, const OpWork& work, const Placement& from,
                      const Placement& to) {
  if (work.bound == CostBound::kUnchanged) return duration;
  TimeNs fixed = std::min(duration, floor);
  double ratio = seconds_per_element(work, *to.device, to.type) /
                 seconds_per_element(work, *from.device, from.type);
  return fixed + static_cast<TimeNs>(std::llround(static_cast<double>(duration - fixed) * ratio));
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
  if (transposes_off > 0) {
    text += "; " + std::to_string(transposes_off) + " layout transposes (" +
            duration_text(transposes_off_time) + ") not needed without tensor cores";
  }
  if (transposes_on > 0) {
    text += "; " + std::to_string(transposes_on) + " layout transposes back (" +
            duration_text(transposes_on_time) + ")";
  }
  return text;
}

RescaleSummary move_gpu_ops(
    Graph& graph, const DeviceSpec& from, const DeviceSpec& to,
    const std::function<DataType(TaskId, const OpWork&, DataType)>& type_of) {
  TimeNs floor = kernel_floor(graph);
  auto traced = device_of_graph(graph);
  const DeviceSpec* traced_device = traced ? &*traced : nullptr;
  TraceKernels trace(graph);
  TaskSelector gpu_ops;
  gpu_ops.kind = TaskKind::kGpuOp;
  RescaleSummary summary;
  for (TaskId op : select_tasks(graph, gpu_ops)) {
    OpWork work = op_work(graph, op, trace);
    DataType now = current_type(graph, op, work);
    DataType next = type_of(op, work, now);
    Placement here{&from, now};
    Placement there{&to, next};
    TimeNs before = graph.duration[op];
    TimeNs after = work.layout_transpose
                       ? moved_transpose(graph, op, before, floor, work, here, there,
                                         traced_device)
                       : moved_duration(before, floor, work, here, there);
    set_duration(graph, op, after);
    graph.execution.set_precision(op, next);
    auto b = static_cast<size_t>(work.bound);
    ++summary.ops[b];
    summary.before[b] += before;
    summary.after[b] += after;
    if (after != before) ++summary.changed_ops;
    if (work.layout_transpose && before > 0 && after == 0) {
      ++summary.transposes_off;
      summary.transposes_off_time += before;
    } else if (work.layout_transpose && before == 0 && after > 0) {
      ++summary.transposes_on;
      summary.transposes_on_time += after;
    }
  }
  graph.execution.device = to.name;
  return summary;
}

}  // namespace dd
