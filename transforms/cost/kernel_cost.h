// The roofline cost model of one GPU op (Williams, Waterman, Patterson, "Roofline", CACM 2009):
// the duration of a measured op when its GPU or its data type changes. One rule for every
// move, in both directions: the op keeps the fraction of its own roofline bound it achieved
// where it was measured, and that bound is recomputed for where it goes. So moves compose (A ->
// B -> C is A -> C, A -> B -> A is the identity) and no direction is special. The pieces:
//
// 1. Work (op_work). Compute-bound classes (gemm, convolution, attention; kernel_class.h) do
//    F FLOPs while moving E elements of DRAM traffic; memory-bound classes (elementwise,
//    reduction, normalization, optimizer, device copies, memsets) only move elements.
//    Communication (the communication model's job), host<->device and peer copies (bound by a
//    host link the device model does not describe) and unclassified kernels keep their
//    duration; the models report how much time that was. Traces seldom record tensor shapes,
//    so F and E are not counted; only the intensity F / E matters to a ratio of bounds, and it
//    comes from the kernel's CTA tile (kernel_traits.h): a thread block computing an Mt x Nt
//    output tile streams Mt + Nt operand elements per 2 Mt Nt FLOPs, so F / E = 2 Mt Nt /
//    (Mt + Nt), independent of K. That counts the panels every block reads and no reuse
//    between blocks through L2: the lowest intensity the op can have, so a kernel whose new
//    unit is much faster is bound by memory sooner than with perfect reuse (conservative for
//    faster math, optimistic for more bandwidth alone). A name without a tile gets 128 x 128,
//    the CTA tile cuBLAS, cuDNN and CUTLASS use most.
// 2. The math (math_peak, type_on): fp32 data on the CUDA cores (AMD: fp32 vector/matrix
//    units), TF32 math on TF32 tensor cores, 16-bit and fp8 on the tensor/matrix cores of
//    their type. Recorded ops do what their kernel name spells (kernel_traits.h); a move to
//    another GPU takes PyTorch's defaults there: fp32 convolutions on TF32 tensor cores where
//    an NVIDIA GPU has them (torch.backends.cudnn.allow_tf32 = True) unless the op ran on fp32
//    cores on a GPU that had TF32 (cuDNN chose them), GEMMs and attention in fp32
//    (torch.backends.cuda.matmul.allow_tf32 = False since PyTorch 1.12), and no TF32 on AMD
//    GPUs (MIOpen and hipBLASLt do not use it by default). A unit the GPU lacks falls back to
//    fp32 math (bf16 on a V100 runs on its CUDA cores). A kernel whose name spells no type
//    (Triton's, some cuDNN helpers) is taken to run in the type that carries most of the
//    trace's measured time among kernels of its bound that do spell one (fp32 when none does).
// 3. The bound (seconds_per_element): max(F/E / peak, bytes per element / bandwidth) / fill,
//    where fill = min(1, thread blocks / SMs): a launch with fewer blocks than the GPU has
//    SMs (CUs) leaves the rest idle, for FLOPs and for loads alike. Blocks come from the
//    trace's launch dimensions (HIP's hipExtModuleLaunchKernel, which AMD's Tensile/hipBLASLt
//    and MIOpen kernels go through, takes and records its grid in work-items: divided by the
//    block), and the same launch is assumed on the new GPU. The tail of a last, partial wave
//    is not modeled: how many blocks an SM holds at once depends on each kernel's registers
//    and shared memory against limits the device table does not carry.
// 4. The fixed part (moved_duration): the shortest kernel the trace measured is the fixed cost
//    of any kernel (launch on the device, block scheduling, drain); it stays as measured on
//    every GPU, and only the rest of a duration scales with the bound.
// 5. Layout transposes: cuDNN's NCHW <-> NHWC transposes exist only around convolutions on
//    tensor cores (TF32, 16-bit). On a path without them (fp32 cores) they take no time; back
//    on such a path they take their measured time, moved like any memory-bound op. A trace
//    without them gets none added: their size is unknown without tensor shapes, so a move from
//    fp32 NCHW cores to tensor cores is optimistic by their cost (19% of VGG-13's H100 GPU
//    time in the bundled trace).
// 6. Nothing else changes: launch latency, kernel switch gaps and the CPU stay as measured.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "graph/graph.h"
#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_traits.h"

namespace dd {

// The CTA tile assumed for a compute-bound kernel whose name carries none (rule 1).
inline constexpr double kDefaultTileSide = 128;

std::string_view data_type_name(DataType type);  // "fp32", "tf32", "fp16", "bf16", "fp8"
double bytes_per_element(DataType type);         // 4 (tf32 too: fp32 storage), 2, 2, 1

enum class CostBound : uint8_t { kCompute, kMemory, kUnchanged };

// Rule 1 by class (copies count as device-to-device here).
CostBound cost_bound(KernelClass kernel_class);
// Rule 1 for a task of the graph: also tells host-link copies apart by the trace's copy kind.
// CPU tasks are kUnchanged.
CostBound cost_bound(const Graph& graph, TaskId task);

// What an op's work looks like to the roofline.
struct OpWork {
  CostBound bound = CostBound::kUnchanged;
  double flops_per_element = 0;     // rule 1; 0 for memory-bound work
  uint64_t thread_blocks = 0;       // of its launch; 0: unknown (fill 1)
  bool convolution = false;         // its class or the framework op that launched it
  bool layout_transpose = false;    // rule 5
  std::optional<DataType> spelled;  // what its kernel name says
  DataType recorded = DataType::kFp32;  // spelled, else the trace's usual type (rule 2)
  bool integer = false;             // integer work, by its name
};
// What the trace as a whole says that one kernel's name and launch may not: which launches
// record their grid in work-items rather than thread blocks (rule 3: those made by
// hipExtModuleLaunchKernel, by correlation id), and the type a kernel that spells none is taken
// to run in (rule 2).
class TraceKernels {
 public:
  explicit TraceKernels(const Graph& graph);
  bool in_work_items(uint64_t correlation) const { return work_items_.contains(correlation); }
  DataType usual_type(CostBound bound) const {
    return bound == CostBound::kCompute ? usual_compute_ : usual_memory_;
  }
  // kernel_traits of the op's name, read once per distinct name (a trace repeats a few hundred
  // kernel names over and over).
  const KernelTraits& traits(const Graph& graph, TaskId op) const;

 private:
  mutable std::unordered_map<StringId, KernelTraits> traits_;
  std::unordered_set<uint64_t> work_items_;
  DataType usual_compute_ = DataType::kFp32;
  DataType usual_memory_ = DataType::kFp32;
};

OpWork op_work(const Graph& graph, TaskId op, const TraceKernels& trace);

// The data type `op` runs in now: what a rewrite gave it (Graph::execution), else what its name
// spells (a layout transpose of fp32 data serves a TF32 convolution), else fp32.
DataType current_type(const Graph& graph, TaskId op, const OpWork& work);

// Rule 2: the type an op of `type` takes on `to` by the framework's defaults. A convolution
// still in the fp32 its trace recorded (`as_recorded`) on a GPU without NVIDIA TF32 tensor cores
// (`traced`, the trace's GPU) takes TF32 on a GPU with them (torch.backends.cudnn.allow_tf32 =
// True); every other op keeps its type (a recorded fp32 convolution on a TF32 GPU ran on the
// CUDA cores because cuDNN chose them, and keeps doing so).
DataType type_on(const DeviceSpec& traced, const DeviceSpec& to, const OpWork& work,
                 DataType type, bool as_recorded);

// Rule 2: the math `type` is done in on `device` (kTf32 without TF32 tensor cores or on AMD,
// and a 16-bit type without its unit, fall back to kFp32), and that math's peak FLOP/s.
DataType math_on(const DeviceSpec& device, DataType type);
double math_peak(const DeviceSpec& device, DataType type);

// Rule 3: seconds per element of DRAM traffic of `work` in `type` on `device`.
double seconds_per_element(const OpWork& work, const DeviceSpec& device, DataType type);

// Where and in which type an op runs.
struct Placement {
  const DeviceSpec* device = nullptr;
  DataType type = DataType::kFp32;
};

// Rules 3-4: the duration of an op lasting `duration` at `from` when it runs at `to`; the part
// up to `floor` is fixed. kUnchanged work keeps its duration.
TimeNs moved_duration(TimeNs duration, TimeNs floor, const OpWork& work, const Placement& from,
                      const Placement& to);

// What a move changed, per cost bound, for the models' one-line summaries.
struct RescaleSummary {
  std::array<size_t, 3> ops{};
  std::array<TimeNs, 3> before{}, after{};
  size_t changed_ops = 0;  // ops whose duration changed
  size_t transposes_off = 0, transposes_on = 0;
  TimeNs transposes_off_time = 0, transposes_on_time = 0;
  // "compute-bound: 120 ops 30.100 ms -> 15.050 ms; memory-bound: ...; unchanged: ...", and
  // the layout transposes turned off or on.
  std::string text() const;
};

// Moves every live GPU op from the GPU it runs on now (`from`) to `to`, each in the type
// `type_of` gives it (called with the op, its work and its current type), through rules 1-5,
// and records the new device and types in Graph::execution.
RescaleSummary move_gpu_ops(
    Graph& graph, const DeviceSpec& from, const DeviceSpec& to,
    const std::function<DataType(TaskId, const OpWork&, DataType)>& type_of);

}  // namespace dd
