// What a range's name says about the work inside it, across the trace generations daydream
// reads: the training phase it marks, the module it stands for, and whether it runs an autograd
// node. Kept apart from attribution.cc so that the name rules of every generation sit in one
// place:
//   - Kineto 2022+: `autograd::engine::evaluate_function: XBackward0` on the autograd thread,
//     `Optimizer.step#SGD.step`, `enumerate(DataLoader)#...`, `nn.Module: Linear_0` python
//     functions, and the Python frame `torch/_tensor.py(N): backward` on the training thread;
//   - Kineto 2020-2021 (PyTorch 1.8): the autograd node itself (`CudnnConvolutionBackward`,
//     `MeanBackward1`, `torch::autograd::AccumulateGrad`) is the outermost op of backward work;
//   - Nsight Systems with emit_nvtx: the same node names, read as framework ops;
//   - daydream recordings: the shim's `dd:phase:*` and `dd:module:<name>|<Class>` NVTX ranges
//     (at `--annotate modules` the latter also on the autograd thread, as start/end ranges from
//     where autograd reaches a leaf module's output node to where it reaches the next one's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collector/trace/trace.h"

namespace dd {

enum class PhaseMark : uint8_t { kUnmarked, kForward, kBackward, kOptimizer, kData };

// The phase a range of `kind` named `name` marks, or kUnmarked.
PhaseMark phase_mark(RangeKind kind, std::string_view name);

// The module a range stands for ("layer4.2.conv3", "Linear_0"), or "".
std::string_view module_name(RangeKind kind, std::string_view name);
// The module's type: the class the shim records after '|', or Kineto's name without its
// instance number ("Qwen2Attention_13" -> "Qwen2Attention"); "" when `module_name` is "".
std::string_view module_type(RangeKind kind, std::string_view name);

// Whether `name` is an autograd node (or the engine's range around one): the work of backward.
bool is_autograd_node(std::string_view name);

// Whether the autograd node `name` accumulates a parameter's gradient (AccumulateGrad).
bool is_gradient_accumulation(std::string_view name);

// The key under which an autograd node and the forward op that created it meet: the node name
// without `Backward<N>` and the op name without its namespace, lower case, underscores dropped
// ("CudnnConvolutionBackward" and "aten::cudnn_convolution" -> "cudnnconvolution"). Empty for
// a node that no forward op creates (AccumulateGrad) and for names that are not nodes.
std::string autograd_node_key(std::string_view node_name);
std::string forward_op_key(std::string_view op_name);

// A framework op's name as shown for its calls and grouped by: without the `aten::` namespace.
std::string_view op_display_name(std::string_view op_name);
// The name of a framework op's call when no module encloses it: the op without the `aten::`
// namespace and its call number in forward order ("conv2d #7").
std::string op_unit_name(std::string_view op_name, uint32_t call_number);

}  // namespace dd
