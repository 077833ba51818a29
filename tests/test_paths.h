// Where tests find bundled real traces and scratch space.
#pragma once

#include <string>

namespace dd::test {

inline std::string trace_path(const std::string& name) {
  return std::string(DD_TRACES_DIR) + "/" + name;
}

// Test inputs that are not real traces (tests/data/): hostile files, fuzzer findings.
inline std::string test_data_path(const std::string& name) {
  return std::string(DD_TEST_DATA_DIR) + "/" + name;
}

}  // namespace dd::test
