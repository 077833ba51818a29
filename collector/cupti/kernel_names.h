// kernel_names: the three names a kernel row carries (collector-design.md §7.3): CUPTI's
// mangled name, the demangled one (what the graph builder and reports show, as in PyTorch
// profiler traces), and a short one without return type, namespaces, template arguments and
// parameters ("vectorized_elementwise_kernel"), as nsys's shortName.
#pragma once

#include <string>
#include <string_view>

namespace dd::cupti {

// The demangled name, or `mangled` itself when it is not a mangled C++ name (extern "C" kernels).
std::string demangle_kernel_name(std::string_view mangled);
// The base function name of a demangled kernel name.
std::string short_kernel_name(std::string_view demangled);

}  // namespace dd::cupti
