// Reading a kernel name (see kernel_traits.h): lowercase once, then substring and token rules.
#include "transforms/cost/kernel_traits.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace dd {

namespace {

constexpr uint32_t kSmallestTileSide = 16;  // smaller "AxB" pairs are instruction or warp shapes

bool contains(std::string_view text, std::string_view key) {
  return text.find(key) != std::string_view::npos;
}

template <size_t N>
bool contains_any(std::string_view text, const std::array<std::string_view, N>& keys) {
  return std::any_of(keys.begin(), keys.end(),
                     [&](std::string_view k) { return contains(text, k); });
}

// "f16" not inside "bf16".
bool spells_f16(std::string_view name) {
  for (size_t at = name.find("f16"); at != std::string_view::npos; at = name.find("f16", at + 1)) {
    if (at == 0 || name[at - 1] != 'b') return true;
  }
  return false;
}

// AMD Tensile/hipBLASLt: "cijk_<a layout>_<b layout>_<types>_...": the type token's first letter.
std::optional<DataType> tensile_type(std::string_view name) {
  if (!name.starts_with("cijk_")) return std::nullopt;
  size_t first = name.find('_', 5);                                  // after the A layout
  size_t second = first == std::string_view::npos ? first : name.find('_', first + 1);
  if (second == std::string_view::npos || second + 1 >= name.size()) return std::nullopt;
  switch (name[second + 1]) {
    case 'b': return DataType::kBf16;
    case 'h': return DataType::kFp16;
    case 's': return DataType::kFp32;
    default: return std::nullopt;
  }
}

std::optional<DataType> spelled_type(std::string_view name) {
  if (contains_any(name, std::array<std::string_view, 4>{"e4m3", "e5m2", "fp8", "f8f8"})) {
    return DataType::kFp8;
  }
  if (auto tensile = tensile_type(name)) return tensile;
  if (contains_any(name, std::array<std::string_view, 2>{"bf16", "bfloat16"})) {
    return DataType::kBf16;
  }
  if (spells_f16(name) ||
      contains_any(name, std::array<std::string_view, 5>{"half", "fp16", "h884", "h1688",
                                                         "h16816"})) {
    return DataType::kFp16;
  }
  if (contains_any(name, std::array<std::string_view, 2>{"tf32", "xf32"}) ||
      contains(name, "tensorop_s1688")) {
    return DataType::kTf32;
  }
  if (contains_any(name, std::array<std::string_view, 4>{"float", "f32", "sgemm", "scudnn"})) {
    return DataType::kFp32;
  }
  return std::nullopt;
}

// The number starting at `at`, and where it ends.
uint32_t number_at(std::string_view text, size_t at, size_t& end) {
  uint32_t value = 0;
  end = at;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) &&
         value < 100000) {
    value = value * 10 + static_cast<uint32_t>(text[end] - '0');
    ++end;
  }
  return value;
}

// The first "<M>x<N>" after one of the tile prefixes, both sides at least kSmallestTileSide.
void read_tile(std::string_view name, KernelTraits& traits) {
  for (size_t at = 0; at < name.size(); ++at) {
    bool prefixed = name[at] == '_' || name.substr(at).starts_with("tilesize") ||
                    name.substr(at).starts_with("mt");
    if (!prefixed) continue;
    size_t digits = name[at] == '_' ? at + 1 : at + (name[at] == 'm' ? 2 : 8);
    size_t end = 0;
    uint32_t m = number_at(name, digits, end);
    if (end == digits || end >= name.size() || name[end] != 'x') continue;
    size_t after = 0;
    uint32_t n = number_at(name, end + 1, after);
    if (after == end + 1 || m < kSmallestTileSide || n < kSmallestTileSide) continue;
    traits.tile_m = m;
    traits.tile_n = n;
    return;
  }
}

}  // namespace

KernelTraits kernel_traits(std::string_view kernel_name) {
  std::string name(kernel_name);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  KernelTraits traits;
  traits.type = spelled_type(name);
  traits.integer =
      !traits.type && contains_any(std::string_view(name),
                                   std::array<std::string_view, 4>{"<long", "<int", "int64_t",
                                                                   "<unsigned"});
  read_tile(name, traits);
  traits.layout_transpose = contains_any(
      std::string_view(name),
      std::array<std::string_view, 4>{"nchwtonhwc", "nhwctonchw", "nchw2nhwc", "nhwc2nchw"});
  return traits;
}

}  // namespace dd
