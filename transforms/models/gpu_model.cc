// `gpu:target=NAME` — the same run on another GPU (the "what if we bought H100s" question of
// Daydream, ATC 2020, and of roofline-based predictors like Habitat, ATC 2021, here without
// Habitat's per-kernel measurements on the target). Every GPU op moves from the GPU it runs on
// now (the trace's, or the one an earlier rewrite moved it to) to the target through the one
// rule of kernel_cost.h: it keeps the fraction of its own roofline bound it achieved, and the
// bound is recomputed on the target for the path PyTorch would take there (TF32 convolutions on
// NVIDIA tensor cores, fp32 GEMMs, the op's own 16-bit type on tensor/matrix cores), with the
// kernel's tile intensity, the share of SMs its launch fills, and the measured fixed cost of a
// kernel. Before anything moves, the trace's peak of allocated device memory is checked
// against the target's memory (memory_fit.h): a run that does not fit is reported, not timed.
// Assumes the same kernels and launches on the new GPU, and unchanged CPU, launch latency,
// host-link copies and communication (the target's software stack comes with it in reality:
// another vendor's launch overheads are not modeled).
#include <memory>
#include <string>

#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_cost.h"
#include "transforms/cost/memory_fit.h"
#include "transforms/model_factories.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

class GpuModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "gpu"; }
  std::string_view help() const override {
    return "The same run on another GPU. Each GPU op keeps the fraction of its own roofline "
           "bound it achieved; the bound is recomputed on the target: FLOPs per element from "
           "the kernel's CTA tile (2MN/(M+N), no L2 reuse; 128x128 when the name has none) over "
           "the peak of the math PyTorch uses there (TF32 for fp32 convolutions on NVIDIA "
           "Ampere+, fp32 GEMMs, 16-bit on tensor/matrix cores), bytes over bandwidth, divided "
           "by the share of SMs the launch fills; the shortest measured kernel is a fixed cost "
           "on every GPU. cuDNN's layout transposes vanish without tensor cores. Peaks, "
           "bandwidths and memory sizes: NVIDIA and AMD datasheets (transforms/cost/"
           "device_model.cc). A run whose measured peak memory exceeds the target's is not "
           "timed. CPU, launches, host copies and communication unchanged; so are another "
           "vendor's kernel libraries and per-kernel fixed cost, which a move across vendors "
           "says it does not model.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"target", "",
             "the GPU to run on: V100, V100-16GB, V100S, A100, A100-40GB, H100, H100-PCIe, "
             "H100-NVL, H200, B200, L4, T4, MI210, MI250X (one GCD), MI300X, MI325X, MI355X"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto target = target_device(graph, arguments.text("target"));
    if (!target) return std::unexpected(target.error());
    auto source = current_device(graph);
    if (!source) return ModelOutcome{false, source.error().message};
    auto traced = device_of_graph(graph);  // found: current_device found a device
    if (source->name == target->name) {
      return ModelOutcome{false, "the GPU ops already run on " + target->name +
                                     (graph.execution.device.empty()
                                          ? " (the trace's GPU)"
                                          : " (an earlier rewrite moved them there)")};
    }
    MemoryFit fit = memory_fit(graph, *target);
    if (!fit.fits()) return ModelOutcome{false, fit.text(), false};
    RescaleSummary summary =
        move_gpu_ops(graph, *source, *target, [&](TaskId op, const OpWork& work, DataType type) {
          return type_on(*traced, *target, work, type, !graph.execution.precision_of(op));
        });
    if (summary.changed_ops == 0) {
      return ModelOutcome{false, "no GPU op changes from " + source->name + " to " +
                                     target->name + " (" + summary.text() + ")"};
    }
    return ModelOutcome{true, source->name + " -> " + target->name + ": " + summary.text() +
                                  "; " + fit.text(),
                        true, across_vendors(*source, *target)};
  }

 private:
  // Moving to another vendor's GPU also moves to its kernel libraries (cuBLAS, CUTLASS and
  // flash-attention against hipBLASLt and AMD's attention kernels) and to its fixed cost per
  // kernel, which no datasheet describes: the model keeps the source's. The corpus's
  // H100 <-> MI300X pairs show what that costs (bench/whatif_validation/RESULTS.md, by kernel
  // class), so the prediction says so.
  static std::string across_vendors(const DeviceSpec& source, const DeviceSpec& target) {
    if (source.vendor == target.vendor) return "";
    return "another vendor's kernel libraries and per-kernel fixed cost are not "
           "modeled (the source's are kept); on measured H100 <-> MI300X pairs the GPU time "
           "of GEMMs missed by up to 1.8x and of attention by up to 2.2x "
           "(bench/whatif_validation/RESULTS.md)";
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_gpu_model() { return std::make_unique<GpuModel>(); }

}  // namespace dd
