// record_launcher: what `daydream record` does around the program it records — finds the
// collector library and the PyTorch shim beside the daydream executable, checks that a CUDA
// driver is there, runs the program with the injection variables set, forwards its exit
// status, and lists the traces its CUDA processes wrote (collector-design.md §6.2).
#pragma once

#include <string>
#include <vector>

#include "collector/trace/result.h"

namespace dd::cli {

struct RecordRequest {
  std::string output;          // trace of a single process; ranks and extra processes beside it
  std::string annotate = "modules";  // none | modules | ops
  std::string iterations;      // "START:COUNT" or empty for the whole run
  bool force = false;          // replace an existing output
  std::vector<std::string> command;
};

struct RecordOutcome {
  int exit_code = 0;                 // the program's, or 128 + signal
  std::vector<std::string> traces;   // written, in name order
};

Result<RecordOutcome> run_recorded(const RecordRequest& request);

}  // namespace dd::cli
