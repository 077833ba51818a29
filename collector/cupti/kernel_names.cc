// Kernel name demangling and shortening (see kernel_names.h).
#include "collector/cupti/kernel_names.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace dd::cupti {

namespace {

// Position of the bracket that opens the group closed by name[close] (')' or '>'), scanning
// backwards over nested () and <> groups; npos when unbalanced.
size_t opening_bracket(std::string_view name, size_t close) {
  int depth = 0;
  for (size_t i = close + 1; i-- > 0;) {
    char c = name[i];
    if (c == ')' || c == '>') ++depth;
    if (c == '(' || c == '<') --depth;
    if (depth == 0) return i;
  }
  return std::string_view::npos;
}

// `name` without one trailing bracketed group closed by `close`, if it ends with one.
std::string_view strip_trailing_group(std::string_view name, char close) {
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty() || name.back() != close) return name;
  size_t open = opening_bracket(name, name.size() - 1);
  return open == std::string_view::npos ? name : name.substr(0, open);
}

}  // namespace

std::string demangle_kernel_name(std::string_view mangled) {
  if (!mangled.starts_with("_Z")) return std::string(mangled);
  std::string input(mangled);
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(input.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : input;
}

std::string short_kernel_name(std::string_view demangled) {
  std::string_view name = strip_trailing_group(demangled, ')');  // parameters
  name = strip_trailing_group(name, '>');                        // template arguments
  size_t scope = name.rfind("::");
  if (scope != std::string_view::npos) name = name.substr(scope + 2);
  size_t space = name.rfind(' ');  // return type ("void f")
  if (space != std::string_view::npos) name = name.substr(space + 1);
  return name.empty() ? std::string(demangled) : std::string(name);
}

}  // namespace dd::cupti
