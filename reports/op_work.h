// The work one framework-op call does, from the inputs the profiler recorded with
// record_shapes (RangeRow::input_dims, input_types, concrete_inputs): floating-point
// operations and the bytes it must move at least (its inputs read once, its output written
// once), for the breakdown's per-operator roofline (operator_table.h).
//
// Counted ops, by their name without namespace (anything else is unknown, never guessed):
//  - matrix products: mm, addmm, bmm, baddbmm, matmul (2-D and batched 3-D), linear:
//    2*M*N*K FLOPs (a multiply and an add per term); bytes: A, B and the output (and the
//    bias or added matrix);
//  - convolutions: conv1d/2d/3d, convolution, _convolution, cudnn_convolution: 2 * N * Cout *
//    output positions * Cin/groups * kernel size, the output size from the stride, padding and
//    dilation the trace recorded (Concrete Inputs; unknown without them); bytes: input,
//    weight, output;
//  - elementwise ops (add, sub, mul, div, relu, gelu, silu, sigmoid, tanh, and their in-place
//    forms): one FLOP per output element, the output as large as the largest input; bytes:
//    the inputs and the output.
// Element sizes from the recorded types (float 4, double 8, Half/BFloat16 2, ...); an op
// whose tensor types are unknown has unknown bytes.
#pragma once

#include <optional>
#include <string_view>

namespace dd {

struct OpWork {
  double flops = 0;
  double bytes = 0;
  // The element type of the op's first tensor input ("float", "c10::BFloat16"); "" unknown.
  std::string_view element_type;
  bool matrix = false;  // a matrix product or convolution: tensor-core work
};

// The work of one call of `op` with the recorded inputs, or nothing when the op is not one of
// the counted kinds or its inputs were not recorded.
std::optional<OpWork> op_work(std::string_view op, std::string_view input_dims,
                              std::string_view input_types, std::string_view concrete_inputs);

}  // namespace dd
