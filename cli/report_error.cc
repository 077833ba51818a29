// Maps an Error to its message on stderr and its exit code; prints a load's warnings.
#include <iostream>

#include "cli/commands.h"

namespace dd::cli {

int report_error(const Error& error) {
  std::cerr << "daydream: error: " << error.message << "\n";
  return error.kind == ErrorKind::kUsage ? kExitUsage : kExitBadInput;
}

void report_load_warnings(const Diagnostics& diagnostics) {
  for (const DiagnosticNote& note : diagnostics.notes()) {
    if (note.severity >= Severity::kDataLoss) std::cerr << "daydream: warning: " << note.text << "\n";
  }
}

}  // namespace dd::cli
