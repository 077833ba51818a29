// `gpu:target=NAME` — the same run on another GPU (the "what if we bought H100s" question of
// Daydream, ATC 2020, and of roofline-based predictors like Habitat, ATC 2021, here without
// Habitat's per-kernel measurements). Every GPU op is rescaled by its kernel class with the
// roofline of kernel_cost.h between the trace's device and the target (device_model.h):
// compute-bound kernels by the ratio of the peaks they run at, bounded by memory; memory-bound
// kernels, device copies and memsets by the bandwidth ratio. Assumes the run stays in fp32 as
// PyTorch runs it by default (TF32 convolutions where the GPU has them, fp32 GEMMs), the same
// kernels are chosen on the new GPU and keep their achieved fraction of peak, and the CPU,
// launch latency, host-link copies and communication are unchanged.
#include <memory>
#include <string>

#include "transforms/cost/device_model.h"
#include "transforms/cost/kernel_cost.h"
#include "transforms/model_factories.h"
#include "transforms/whatif_model.h"

namespace dd {

namespace {

class GpuModel final : public WhatIfModel {
 public:
  std::string_view name() const override { return "gpu"; }
  std::string_view help() const override {
    return "The same run on another GPU: kernels rescaled by class on the roofline of datasheet "
           "peaks and bandwidths (compute-bound by the fp32/TF32 peak ratio, memory-bound and "
           "copies by bandwidth), assuming the same kernels keep their achieved efficiency; CPU, "
           "launches, host copies and communication unchanged.";
  }
  std::vector<ModelParameter> parameters() const override {
    return {{"target", "", "the GPU to run on, e.g. H100, A100, A100-40GB, H200, L4, T4, V100"}};
  }

  Result<ModelOutcome> apply(Graph& graph, const ModelArguments& arguments) const override {
    auto target = find_device(arguments.text("target"));
    if (!target) return std::unexpected(target.error());
    auto source = device_of_graph(graph);
    if (!source) return ModelOutcome{false, source.error().message};
    Execution from{&*source, DataType::kFp32};
    Execution to{&*target, DataType::kFp32};
    RescaleSummary summary = rescale_gpu_ops(graph, from, [&to](TaskId) { return to; });
    if (summary.changed_ops == 0) {
      return ModelOutcome{false, "no GPU op changes from " + source->name + " to " +
                                     target->name + " (" + summary.text() + ")"};
    }
    return ModelOutcome{true, source->name + " -> " + target->name + ": " + summary.text()};
  }
};

}  // namespace

std::unique_ptr<WhatIfModel> make_gpu_model() { return std::make_unique<GpuModel>(); }

}  // namespace dd
