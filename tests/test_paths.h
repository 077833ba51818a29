// Where tests find bundled real traces and scratch space.
#pragma once

#include <string>

namespace dd::test {

inline std::string trace_path(const std::string& name) {
  return std::string(DD_TRACES_DIR) + "/" + name;
}

}  // namespace dd::test
