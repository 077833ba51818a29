// FLOPs and bytes of a framework-op call from its recorded inputs (see op_work.h).
#include "reports/op_work.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace dd {

namespace {

using Dims = std::vector<int64_t>;

// A recorded input: its dims and element size (0: not a tensor, or a type we do not know).
struct Input {
  Dims dims;
  double element_size = 0;
  std::string_view type;
  double numel() const {
    return std::accumulate(dims.begin(), dims.end(), 1.0,
                           [](double n, int64_t d) { return n * static_cast<double>(d); });
  }
};

double element_size(std::string_view type) {
  constexpr std::array<std::pair<std::string_view, double>, 14> kSizes = {{
      {"float", 4}, {"double", 8}, {"c10::Half", 2}, {"Half", 2}, {"c10::BFloat16", 2},
      {"BFloat16", 2}, {"long int", 8}, {"long", 8}, {"int", 4}, {"short int", 2},
      {"signed char", 1}, {"unsigned char", 1}, {"bool", 1}, {"c10::Float8_e4m3fn", 1}}};
  for (const auto& [name, size] : kSizes) {
    if (type == name) return size;
  }
  return 0;
}

// The integers of `[[1, 2], [], [3]]` per inner list; nothing when malformed.
std::optional<std::vector<Dims>> parse_dims(std::string_view json) {
  std::vector<Dims> lists;
  int depth = 0;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '[') {
      if (++depth == 2) lists.emplace_back();
    } else if (c == ']') {
      --depth;
    } else if ((c >= '0' && c <= '9') || c == '-') {
      if (depth != 2) return std::nullopt;
      int64_t value = 0;
      auto [end, error] = std::from_chars(json.data() + i, json.data() + json.size(), value);
      if (error != std::errc()) return std::nullopt;
      lists.back().push_back(value);
      i = static_cast<size_t>(end - json.data()) - 1;
    }
  }
  return depth == 0 ? std::optional(lists) : std::nullopt;
}

// The strings of `["float", "", "[1, 1]"]` (their raw text between the quotes).
std::vector<std::string_view> parse_strings(std::string_view json) {
  std::vector<std::string_view> strings;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    size_t end = i + 1;
    while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
    strings.push_back(json.substr(i + 1, std::min(end, json.size()) - i - 1));
    i = end;
  }
  return strings;
}

// "[2, 2]" or "2" as integers, `rank` of them (a single value repeats); nothing otherwise.
std::optional<Dims> int_list(std::string_view text, size_t rank) {
  Dims values;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] < '0' || text[i] > '9') && text[i] != '-') continue;
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data() + i, text.data() + text.size(), value);
    if (error != std::errc()) return std::nullopt;
    values.push_back(value);
    i = static_cast<size_t>(end - text.data()) - 1;
  }
  if (values.size() == 1) values.assign(rank, values.front());
  return values.size() == rank ? std::optional(values) : std::nullopt;
}

// The tensor inputs, in order.
std::vector<Input> tensors(const std::vector<Dims>& dims, const std::vector<std::string_view>& types) {
  std::vector<Input> inputs;
  for (size_t i = 0; i < dims.size() && i < types.size(); ++i) {
    double size = element_size(types[i]);
    if (size > 0) inputs.push_back({dims[i], size, types[i]});
  }
  return inputs;
}

OpWork work(double flops, double elements_moved, const Input& first, bool matrix) {
  return {flops, elements_moved * first.element_size, first.type, matrix};
}

// A [M,K] x [K,N] product (`batch` of them), plus `extra` elements read.
std::optional<OpWork> product(double batch, int64_t rows, int64_t inner, int64_t columns, double extra,
                              const Input& first) {
  auto m = static_cast<double>(rows), k = static_cast<double>(inner), n = static_cast<double>(columns);
  return work(2 * batch * m * k * n, batch * (m * k + k * n + m * n) + extra, first, true);
}

std::optional<OpWork> matrix_work(std::string_view op, const std::vector<Input>& in) {
  auto rows_of = [](const Dims& d) {
    return std::accumulate(d.begin(), d.end() - 1, int64_t{1}, std::multiplies<>());
  };
  if ((op == "mm" || op == "matmul") && in.size() == 2 && in[0].dims.size() == 2 && in[1].dims.size() == 2) {
    return product(1, in[0].dims[0], in[0].dims[1], in[1].dims[1], 0, in[0]);
  }
  if (op == "addmm" && in.size() == 3 && in[1].dims.size() == 2 && in[2].dims.size() == 2) {
    return product(1, in[1].dims[0], in[1].dims[1], in[2].dims[1], in[0].numel(), in[1]);
  }
  if ((op == "bmm" || op == "matmul") && in.size() == 2 && in[0].dims.size() == 3 && in[1].dims.size() == 3) {
    return product(static_cast<double>(in[0].dims[0]), in[0].dims[1], in[0].dims[2], in[1].dims[2], 0, in[0]);
  }
  if (op == "baddbmm" && in.size() == 3 && in[1].dims.size() == 3 && in[2].dims.size() == 3) {
    return product(static_cast<double>(in[1].dims[0]), in[1].dims[1], in[1].dims[2], in[2].dims[2],
                   in[0].numel(), in[1]);
  }
  if (op == "matmul" && in.size() == 2 && in[0].dims.size() > 2 && in[1].dims.size() == 2) {
    return product(1, rows_of(in[0].dims), in[0].dims.back(), in[1].dims[1], 0, in[0]);
  }
  if (op == "linear" && in.size() >= 2 && !in[0].dims.empty() && in[1].dims.size() == 2) {
    double bias = in.size() > 2 ? in[2].numel() : 0;
    return product(1, rows_of(in[0].dims), in[0].dims.back(), in[1].dims[0], bias, in[0]);
  }
  return std::nullopt;
}

// Where stride, padding, dilation and `transposed` sit among a convolution op's arguments
// (the weight's shape already holds the groups: [Cout, Cin / groups, kernel...]).
struct ConvArguments {
  size_t stride, padding, dilation;
  std::optional<size_t> transposed;
};

std::optional<ConvArguments> conv_arguments(std::string_view op) {
  if (op == "conv1d" || op == "conv2d" || op == "conv3d") return ConvArguments{3, 4, 5, {}};
  if (op == "convolution" || op == "_convolution") return ConvArguments{3, 4, 5, 6};
  if (op == "cudnn_convolution") return ConvArguments{3, 2, 4, {}};
  return std::nullopt;
}

std::optional<OpWork> conv_work(std::string_view op, const std::vector<Input>& in,
                                const std::vector<std::string_view>& concrete) {
  auto arguments = conv_arguments(op);
  if (!arguments || in.size() < 2) return std::nullopt;
  const Dims& x = in[0].dims;
  const Dims& w = in[1].dims;
  if (x.size() < 3 || w.size() != x.size()) return std::nullopt;
  size_t rank = x.size() - 2;
  size_t last = std::max({arguments->stride, arguments->padding, arguments->dilation,
                          arguments->transposed.value_or(0)});
  if (concrete.size() <= last) return std::nullopt;
  if (arguments->transposed && concrete[*arguments->transposed] != "False") return std::nullopt;
  auto stride = int_list(concrete[arguments->stride], rank);
  auto padding = int_list(concrete[arguments->padding], rank);
  auto dilation = int_list(concrete[arguments->dilation], rank);
  if (!stride || !padding || !dilation) return std::nullopt;
  double positions = 1, kernel = 1;
  for (size_t d = 0; d < rank; ++d) {
    if ((*stride)[d] <= 0) return std::nullopt;
    int64_t out = ((x[2 + d] + 2 * (*padding)[d] - (*dilation)[d] * (w[2 + d] - 1) - 1) / (*stride)[d]) + 1;
    if (out <= 0) return std::nullopt;
    positions *= static_cast<double>(out);
    kernel *= static_cast<double>(w[2 + d]);
  }
  double batch = static_cast<double>(x[0]), out_channels = static_cast<double>(w[0]);
  double flops = 2 * batch * out_channels * positions * static_cast<double>(w[1]) * kernel;
  return work(flops, in[0].numel() + in[1].numel() + batch * out_channels * positions, in[0], true);
}

std::optional<OpWork> elementwise_work(std::string_view op, const std::vector<Input>& in) {
  constexpr std::array<std::string_view, 18> kElementwise = {
      "add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "relu", "relu_",
      "gelu", "gelu_", "silu", "silu_", "sigmoid", "sigmoid_", "tanh", "tanh_"};
  if (in.empty() || std::find(kElementwise.begin(), kElementwise.end(), op) == kElementwise.end()) {
    return std::nullopt;
  }
  double largest = 0, read = 0;
  for (const Input& input : in) {
    largest = std::max(largest, input.numel());
    read += input.numel();
  }
  return work(largest, read + largest, in[0], false);
}

}  // namespace

std::optional<OpWork> op_work(std::string_view op, std::string_view input_dims,
                              std::string_view input_types, std::string_view concrete_inputs) {
  if (input_dims.empty() || input_types.empty()) return std::nullopt;
  size_t colons = op.rfind("::");
  if (colons != std::string_view::npos) op.remove_prefix(colons + 2);
  auto dims = parse_dims(input_dims);
  if (!dims) return std::nullopt;
  std::vector<Input> in = tensors(*dims, parse_strings(input_types));
  if (auto matrix = matrix_work(op, in)) return matrix;
  if (auto conv = conv_work(op, in, parse_strings(concrete_inputs))) return conv;
  return elementwise_work(op, in);
}

}  // namespace dd
