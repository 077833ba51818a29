// `--gpu NAME`: names the GPU of a trace that records none (Nsight exports without
// TARGET_INFO_GPU, Kineto traces without deviceProperties), so the what-ifs that need the
// device's datasheet (amp, gpu; transforms/cost/device_model.h) can apply. The name goes into
// the Trace's device table as a user would type it ("h100", "RTX 2070 SUPER"); the device model
// matches it by name tokens. A trace that names its GPU keeps that name: --gpu naming another
// one is a usage error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "collector/trace/result.h"
#include "collector/trace/trace.h"

namespace dd::cli {

void add_gpu_option(CLI::App& command, std::string& gpu);

// Names every GPU the trace's streams ran on that its device table does not name (adding rows
// where it has none), and notes that the name came from the command line. Empty `name`: no-op.
Result<void> name_trace_gpu(Trace& trace, const std::string& name);

}  // namespace dd::cli
