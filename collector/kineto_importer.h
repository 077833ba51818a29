// Kineto (PyTorch profiler) JSON importer: `.json` and `.json.gz`, every format generation
// (2021 capitalised categories with `async` flows, 2022 `async_cpu_to_gpu`, current `cpu_op`/
// `ac2g`/`fwdbwd`/`python_function`/`[memory]`). Streams the file through simdjson on-demand.
#pragma once

#include <string>

#include "collector/progress.h"
#include "collector/result.h"
#include "collector/trace_builder.h"

namespace dd {

// Imports one Kineto file into the builder's trace as its own process(es). Fails (with a
// message naming the file) only when the file is unreadable or not a Kineto trace at all;
// malformed events are counted in trace.diagnostics. Reports reading and parsing, in bytes, to
// `progress` when given.
Result<void> import_kineto_file(const std::string& path, TraceBuilder& builder,
                                Progress* progress = nullptr);

}  // namespace dd
