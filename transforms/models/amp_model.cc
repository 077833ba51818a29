// `amp:dtype=bf16|fp16` — automatic mixed precision (Micikevicius et al., "Mixed Precision
// Training", ICLR 2018; PyTorch torch.autocast / NVIDIA Apex AMP) on the GPU the ops run on
// now (the trace's, or the one an earlier `gpu` rewrite moved them to). What changes, through
// the one rule of kernel_cost.h (each op keeps the fraction of its own roofline bound it
// achieved; the bound is recomputed in the new type):
// - forward/backward GEMM, convolution and attention kernels in fp32 (CUDA cores or TF32) take
//   16-bit inputs on the tensor cores of `dtype`: the bound of their tile intensity moves to
//   that unit's peak and to half the bytes;
// - forward/backward elementwise, reduction and normalization kernels in fp32 move 16-bit
//   data: half the bytes. Ops autocast keeps in fp32 (softmax, layer/group norm, losses;
//   recognised by their framework op name) keep their duration;
// - ops that already run in 16 bit or fp8 (their kernel names say so, or an earlier rewrite
//   made them so) are left alone, and so is integer work; so are ops whose kernel names spell
//   no data type (kernel_traits.h; e.g. Triton kernels): they may be 16-bit already, and the
//   summary counts them;
// - optimizer work stays fp32 (fp32 master weights), and so do copies and memsets (inputs,
//   parameters and their gradients stay fp32); communication and unclassified kernels too.
// - casts: each forward GEMM/convolution/attention op call this changes (its kernels share the
//   trace's external id; unattributed phases count as forward) gets one cast kernel ahead of
//   its first kernel on its stream: its fp32 weight to 16 bit (autocast caches that cast for
//   the rest of the forward, and the activations arrive in 16 bit from the previous autocast
//   op). Traces record no shapes, so a cast's bytes are not estimable: it lasts as long as the
//   shortest forward/backward elementwise kernel on this GPU (weights are small next to
//   activations, so a cast costs what a small memory-bound kernel costs here). Its launch is
//   an API call on the launching thread right ahead of the kernel's own launch, lasting the
//   trace's median launch call, with the trace's measured launch latency; in a CUDA graph
//   (cuda-graphs applied earlier) the cast is captured with its op and launched by the same
//   graph launch.
// Not modeled: the backward casts of weight gradients back to fp32, loss scaling's
// inf/nan checks (fp16), and the NCHW <-> NHWC transposes cuDNN adds around 16-bit
// convolutions when the trace has none (their size is unknown without shapes;
// kernel_cost.h, rule 5).
// Refuses when the GPU has no tensor cores for `dtype` (bf16 needs Ampere or newer).
#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <memory>
#include <string>
#include <unordered_set>

#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_cost.h"
#include "transforms/model_factories.h"
#include "transforms/primitives.h"
#include "transforms/rewrite_helpers.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

// Framework ops that torch.autocast runs in fp32 (its "fp32 ops" list), as their forward and
// backward op names spell them in lowercase.
constexpr std::array<std::string_view, 7> kAutocastFp32Ops = {
    "softmax", "layer_norm", "layernorm", "group_norm", "groupnorm", "loss", "cross_entropy"};

bool autocast_keeps_fp32(const Graph& graph, TaskId op) {
  std::string name(graph.str(graph.op[op]));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(kAutocastFp32Ops.begin(), kAutocastFp32Ops.end(),
                     [&name](std::string_view key) { return name.find(key) != std::string::npos; });
}

// Whether autocast runs `op` in 16 bit: model work (not optimizer or data loading) of a class
// whose data type autocast changes.
bool runs_in_16_bit(const Graph& graph, TaskId op) {
  Phase phase = graph.phase[op];
  KernelClass k = graph.kernel_class[op];
  if (phase == Phase::kOptimizer || phase == Phase::kData || k == KernelClass::kOptimizer) {
    return false;
  }
  if (is_compute_bound(k)) return true;
  bool activation_class = k == KernelClass::kElementwise || k == KernelClass::kReduction ||
                          k == KernelClass::kNormalization;
  return activation_class && !autocast_keeps_fp32(graph, op);
}

// Forward work: a phase the graph attributed as forward, or left unattributed (backward and
// optimizer are recognised from autograd and optimizer markers, so what no marker claims is
// the forward pass or lies outside the model).
bool is_forward_tensor_core_op(const Graph& graph, TaskId op) {
  Phase phase = graph.phase[op];
  return graph.kind[op] == TaskKind::kGpuOp && is_compute_bound(graph.kernel_class[op]) &&
         (phase == Phase::kForward || phase == Phase::kOther);
}

// The framework op call that launched a GPU op (the trace's external id), 0 when unknown.
uint64_t op_call_of(const Graph& graph, TaskId op) {
  if (graph.source_table[op] != TraceTable::kGpuOps) return 0;
  return graph.trace().gpu_ops.external_id[graph.source_row[op]];
}

// The cast duration of the header comment: the shortest forward/backward elementwise kernel
// (the shortest kernel of all where no phase is attributed).
TimeNs cast_duration(const Graph& graph) {
  TaskSelector elementwise;
  elementwise.kind = TaskKind::kGpuOp;
  elementwise.kernel_class = KernelClass::kElementwise;
  TimeNs shortest = std::numeric_limits<TimeNs>::max();
  for (TaskId op : select_tasks(graph, elementwise)) {
    bool model_work = graph.phase[op] == Phase::kForward || graph.phase[op] == Phase::kBackward;
    if (model_work) shortest = std::min(shortest, graph.duration[op]);
  }
  return shortest == std::numeric_limits<TimeNs>::max() ? kernel_floor(graph) : shortest;
}

// One cast kernel ahead of `op` on its stream, launched by a new call ahead of `launch`.
void insert_cast(Graph& graph, TaskId op, TaskId launch, TimeNs duration, TimeNs launch_cost,
                 StringId name) {
  TaskSpec spec;
  spec.kind = TaskKind::kGpuOp;
  spec.resource = graph.resource[op];
  spec.duration = duration;
  spec.name = name;
  spec.op = graph.op[op];
  spec.layer = graph.layer[op];
  spec.phase = graph.phase[op];
  spec.iteration = graph.iteration[op];
  spec.kernel_class = KernelClass::kElementwise;
  TaskId cast = insert_task(graph, spec, graph.prev_on_resource[op]);
  if (launch == kNone) return;
  if (graph.execution.launch_of(op) == LaunchMode::kGraph) {
    graph.execution.set_launch(cast, LaunchMode::kGraph);
    add_dependency(graph, launch, cast, EdgeKind::kLaunch, graph.parameters.launch_latency_ns);
    return;
  }
  TaskId call = insert_call_before(graph, launch, "cudaLaunchKernel", launch_cost);
  add_dependency(graph, call, cast, EdgeKind::kLaunch, graph.parameters.launch_latency_ns);
}

// Adds the casts, one per forward GEMM/convolution/attention op call among `changed` (ahead of
// its first kernel; one per kernel where the trace does not link kernels to op calls); returns
// how many.
size_t insert_casts(Graph& graph, const std::vector<uint8_t>& changed, DataType type,
                    TimeNs duration) {
  std::vector<std::pair<TaskId, TaskId>> ops_and_launches;
  std::unordered_set<uint64_t> calls_cast;
  for (TaskId t = 0; t < changed.size(); ++t) {
    if (!changed[t] || graph.removed[t] || !is_forward_tensor_core_op(graph, t)) continue;
    uint64_t call = op_call_of(graph, t);
    if (call != 0 && !calls_cast.insert(call).second) continue;
    ops_and_launches.emplace_back(t, launch_call_of(graph, t));
  }
  TimeNs launch_cost = median_launch_duration(graph);
  StringId name = graph.intern("amp cast fp32 -> " + std::string(data_type_name(type)));
  for (auto [op, launch] : ops_and_launches) {
    insert_cast(graph, op, launch, duration, launch_cost, name);
  }
  return ops_and_launches.size();
}

Result<DataType> parse_dtype(const std::string& text) {
  if (text == "bf16") return DataType::kBf16;
  if (text == "fp16") return DataType::kFp16;
  return usage_error("amp: parameter dtype=" + text + ": expected bf16 or fp16");
}

// Why `device` cannot run `type` on tensor cores; empty when it can.
std::string missing_tensor_cores(const DeviceSpec& device, DataType type) {
  if (math_on(device, type) == type) return "";
  std::string reason = device.name + " has no " + std::string(data_type_name(type)) +
                       " tensor cores (on NVIDIA GPUs bf16 tensor cores arrived with Ampere, "
                       "compute capability 8.0)";
  if (device.fp16_tensor > 0) reason += "; dtype=fp16 would use its fp16 tensor cores";
  return reason;
}

class AmpModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "amp"; }
  std::string_view help() const override {
    return "Automatic mixed precision (Micikevicius et al. 2018; torch.autocast) on the GPU the "
           "ops run on now: fp32 forward/backward GEMM/conv/attention move to the 16-bit "
           "tensor cores, other fp32 model kernels move half the bytes (autocast's fp32 ops "
           "excepted), ops already in 16 bit are left alone, optimizer and copies stay fp32, one "
           "weight cast per forward GEMM/conv. Each op keeps the fraction of its roofline bound "
           "it achieved (kernel_cost.h: tile intensity over the datasheet peak, bytes over "
           "bandwidth); the layout transposes 16-bit NCHW convolutions bring are not added.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"dtype", "bf16", "16-bit type: bf16 (Ampere or newer) or fp16"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto type = parse_dtype(arguments.text("dtype"));
    if (!type) return std::unexpected(type.error());
    auto device = current_device(graph);
    if (!device) return ModelOutcome{false, device.error().message};
    if (std::string reason = missing_tensor_cores(*device, *type); !reason.empty()) {
      return ModelOutcome{false, reason};
    }
    TimeNs cast = cast_duration(graph);
    std::vector<uint8_t> changed(graph.task_count(), 0);
    size_t already_narrow = 0;
    size_t unknown = 0;
    RescaleSummary summary =
        move_gpu_ops(graph, *device, *device, [&](TaskId op, const OpWork& work, DataType now) {
          if (work.integer) return now;
          if (!work.spelled && !graph.execution.precision_of(op)) {
            unknown += runs_in_16_bit(graph, op) ? 1 : 0;
            return now;  // its name spells no type: it may already run in 16 bit
          }
          bool wide = now == DataType::kFp32 || now == DataType::kTf32;
          already_narrow += wide ? 0 : 1;
          if (!wide || !runs_in_16_bit(graph, op)) return now;
          changed[op] = 1;
          return *type;
        });
    std::string left;
    if (already_narrow > 0) {
      left += "; " + std::to_string(already_narrow) + " GPU ops already in 16 bit or fp8 left " +
              "alone";
    }
    if (unknown > 0) {
      left += "; " + std::to_string(unknown) +
              " model GPU ops whose kernel names spell no data type left alone";
    }
    if (summary.changed_ops == 0) {
      return ModelOutcome{false, "no fp32 GPU op that mixed precision would change" + left};
    }
    size_t casts = insert_casts(graph, changed, *type, cast);
    return ModelOutcome{true, std::string(data_type_name(*type)) + " on " + device->name + ": " +
                                  summary.text() + left + "; " + std::to_string(casts) +
                                  " casts of " + duration_text(cast) + " added"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_amp_model() { return std::make_unique<AmpModel>(); }

}  // namespace dd
