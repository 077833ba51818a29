// Name rules of ranges (see range_names.h).
#include "graph/range_names.h"

namespace dd {

namespace {

constexpr std::string_view kEvaluateFunction = "autograd::engine::evaluate_function";
constexpr std::string_view kAutogradNamespace = "torch::autograd::";
constexpr std::string_view kModulePrefix = "nn.Module: ";
constexpr std::string_view kShimModulePrefix = "dd:module:";
constexpr std::string_view kShimPhasePrefix = "dd:phase:";
constexpr std::string_view kAtenNamespace = "aten::";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view without_trailing_digits(std::string_view text) {
  while (!text.empty() && is_digit(text.back())) text.remove_suffix(1);
  return text;
}

// "ns::name" -> "name".
std::string_view without_namespace(std::string_view name) {
  size_t colons = name.rfind("::");
  return colons == std::string_view::npos ? name : name.substr(colons + 2);
}

// The node's class name: evaluate_function's argument, or the name itself.
std::string_view node_class(std::string_view name) {
  if (name.starts_with(kEvaluateFunction)) {
    name.remove_prefix(kEvaluateFunction.size());
    if (name.starts_with(": ")) name.remove_prefix(2);
  }
  return without_namespace(name);
}

// "CudnnConvolutionBackward1" -> "CudnnConvolution"; "" when the name is no `XBackward<N>`.
std::string_view backward_node_stem(std::string_view node) {
  std::string_view stem = without_trailing_digits(node);
  for (std::string_view suffix : {std::string_view("Backwards"), std::string_view("Backward")}) {
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) {
      return stem.substr(0, stem.size() - suffix.size());
    }
  }
  return {};
}

std::string lower_without_underscores(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (char c : text) {
    if (c == '_') continue;
    key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

PhaseMark shim_phase(std::string_view phase) {
  if (phase == "forward") return PhaseMark::kForward;
  if (phase == "backward") return PhaseMark::kBackward;
  if (phase == "optimizer") return PhaseMark::kOptimizer;
  if (phase == "data") return PhaseMark::kData;
  return PhaseMark::kUnmarked;
}

}  // namespace

bool is_autograd_node(std::string_view name) {
  if (name.starts_with(kEvaluateFunction) || name.starts_with(kAutogradNamespace)) return true;
  return !backward_node_stem(name).empty();
}

bool is_gradient_accumulation(std::string_view name) {
  return node_class(name) == "AccumulateGrad";
}

PhaseMark phase_mark(RangeKind kind, std::string_view name) {
  if (name.starts_with(kShimPhasePrefix)) return shim_phase(name.substr(kShimPhasePrefix.size()));
  if (name.starts_with("Optimizer.")) return PhaseMark::kOptimizer;
  if (name.find("DataLoader") != std::string_view::npos) return PhaseMark::kData;
  // The Python frame of `loss.backward()` / `torch.autograd.backward(...)`.
  if (kind == RangeKind::kPythonFunction) {
    return name.ends_with(": backward") ? PhaseMark::kBackward : PhaseMark::kUnmarked;
  }
  bool op_like = kind == RangeKind::kFrameworkOp || kind == RangeKind::kNvtx;
  return op_like && is_autograd_node(name) ? PhaseMark::kBackward : PhaseMark::kUnmarked;
}

std::string_view module_name(RangeKind kind, std::string_view name) {
  if (kind == RangeKind::kPythonFunction && name.starts_with(kModulePrefix)) {
    return name.substr(kModulePrefix.size());
  }
  if (kind == RangeKind::kNvtx && name.starts_with(kShimModulePrefix)) {
    std::string_view rest = name.substr(kShimModulePrefix.size());
    return rest.substr(0, rest.find('|'));
  }
  return {};
}

std::string_view module_type(RangeKind kind, std::string_view name) {
  std::string_view module = module_name(kind, name);
  if (module.empty()) return {};
  if (kind == RangeKind::kNvtx) {
    size_t bar = name.find('|');
    return bar == std::string_view::npos ? module : name.substr(bar + 1);
  }
  std::string_view stem = without_trailing_digits(module);
  return stem.size() < module.size() && stem.size() > 1 && stem.ends_with('_')
             ? stem.substr(0, stem.size() - 1)
             : module;
}

std::string autograd_node_key(std::string_view node_name) {
  return lower_without_underscores(backward_node_stem(node_class(node_name)));
}

std::string forward_op_key(std::string_view op_name) {
  return lower_without_underscores(without_namespace(op_name));
}

std::string_view op_display_name(std::string_view op_name) {
  if (op_name.starts_with(kAtenNamespace)) op_name.remove_prefix(kAtenNamespace.size());
  return op_name;
}

std::string op_unit_name(std::string_view op_name, uint32_t call_number) {
  return std::string(op_display_name(op_name)) + " #" + std::to_string(call_number);
}

}  // namespace dd
