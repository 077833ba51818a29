// The candidates of `daydream advise` (see advise_candidates.h).
#include "cli/advise_candidates.h"

#include <algorithm>
#include <map>

#include "transforms/cost/device_model.h"
#include "transforms/cost/memory_fit.h"

namespace dd::cli {

namespace {

// Memory is tight when the trace's peak leaves less than a tenth of the GPU free: the CUDA
// context and the allocator's cached blocks come on top of the peak (memory_fit.h).
constexpr double kTightMemoryShare = 0.9;

// DataLoader worker counts tried where the trace loads data inline.
constexpr int kWorkerCounts[] = {2, 4, 8};

// The order in which the models of a stack apply: the input pipeline first, then precision,
// then kernel fusion, the optimizer, and CUDA graphs last, so that they capture the kernels the
// others made (transforms/models/cuda_graphs_model.cc).
constexpr std::string_view kStackOrder[] = {"faster-input", "prefetch-transfer", "amp",
                                            "fuse-elementwise", "fused-optimizer", "cuda-graphs"};

std::string model_of(const std::string& apply) { return apply.substr(0, apply.find(':')); }

bool loads_data_inline(const Graph& graph) {
  for (TaskId t = 0; t < graph.task_count(); ++t) {
    if (!graph.removed[t] && graph.kind[t] != TaskKind::kGpuOp && graph.phase[t] == Phase::kData &&
        graph.duration[t] > 0) {
      return true;
    }
  }
  return false;
}

void add(std::vector<Candidate>& out, std::vector<std::string> applies, bool gpu_change = false) {
  out.push_back({std::move(applies), gpu_change, ""});
}

void add_not_tried(std::vector<Candidate>& out, std::string apply, std::string why) {
  out.push_back({{std::move(apply)}, false, std::move(why)});
}

}  // namespace

std::vector<Candidate> single_candidates(const Graph& graph, const AdviseOptions& options) {
  std::vector<Candidate> out;
  auto device = current_device(graph);
  if (!device || device->bf16_tensor > 0) add(out, {"amp:dtype=bf16"});
  if (!device || device->fp16_tensor > 0) add(out, {"amp:dtype=fp16"});
  add(out, {"fused-optimizer"});
  add(out, {"cuda-graphs"});
  add(out, {"fuse-elementwise"});
  add(out, {"prefetch-transfer"});
  if (loads_data_inline(graph)) {
    for (int workers : kWorkerCounts) add(out, {"faster-input:workers=" + std::to_string(workers)});
  } else {
    add(out, {"faster-input:workers=4"});  // the model says what it finds, or why not
  }
  if (device) {
    MemoryFit fit = memory_fit(graph, *device);
    if (fit.known && fit.peak_bytes >= kTightMemoryShare * fit.capacity_bytes) {
      add(out, {"recompute"});
    } else {
      add_not_tried(out, "recompute",
                    fit.known ? "memory is not tight (" + fit.text() +
                                    "): recomputation would only cost time"
                              : "the trace records no allocator totals, so advise cannot tell "
                                "whether memory is tight");
    }
  }
  for (const std::string& gpu : options.gpus) add(out, {"gpu:target=" + gpu}, true);
  for (int n : options.ddp) {
    add(out, {"ddp:gpus=" + std::to_string(n)});
    add(out, {"priority-comm:gpus=" + std::to_string(n)});
  }
  for (const std::string& shape : options.pipeline) {
    size_t colon = shape.find(':');
    add(out, {"pipeline:stages=" + shape.substr(0, colon) +
              (colon == std::string::npos ? "" : ",microbatches=" + shape.substr(colon + 1))});
  }
  if (options.ddp.empty()) {
    add_not_tried(out, "ddp", "data parallelism needs a size: give --ddp N");
  }
  if (options.pipeline.empty()) {
    add_not_tried(out, "pipeline", "pipeline parallelism needs a shape: give --pipeline STAGES:MICROBATCHES");
  }
  add_not_tried(out, "ps", "parameter servers need their count and the GPUs': try "
                           "`daydream whatif TRACE --apply ps:servers=K,gpus=N`");
  add_not_tried(out, "virtual-nodes", "virtual nodes need the GPUs and the nodes per GPU: try "
                                      "`daydream whatif TRACE --apply virtual-nodes:gpus=N,virtual=V`");
  add_not_tried(out, "scale", "a bound, not an optimization: `daydream whatif TRACE --apply "
                              "scale:select=...,factor=X` says what speeding up some work could buy at most");
  return out;
}

std::vector<Candidate> combined_candidates(const std::vector<SingleOutcome>& singles,
                                           const AdviseOptions& options) {
  // The best variant of each model that helped.
  std::map<std::string, SingleOutcome> best;
  for (const SingleOutcome& single : singles) {
    const Candidate& c = *single.candidate;
    if (c.gpu_change || single.speedup <= 1.0 || c.applies.size() != 1) continue;
    std::string model = model_of(c.applies[0]);
    if (std::find(std::begin(kStackOrder), std::end(kStackOrder), model) == std::end(kStackOrder)) {
      continue;
    }
    if (!best.contains(model) || single.speedup > best[model].speedup) best[model] = single;
  }
  std::vector<const SingleOutcome*> helped;
  for (const auto& [model, single] : best) helped.push_back(&single);
  std::sort(helped.begin(), helped.end(), [](const SingleOutcome* a, const SingleOutcome* b) {
    return a->speedup > b->speedup;
  });
  auto stacked = [](std::vector<const SingleOutcome*> parts) {
    std::sort(parts.begin(), parts.end(), [](const SingleOutcome* a, const SingleOutcome* b) {
      auto rank = [](const SingleOutcome* s) {
        return std::find(std::begin(kStackOrder), std::end(kStackOrder),
                         model_of(s->candidate->applies[0])) - std::begin(kStackOrder);
      };
      return rank(a) < rank(b);
    });
    std::vector<std::string> applies;
    for (const SingleOutcome* part : parts) applies.push_back(part->candidate->applies[0]);
    return applies;
  };
  std::vector<Candidate> out;
  // The best with each of the others, then the best two, three, ... together.
  for (size_t i = 1; i < helped.size(); ++i) out.push_back({stacked({helped[0], helped[i]}), false, ""});
  for (size_t n = 3; n <= helped.size(); ++n) {
    out.push_back({stacked({helped.begin(), helped.begin() + static_cast<std::ptrdiff_t>(n)}), false, ""});
  }
  std::vector<std::string> all = helped.empty() ? std::vector<std::string>{} : stacked(helped);
  for (const std::string& gpu : options.gpus) {
    if (all.empty()) continue;
    std::vector<std::string> applies{"gpu:target=" + gpu};
    applies.insert(applies.end(), all.begin(), all.end());
    out.push_back({std::move(applies), true, ""});
  }
  return out;
}

std::string how_to_apply(const std::string& apply, const std::string& reason) {
  std::string model = model_of(apply);
  auto says = [&](std::string_view text) { return reason.find(text) != std::string::npos; };
  bool parallel = model == "ddp" || model == "ps" || model == "priority-comm" ||
                  model == "pipeline" || model == "virtual-nodes";
  if (says("no GPU device") || says("not in the device table") || says("GPU is not known")) {
    return "name the trace's GPU with --gpu NAME (one of `daydream whatif --list`)";
  }
  if (model == "amp" && says("bf16")) return "try amp:dtype=fp16";
  if ((model == "pipeline" || model == "recompute") && says("layer")) {
    return "record module names: `daydream record --annotate modules`, or the PyTorch profiler "
           "with with_modules=True";
  }
  if ((parallel || model == "recompute") && says("backward")) {
    return "record a whole training step: forward, backward and optimizer";
  }
  if (model == "fused-optimizer" && says("optimizer")) {
    return "record the optimizer step (the PyTorch profiler marks it as Optimizer.step)";
  }
  if (parallel && (says("allocat") || says("gradient"))) {
    return "record allocations (PyTorch profiler profile_memory=True, or daydream record), or "
           "give the gradient size (params=MB)";
  }
  if (says("DOES NOT FIT")) return "a smaller batch, activation recomputation or another GPU";
  return {};
}

bool checked_against_measurements(const std::string& apply) {
  // bench/whatif_validation/comparisons.csv: amp and gpu against published ResNet-50 ratios and
  // the corpus's cross-GPU pairs, faster-input against the corpus's DataLoader pair.
  std::string model = model_of(apply);
  return model == "amp" || model == "gpu" || model == "faster-input";
}

}  // namespace dd::cli
