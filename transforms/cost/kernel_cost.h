// The roofline cost model of one GPU op (Williams, Waterman, Patterson, "Roofline", CACM 2009):
// the new duration of a measured op when its data type or its GPU changes, from the measured
// duration, the op's kernel class and the two device specs (device_model.h). Traces record no
// tensor shapes, so nothing here counts FLOPs or bytes; every rule is a ratio applied to the
// measured time, and every assumption is written down here:
//
// 1. How work responds (cost_bound): gemm, convolution and attention are compute-bound
//    (kernel_class.h); elementwise, reduction, normalization, optimizer, device-to-device copies
//    and memsets are memory-bound. Communication (bound by NVLink/PCIe/network: the
//    communication model's job), host<->device and peer copies (bound by the host link, which
//    the device model does not describe) and unclassified work ("other": unknown bound) are
//    left unchanged; the models report how much time that was.
// 2. Which peak a compute-bound kernel runs at (compute_peak): 16-bit data on the tensor-core
//    peak of its type; fp32 data as PyTorch runs it by default: convolutions on TF32 tensor
//    cores where the device has them (torch.backends.cudnn.allow_tf32 = True), GEMMs and
//    attention on the fp32 CUDA cores (torch.backends.cuda.matmul.allow_tf32 = False since
//    PyTorch 1.12).
// 3. Memory-bound: duration x bytes_to / bytes_from x bandwidth_from / bandwidth_to. The kernel
//    keeps the fraction of DRAM bandwidth it achieved; 16-bit data moves half the bytes of fp32.
// 4. Compute-bound: max(compute, memory), the roofline's two bounds.
//    compute = duration x peak_from / peak_to: the kernel keeps the fraction of peak it
//    achieved (the same library tiles it the same way on the new unit).
//    memory = duration x kComputeBoundMemoryShare x bytes_to / bytes_from x bandwidth_from /
//    bandwidth_to: the time its DRAM traffic takes. Without shapes the traffic is bounded by
//    what the trace shows: a kernel that was compute-bound moved at most duration x
//    bandwidth_from bytes, else memory would have bound it. kComputeBoundMemoryShare = 1 takes
//    that bound (the kernel sat at the source's ridge point), so predictions are the
//    conservative end of the roofline: a faster unit speeds a GEMM up by at most what the
//    bandwidth allows (e.g. fp32 -> fp16 tensor cores on one V100: at most 2x, not 8x).
// 5. Nothing else changes: launch latency, kernel switch gaps and the CPU stay as measured;
//    kernels too short to reach their bound scale like long ones.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "graph/graph.h"
#include "transforms/cost/device_model.h"

namespace dd {

enum class DataType : uint8_t { kFp32, kFp16, kBf16 };

std::string_view data_type_name(DataType type);  // "fp32", "fp16", "bf16"
double bytes_per_element(DataType type);

// Rule 4's share of a compute-bound kernel's measured time that its DRAM traffic takes at the
// source's bandwidth: 1 = at the ridge point, the most traffic consistent with being
// compute-bound (Roofline, CACM 2009). Derived from the model, not fitted to a trace.
inline constexpr double kComputeBoundMemoryShare = 1.0;

enum class CostBound : uint8_t { kCompute, kMemory, kUnchanged };

// Rule 1 by class (copies count as device-to-device here).
CostBound cost_bound(KernelClass kernel_class);
// Rule 1 for a task of the graph: also tells host-link copies apart by the trace's copy kind.
// CPU tasks are kUnchanged.
CostBound cost_bound(const Graph& graph, TaskId task);

// Rule 2: the FLOP/s a compute-bound kernel of `kernel_class` with `type` data runs at on
// `device`; 0 when the device has no unit for it (e.g. bf16 before Ampere).
double compute_peak(const DeviceSpec& device, KernelClass kernel_class, DataType type);

// Where and how an op runs.
struct Execution {
  const DeviceSpec* device = nullptr;
  DataType type = DataType::kFp32;
};

// Rules 3-5: the duration of an op measured at `measured` under `from` when run under `to`.
// Compute-bound ops need a nonzero compute_peak on both sides (callers check, and say why not).
TimeNs rescaled_duration(TimeNs measured, CostBound bound, KernelClass kernel_class,
                         const Execution& from, const Execution& to);

// What rescaling changed, per cost bound, for the models' one-line summaries.
struct RescaleSummary {
  std::array<size_t, 3> ops{};
  std::array<TimeNs, 3> before{}, after{};
  // "compute-bound: 120 ops 30.100 ms -> 15.050 ms; memory-bound: ...; unchanged: ..."
  std::string text() const;
  size_t changed_ops = 0;  // ops whose duration changed
};

// Gives every live GPU op the duration it would have under `to_of(op)` instead of `from`
// (set_duration, primitives.h); kUnchanged ops keep theirs.
RescaleSummary rescale_gpu_ops(Graph& graph, const Execution& from,
                               const std::function<Execution(TaskId)>& to_of);

}  // namespace dd
