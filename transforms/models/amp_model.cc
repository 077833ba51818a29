// `amp:dtype=bf16|fp16` — automatic mixed precision (Micikevicius et al., "Mixed Precision
// Training", ICLR 2018; PyTorch torch.autocast / NVIDIA Apex AMP) on the trace's own GPU.
// What changes, through the roofline of kernel_cost.h on the device of device_model.h:
// - forward/backward GEMM, convolution and attention kernels take 16-bit inputs on the tensor
//   cores of `dtype` (compute rule: the peak ratio, bounded by the halved DRAM traffic);
// - forward/backward elementwise, reduction and normalization kernels move 16-bit data: half
//   the bytes. Ops autocast keeps in fp32 (softmax, layer/group norm, losses; recognised by
//   their framework op name) keep their duration;
// - optimizer work stays fp32 (fp32 master weights), and so do copies and memsets (inputs,
//   parameters and their gradients stay fp32); communication and unclassified kernels too.
// - casts: each forward GEMM/convolution/attention op call (its kernels share the trace's
//   external id; unattributed phases count as forward) gets one cast kernel ahead of its first
//   kernel on its stream: its fp32 weight to 16 bit (autocast caches that cast for the rest of
//   the forward, and the activations arrive in 16 bit from the previous autocast op). Traces
//   record no shapes, so a cast's bytes are not estimable: it lasts as long as the shortest
//   forward/backward elementwise kernel measured on this GPU (weights are small next to
//   activations, so a cast costs what a small memory-bound kernel costs here). Its launch is
//   an API call on the launching thread right ahead of the kernel's own launch, lasting the
//   trace's median launch call, with the trace's measured launch latency.
// Not modeled: the backward casts of weight gradients back to fp32, loss scaling's
// inf/nan checks (fp16), and a trace that already ran in 16 bit (the model assumes fp32).
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

// The cast duration of the header comment: the shortest forward/backward elementwise kernel.
TimeNs cast_duration(const Graph& graph) {
  TaskSelector elementwise;
  elementwise.kind = TaskKind::kGpuOp;
  elementwise.kernel_class = KernelClass::kElementwise;
  TimeNs shortest = std::numeric_limits<TimeNs>::max();
  for (TaskId op : select_tasks(graph, elementwise)) {
    bool model_work = graph.phase[op] == Phase::kForward || graph.phase[op] == Phase::kBackward;
    if (model_work) shortest = std::min(shortest, graph.duration[op]);
  }
  return shortest == std::numeric_limits<TimeNs>::max() ? 0 : shortest;
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
  TaskId call = insert_call_before(graph, launch, "cudaLaunchKernel", launch_cost);
  add_dependency(graph, call, cast, EdgeKind::kLaunch, graph.parameters.launch_latency_ns);
}

// Adds the casts, one per forward GEMM/convolution/attention op call (ahead of its first
// kernel; one per kernel where the trace does not link kernels to op calls); returns how many.
size_t insert_casts(Graph& graph, DataType type, TimeNs duration) {
  std::vector<std::pair<TaskId, TaskId>> ops_and_launches;
  std::unordered_set<uint64_t> calls_cast;
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (graph.removed[t] || !is_forward_tensor_core_op(graph, t)) continue;
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
  if (compute_peak(device, KernelClass::kGemm, type) > 0) return "";
  std::string reason = device.name + " has no " + std::string(data_type_name(type)) +
                       " tensor cores (bf16 tensor cores arrived with Ampere, compute "
                       "capability 8.0)";
  if (device.fp16_tensor > 0) reason += "; dtype=fp16 would use its fp16 tensor cores";
  return reason;
}

class AmpModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "amp"; }
  std::string_view help() const override {
    return "Automatic mixed precision (Micikevicius et al. 2018; torch.autocast): forward/"
           "backward GEMM/conv/attention on 16-bit tensor cores, other model kernels move half "
           "the bytes, optimizer stays fp32, one weight cast per forward GEMM/conv; roofline of "
           "datasheet peaks, conservative memory bound, trace assumed fp32.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"dtype", "bf16", "16-bit type: bf16 (Ampere or newer) or fp16"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto type = parse_dtype(arguments.text("dtype"));
    if (!type) return std::unexpected(type.error());
    auto device = device_of_graph(graph);
    if (!device) return ModelOutcome{false, device.error().message};
    if (std::string reason = missing_tensor_cores(*device, *type); !reason.empty()) {
      return ModelOutcome{false, reason};
    }
    Execution fp32{&*device, DataType::kFp32};
    Execution half{&*device, *type};
    TimeNs cast = cast_duration(graph);
    RescaleSummary summary = rescale_gpu_ops(graph, fp32, [&](TaskId op) {
      return runs_in_16_bit(graph, op) ? half : fp32;
    });
    if (summary.changed_ops == 0) {
      return ModelOutcome{false, "no GPU op that mixed precision would change"};
    }
    size_t casts = insert_casts(graph, *type, cast);
    return ModelOutcome{true, std::string(data_type_name(*type)) + " on " + device->name + ": " +
                                  summary.text() + "; " + std::to_string(casts) + " casts of " +
                                  duration_text(cast) + " added"};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_amp_model() { return std::make_unique<AmpModel>(); }

}  // namespace dd
