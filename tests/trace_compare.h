// Compares two Traces by content: every table and column, with names resolved through each
// Trace's own string pool (so pools may number strings differently). Tests use it as
//   INFO(dd::test::first_difference(a, b)); CHECK(dd::test::first_difference(a, b).empty());
#pragma once

#include <string>

#include "collector/trace/trace.h"

namespace dd::test {

// "" when equal; otherwise a description of the first difference found.
std::string first_difference(const Trace& expected, const Trace& actual);

}  // namespace dd::test
