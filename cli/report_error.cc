// Maps an Error to its message on stderr and its exit code.
#include <iostream>

#include "cli/commands.h"

namespace dd::cli {

int report_error(const Error& error) {
  std::cerr << "daydream: error: " << error.message << "\n";
  return error.kind == ErrorKind::kUsage ? kExitUsage : kExitBadInput;
}

}  // namespace dd::cli
